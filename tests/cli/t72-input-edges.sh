#!/bin/bash
# Inputs that went wrong (issue 23 items 3 and 8): a UTF-8 byte-order mark, a non-UTF-8 line
# under -l, a path longer than PATH_MAX, a manifest cargo would refuse or half-ignore (said at
# the script's line, never followed by "is crates.io reachable"), a cache root right under /,
# a `loop {}` expression, -B before -e.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# A byte-order mark: rustc skips it, and so does cthag (a program is still a program, compiled
# where it lives; a snippet keeps its line numbers).
printf '\xef\xbb\xbffn main() { println!("bom {}", line!()); }\n' > bom.rs
run_cthag -q bom.rs
expect_status 0 "a program with a BOM:"
expect_out "bom 1"
expect_eq "$(grep -c "path = \"$TMP/bom.rs\"" "$CTHAG_CACHE_DIR"/projects/bom-*/Cargo.toml)" 1 "compiled in place:"
printf '\xef\xbb\xbf#!/usr/bin/env cthag\nlet x = 2;\nlet y: i32 = "z";\n' > bom2.rs
run_cthag -q bom2.rs
expect_status 1 "a snippet with a BOM and an error:"
expect_err_has " --> bom2.rs:3:14"
expect_err_lacks "unknown start of token"

# -l on a line that is not UTF-8: the line's number, not std's Debug form of the error.
printf 'ok\n\xff\xfe\nafter\n' > lines.bin
STDIN=lines.bin run_cthag -q -l 'line.len()'
expect_status 1 "-l and invalid UTF-8:"
expect_out "2"
expect_err "cthag: <stdin>:2: invalid UTF-8 (-l reads lines of text)"
STDIN=lines.bin run_cthag -q -l '|l: &str| l.len()'
expect_status 1 "rust-script's -l form and invalid UTF-8:"
expect_err "cthag: <stdin>:2: invalid UTF-8 (-l reads lines of text)"

# A path longer than PATH_MAX: the message ends with the reason.
long=$TMP/$(printf 'd%.0s' {1..200})
for i in $(seq 1 17); do long="$long/$(printf 'e%.0s' {1..250})"; done
run_cthag "$long/x.rs"
expect_status 2 "a path longer than PATH_MAX:"
expect_eq "$(err | grep -cE '/x\.rs: File ?name too long$')" 1 "the reason is there:"
run_cthag --registry-dir "$long" -e 1
expect_status 2
# (glibc's realpath() finds the first missing directory, musl's the length: either reason.)
expect_eq "$(err | grep -cE 'eeeee: (File ?name too long|No such file or directory)$')" 1 \
    "the reason is there (an option):"

# Manifest values cargo refuses: said at the script's line by cthag, before cargo; no network
# question after them.
write_script badver.rs <<'EOF_RS'
/*[toml]
[dependencies]
tinydep = "not a version"
*/
fn main() {}
EOF_RS
run_cthag "${R[@]}" badver.rs
expect_status 2 "a bad version requirement:"
expect_err "cthag: badver.rs:3: failed to parse the version requirement \`not a version\` for dependency \`tinydep\` (e.g. \"1\", \"1.2.3\", \">=1.2, <2\", \"*\")"
sed -i 's/"not a version"/{ version = "0.1", features = "loud" }/' badver.rs
run_cthag "${R[@]}" badver.rs
expect_status 2 "features not a list:"
expect_err "cthag: badver.rs:3: dependency \`tinydep\`: features must be a list of strings, e.g. features = [\"derive\"]"
# A manifest only cargo refuses (a bad `edition`): cargo's error names the script, and no
# "is crates.io reachable" follows it.
write_script badedition.rs <<'EOF_RS'
/*[toml]
[package]
edition = "1999"
[dependencies]
tinydep = "0.1"
*/
fn main() {}
EOF_RS
run_cthag badedition.rs
expect_status 1 "a manifest cargo refuses:"
expect_err_lacks "crates.io reachable"
expect_err_lacks "$CTHAG_CACHE_DIR/projects"
expect_err_has "badedition.rs"

# A typo in a dependency's table: cthag warns at the script's line, as cargo would (about its
# own Cargo.toml), and cargo says nothing more.
write_script typo.rs <<'EOF_RS'
/*[toml]
[dependencies]
featured = { version = "0.2", featurs = ["loud"] }
*/
fn main() { println!("{}", featured::msg()); }
EOF_RS
run_cthag "${R[@]}" typo.rs
expect_status 0 "a dependency key misspelt:"
expect_out "quiet"
expect_err_has "cthag: warning: typo.rs:3: unused manifest key: dependencies.featured.featurs (cargo ignores it); did you mean \`features\`?"
expect_eq "$(grep -c 'unused manifest key' "$TMP/err")" 1 "one warning, cthag's:"

# `loop {}`: no warning about cthag's printing of its value.
run_cthag -b -e 'loop {}'
expect_status 0 "-e 'loop {}' builds:"
expect_err_lacks "unreachable"

# -B before -e: its statements and items in the expression's scope, each part's errors at its
# own lines.
run_cthag -q -B 'let x = 5; fn twice(a: i32) -> i32 { a * 2 }' -e 'twice(x) + 1'
expect_out "11" "-B with -e:"
run_cthag -q -B 'let x = 5;' -e 'let y: i32 = "no";
x'
expect_status 1
expect_err_has " --> <expr>:1:14"
run_cthag -q -B $'let x = 5;\nlet z: u8 = "no";' -e 'x'
expect_status 1
expect_err_has " --> <begin>:2:13"

# A cache root right under / (a container's usual layout), when / is the user's (root's).
if [ "$(id -u)" = 0 ] && [ "$(stat -c %u /)" = 0 ]; then
    top="/cthag-t72-$$"
    rm -rf "$top"
    CTHAG_CACHE_DIR=$top run_cthag -q -e '40 + 2'
    expect_status 0 "CTHAG_CACHE_DIR=$top:"
    expect_out "42"
    expect_eq "$(ls "$top" | tr '\n' ' ')" "CACHEDIR.TAG bins gc-stamp lock locks projects target " "its layout:"
    rm -rf "$top"
else
    echo "SKIP t72 (a root under /): not root"
fi

finish
