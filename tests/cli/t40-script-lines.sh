#!/bin/bash
# Snippets, -e, -s and -l keep every line of the script on its own line number: panics, line!()
# and RUST_BACKTRACE=1 name the script's lines (the dev profile keeps line tables), and thag's
# prelude (Error, io, io::prelude::*) is there without breaking scripts that import it themselves.
. "$(dirname "$0")/lib.sh"
export RUST_BACKTRACE=0

# line!() and a panic on the line they are on, for -e, a snippet file and -s.
run_cthag -q -e 'line!()'
expect_out "1"
run_cthag -q -e 'let v: Vec<i32> = Vec::new();
v[3]'
expect_status 101
expect_err_has "panicked at expr.rs:2:"
expect_err_has "index out of bounds"

write_script lines.rs <<'EOF_RS'
#!/usr/bin/env cthag
// the shebang's line takes main's opening; nothing below moves
let here = line!();
println!("{here} {}", line!());
fn helper() -> u32 { line!() }
println!("{}", helper());
if std::env::args().count() > 1 {
    panic!("asked to panic");
}
line!()
EOF_RS
run_cthag -q lines.rs
expect_out "3 4
5
10"
run_cthag -q lines.rs -- boom
expect_status 101
expect_err_has "panicked at $TMP/lines.rs:8:5"
expect_err_has "asked to panic"
# The generated copy really has the script's lines on the same numbers.
copy=$(ls "$CTHAG_CACHE_DIR"/projects/lines-*/lines.rs)
expect_eq "$(sed -n '3,8p' "$copy")" "$(sed -n '3,8p' lines.rs)" "lines 3-8 verbatim:"

printf 'let a = 5;\nassert_eq!(a, 6, "on line {}", line!());\n' > stdin-snippet.txt
STDIN=stdin-snippet.txt run_cthag -q -s
expect_status 101
expect_err_has "panicked at stdin.rs:2:1"
expect_err_has "on line 2"

# A frontmatter program: the block's lines are kept too.
write_script front.rs <<'EOF_RS'
---
[package]
edition = "2021"
---
fn main() {
    println!("{}", line!());
    None::<u8>.expect("nothing on line 7");
}
EOF_RS
run_cthag -q front.rs
expect_status 101
expect_out "6"
expect_err_has "panicked at $TMP/front.rs:7:16"

# RUST_BACKTRACE=1: the script's frames name its file and line (line tables are kept), and
# the file is the script, not cthag's copy of it: run from elsewhere, the frames say where it is
# (the backtrace shortens paths under the current directory only).
mkdir -p sub
write_script sub/deep.rs <<'EOF_RS'
fn inner(n: u32) -> u32 {
    if n == 0 {
        panic!("bottom");
    }
    inner(n - 1)
}
println!("{}", file!());
inner(2)
EOF_RS
mkdir -p elsewhere && cd elsewhere && RUST_BACKTRACE=1 run_cthag -q ../sub/deep.rs
cd "$TMP" || exit 1
expect_status 101
expect_out "$TMP/sub/deep.rs"
expect_err_has "panicked at $TMP/sub/deep.rs:3:9"
expect_err_has "at $TMP/sub/deep.rs:3:9"
expect_err_has "at $TMP/sub/deep.rs:5:5"
expect_err_has "at $TMP/sub/deep.rs:8:1"
expect_eq "$(grep -c "projects/" "$TMP/err")" 0 "no frame in the cache's copy:"
# Compiler messages still show the script as it was named (the renaming is for the program).
printf 'let x: u8 = "a";\n' > sub/bad.rs
run_cthag -q sub/bad.rs
expect_status 1
expect_err_has " --> sub/bad.rs:1:13"
manifest=$(cat "$CTHAG_CACHE_DIR"/projects/deep-*/Cargo.toml)
case "$manifest" in
    *'[profile.dev]
debug = "line-tables-only"'*) pass ;;
    *) fail "line tables by default: $manifest" ;;
