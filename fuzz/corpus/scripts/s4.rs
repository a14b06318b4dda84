#!/usr/bin/env -S cargo +nightly -Zscript
---cargo
[package]
edition = "2021"
[dependencies]
clap = { version = "4", features = ["derive"] }
---

#[derive(clap::Parser)]
struct Args { #[arg(short)] n: u8 }
fn main() { let a = <Args as clap::Parser>::parse(); println!("{}", a.n); }
