#!/usr/bin/env cthag
//! A std-only demo: word frequencies of the arguments (or of a built-in sentence).
use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = if args.is_empty() {
        "the quick brown fox jumps over the lazy dog the end".to_string()
    } else {
        args.join(" ")
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_default() += 1;
    }
    println!("Hello from cthag! {} words, {} distinct:", text.split_whitespace().count(), counts.len());
    for (word, n) in &counts {
        println!("{n:>3} {word}");
    }
}