esac
# The script's own [profile.dev] keys still win.
write_script nodebug.rs <<'EOF_RS'
/*[toml]
[profile.dev]
debug = 0
*/
fn main() {}
EOF_RS
run_cthag -q nodebug.rs
expect_status 0
expect_eq "$(grep -c '^debug = 0$' "$CTHAG_CACHE_DIR"/projects/nodebug-*/Cargo.toml)" 1 \
    "the script's debug setting:"
expect_eq "$(grep -c 'line-tables-only' "$CTHAG_CACHE_DIR"/projects/nodebug-*/Cargo.toml)" 0 \
    "no default over it:"

# -l: line 1 for one-line parts; `i` (lines read) is visible in -E; -E's value is printed.
seq 3 > three.txt
STDIN=three.txt run_cthag -q -B 'let mut sum = 0' -l 'sum += line.parse::<i32>()?;' -E 'sum * 100 + i as i32'
expect_status 0
expect_out "603"
STDIN=three.txt run_cthag -q -l 'if i == 2 { panic!("line {i} is {line}") }'
expect_status 101
expect_err_has "panicked at loop.rs:1:"
expect_err_has "line 2 is 2"

# thag's prelude: Error, io and io's prelude (BufRead, Read, Write) without imports.
write_script prelude.rs <<'EOF_RS'
fn first_line(r: &mut dyn BufRead) -> Result<String, Box<dyn Error>> {
    let mut s = String::new();
    r.read_line(&mut s)?;
    Ok(s.trim().to_string())
}
let mut out = io::stdout();
writeln!(out, "{}", first_line(&mut io::stdin().lock())?)?;
EOF_RS
STDIN=three.txt run_cthag -q prelude.rs
expect_status 0
expect_out "1"
expect_err ""
# ... and scripts that import the same names (or others called the same) keep working.
write_script own-imports.rs <<'EOF_RS'
use std::error::Error;
use std::io;
use std::io::prelude::*;
use std::io::{BufRead, Write};
fn parse(s: &str) -> Result<i32, Box<dyn Error>> { Ok(s.parse()?) }
writeln!(io::stdout(), "{}", parse("7")?)?;
EOF_RS
run_cthag -q own-imports.rs
expect_status 0
expect_out "7"
expect_err ""
write_script other-names.rs <<'EOF_RS'
use std::fmt::Error;
use std::fmt::Write;
#[derive(Debug)]
struct io { x: i32 }
let mut s = String::new();
write!(s, "{:?}", io { x: 1 })?;
let e: Error = Error;
(s, e)
EOF_RS
run_cthag -q other-names.rs
expect_status 0
expect_out '("io { x: 1 }", Error)'
write_script glob.rs <<'EOF_RS'
use std::io::*;
fn fail() -> Result<()> { Err(Error::new(ErrorKind::Other, "from io::Error")) }
fail().unwrap_err().to_string()
EOF_RS
run_cthag -q glob.rs
expect_status 0
expect_out '"from io::Error"'
# An old-style macro import: rustc wants it at the crate's top level, where cthag repeats it.
mkdir -p mymacros/src
printf '[package]\nname = "mymacros"\nversion = "0.1.0"\nedition = "2021"\n' > mymacros/Cargo.toml
printf '#[macro_export]\nmacro_rules! twice { ($e:expr) => { $e * 2 } }\n' > mymacros/src/lib.rs
write_script macros.rs <<'EOF_RS'
/*[toml]
[dependencies]
mymacros = { path = "mymacros" }
*/
#[macro_use] extern crate mymacros;
twice!(21)
EOF_RS
run_cthag -q macros.rs
expect_status 0 "#[macro_use] extern crate in a snippet:"
expect_out "42"

# Everything after the script is its own, options included; one `--` right after it is dropped.
write_script args.rs <<'EOF_RS'
std::env::args().skip(1).collect::<Vec<_>>()
EOF_RS
run_cthag -q args.rs -v --help -q
expect_out '["-v", "--help", "-q"]'
run_cthag -q args.rs -- -v -- x
expect_out '["-v", "--", "x"]'
run_cthag -q args.rs -- -- x
expect_out '["--", "x"]'
# `io::` is the prelude's module, not a crate to infer.
expect_eq "$(grep -c '^io = ' "$CTHAG_CACHE_DIR"/projects/prelude-*/Cargo.toml)" 0 "io inferred:"

finish
