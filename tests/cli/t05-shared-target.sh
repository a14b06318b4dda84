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

# One rlib for the dependency in the one target; no per-project target directories (cargo's
# copy of an executable, out of the shared target into the project, goes once it is installed).
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps/libtinydep-*.rlib | wc -l)" 1 "one tinydep rlib:"
expect_eq "$(find "$CTHAG_CACHE_DIR/projects" -name target | wc -l)" 0 "no per-script target:"
for s in first second; do
    expect_eq "$(stat -c %i "$CTHAG_CACHE_DIR"/bins/$s-*)" \
        "$(stat -c %i "$CTHAG_CACHE_DIR"/target/debug/deps/$s-????????????????)" "$s: one file, linked:"
done
# cargo is told about the shared target on its command line (a --config: its build directory),
# so that neither rustc nor the script sees a CARGO_TARGET_DIR.
expect_eq "$(grep -c -- "--config build.build-dir=\"$CTHAG_CACHE_DIR/target\"" "$CARGO_LOG")" 2

# The binaries are named for the scripts, the packages are unique: each unit's files in the
# shared target are apart by the package's metadata hash.
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps/ | grep -c -E '^(first|second)-[0-9a-f]{16}$')" 2 \
    "both executables in target/debug/deps:"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/.fingerprint/ | grep -c -E '^(first|second)_[0-9a-f]{16}-[0-9a-f]{16}$')" 2 \
    "both units under their unique packages:"

finish
