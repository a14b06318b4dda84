#!/bin/bash
# One shared target directory: a dependency compiled for one script is reused by the next, and
# nothing about it leaks into the script's environment.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

write_script first.rs <<'EOF_RS'
fn main() { println!("first {}", tinydep::answer()); }
EOF_RS
write_script second.rs <<'EOF_RS'
fn main() {
    println!("second {}", tinydep::greet("x"));
    println!("target dir: {:?}", std::env::var("CARGO_TARGET_DIR").ok());
}
EOF_RS

run_cthag "${R[@]}" first.rs
expect_out "first 42"
expect_eq "$(count_lines "$TMP/err" "Compiling tinydep v0.1.0")" 1 "first script compiles the dependency:"

run_cthag "${R[@]}" second.rs
expect_out 'second hello, x
target dir: None'
expect_eq "$(count_lines "$TMP/err" "Compiling tinydep")" 0 "second script reuses it:"
expect_eq "$(count_lines "$TMP/err" "Compiling second v0.1.0 (second.rs)")" 1 "second script compiles only itself:"

# One rlib for the dependency in the one target; no per-project target directories.
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps/libtinydep-*.rlib | wc -l)" 1 "one tinydep rlib:"
expect_eq "$(find "$CTHAG_CACHE_DIR/projects" -name target | wc -l)" 0 "no per-script target:"
# cargo is told about the shared target on its command line (a --config), so that neither
# rustc nor the script sees a CARGO_TARGET_DIR.
expect_eq "$(grep -c -- "--config build.target-dir=\"$CTHAG_CACHE_DIR/target\"" "$CARGO_LOG")" 2

# Unique package names: two scripts never overwrite each other's outputs in the shared target.
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/ | grep -c -e '^first_[0-9a-f]*$' -e '^second_[0-9a-f]*$')" 2 \
    "both executables in target/debug:"

finish
