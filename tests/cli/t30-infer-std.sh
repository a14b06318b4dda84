#!/bin/bash
# Inference never invents crates for std-only programs (issue 12's false crates): each builds
# with inference on (the default level) and no registry at all: cargo offline, no
# --registry-dir, and the generated manifest has no [dependencies].  -v says nothing was
# inferred; the -v notes for real crates name the line and the reason.
. "$(dirname "$0")/lib.sh"
export CARGO_NET_OFFLINE=true

# std_only NAME EXPECTED_OUTPUT < script: builds and runs with no dependency added.
std_only() {
    write_script "$1.rs"
    reset_cargo_log
    run_cthag -v "$1.rs"
    expect_status 0 "$1:"
    expect_out "$2" "$1:"
    expect_err_lacks "inferred crate" "$1:"
    expect_builds 1 "$1:"
    if grep -q dependencies "$CTHAG_CACHE_DIR"/projects/"$1"-*/Cargo.toml; then
        fail "$1: dependencies added: $(cat "$CTHAG_CACHE_DIR"/projects/"$1"-*/Cargo.toml)"
    else
        pass
    fi
}

std_only io_self "hello" <<'EOF'
use std::io::{self, Write};
use std::fs::{self, File};
use std::fmt::{self, Display};
use std::process::{self, Command};
use std::collections::{self, HashMap};
struct S;
impl fmt::Debug for S {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { write!(f, "S") }
}
fn main() {
    let _: Option<(File, Command, HashMap<u8, u8>, &dyn Display)> = None;
    let _ = (fs::metadata("/"), collections::BTreeMap::<u8, u8>::new(), process::id());
    writeln!(io::stdout(), "hello").unwrap();
}
EOF

std_only glob_std "1 2" <<'EOF'
use std::{collections::*, fmt::Write};
fn main() {
    let mut m: HashMap<u8, u8> = HashMap::new();
    m.insert(1, 2);
    let e = hash_map::RandomState::new();
    let _ = e;
    let mut s = String::new();
    for (k, v) in &m { write!(s, "{} {}", k, v).unwrap(); }
    println!("{}", s);
}
EOF

std_only alias "0" <<'EOF'
use std::collections as coll;
use coll::HashMap;
fn main() {
    let m: HashMap<u8, u8> = coll::HashMap::new();
    println!("{}", m.len());
}
EOF

std_only tools "x" <<'EOF'
#![allow(clippy::all)]
#[allow(clippy::too_many_lines)]
#[rustfmt::skip]
fn show(f: &mut ::std::fmt::Formatter, _: &dyn ::std::any::Any) -> ::std::fmt::Result {
    write!(f, "x")
}
struct X;
impl std::fmt::Display for X {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { show(f, &1u8) }
}
fn main() { println!("{}", X); }
EOF

std_only generics "4 0 Less" <<'EOF'
use std::cmp::Ordering;
fn zero<T: Default>() -> T { T::default() }
fn main() {
    let n = size_of::<u32>();
    drop::<i32>(n as i32);
    let z: u8 = zero::<u8>();
    use Ordering::*;
    let o = match 1.cmp(&2) { Less => "Less", Equal => "Equal", Greater => "Greater" };
    println!("{} {} {}", n, z, o);
}
EOF

# The same in -e: a turbofish call is no crate.
reset_cargo_log
run_cthag -q -v -e 'drop::<i32>(1); size_of::<u64>()'
expect_status 0 "-e size_of:"
expect_out "8" "-e size_of:"
expect_err_lacks "inferred crate"

# -v names the line and the reason for real crates (the build is not needed for that: -g).
write_script notes.rs <<'EOF'
use std::io;
use rand::Rng;
#[tokio::main]
async fn main() {
    anyhow::bail!("x");
    let _ = ::serde::de::IgnoredAny;
}
extern crate itertools;
EOF
run_cthag -v -g notes.rs
expect_status 0 "-g with notes:"
expect_err_has "cthag: notes.rs:2: inferred crate rand from the declaration \`use rand::Rng\` (nothing in scope is called rand)"
expect_err_has "cthag: notes.rs:3: inferred crate tokio from the attribute \`#[tokio::main]\` (nothing in scope is called tokio)"
expect_err_has "cthag: notes.rs:5: inferred crate anyhow from the macro \`anyhow::bail!\` (nothing in scope is called anyhow)"
expect_err_has "cthag: notes.rs:6: inferred crate serde from the path \`::serde::de::IgnoredAny\` (a global path names a crate)"
expect_err_has "cthag: notes.rs:8: inferred crate itertools from \`extern crate itertools\`"
expect_err_lacks "crate io"

finish
