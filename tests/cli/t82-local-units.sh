#!/bin/bash
# Issue 21, problem 2: a path dependency whose files change to content with an OLDER mtime
# (cp -p, tar x, rsync -a of an older version, a symlinked dependency directory retargeted) is
# compiled again: cargo's mtime check would keep the old library, so cthag makes cargo compile
# every local unit whose files changed, with -f too, and for a script that shares the unit with
# another but has never been built.
. "$(dirname "$0")/lib.sh"

# expect_run LABEL CARGO_CALLS OUTPUT ARGS...
expect_run() {
    local label=$1 calls=$2 want=$3
    shift 3
    run_cthag -q "$@"
    expect_status 0 "$label:"
    expect_out "$want" "$label:"
    expect_cargo_calls "$calls" "$label:"
}

# make_lib DIR VALUE: a library crate "common" whose files are old (mtime in 2001).
make_lib() {
    mkdir -p "$1/src"
    printf '[package]\nname = "common"\nversion = "0.1.0"\nedition = "2021"\n' > "$1/Cargo.toml"
    printf 'pub fn value() -> &%sstatic str { "%s" }\n' "'" "$2" > "$1/src/lib.rs"
    touch -d '2001-01-01 00:00:00' "$1/Cargo.toml" "$1/src/lib.rs" "$1/src" "$1"
}

# script NAME PATH: a script printing common::value() of the dependency at PATH.
script() {
    write_script "$1" <<EOF
//! \`\`\`cargo
//! [dependencies]
//! common = { path = "$2" }
//! \`\`\`
fn main() { println!("{}", common::value()); }
EOF
}

make_lib old1 v1
make_lib old2 v2
cp -pR old1 lib
script a.rs lib
expect_run "a: first" 1 v1 a.rs
expect_run "a: cached" 0 v1 a.rs

# cp -p: new content, an mtime older than the library cargo compiled.
cp -p old2/src/lib.rs lib/src/lib.rs
expect_run "a: lib.rs replaced by an older file" 1 v2 a.rs
expect_run "a: then cached" 0 v2 a.rs

# -f compiles every local unit again.
cp -pR old1 libf
script f.rs libf
expect_run "f: first" 1 v1 f.rs
cp -p old2/src/lib.rs libf/src/lib.rs
expect_run "f: -f after an older file" 1 v2 -f f.rs
expect_run "f: then cached" 0 v2 f.rs

# A script that has never been built, sharing the compiled unit: cargo finds the unit fresh by
# its mtime, cthag sees a file changed since that unit was compiled and has cargo compile it.
script b.rs lib
cp -p old1/src/lib.rs lib/src/lib.rs
expect_run "b: first, the shared unit kept by cargo" 2 v1 b.rs
expect_run "b: cached" 0 v1 b.rs
expect_run "a: its file changed" 1 v1 a.rs

# A symlinked dependency directory retargeted to an older tree.
ln -s old1 dep
script c.rs dep
expect_run "c: first" 1 v1 c.rs
expect_run "c: cached" 0 v1 c.rs
ln -sfn old2 dep
expect_run "c: the dependency's symlink retargeted" 1 v2 c.rs
expect_run "c: cached" 0 v2 c.rs
ln -sfn old1 dep
expect_run "c: back" 1 v1 c.rs

# rsync -a / tar x of an older tree over the dependency: every file older than the build.
rm -rf lib && cp -pR old2 lib
expect_run "a: the whole tree replaced by an older copy" 1 v2 a.rs
tar -C old1 -cf lib.tar . && tar -C lib -xf lib.tar
expect_run "a: tar x of an older tree" 1 v1 a.rs
tar -C old2 -cf lib.tar . && tar -C lib -xf lib.tar
expect_run "a: tar x of an older tree" 1 v2 a.rs
expect_run "a: cached" 0 v2 a.rs

finish
