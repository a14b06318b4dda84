#!/bin/bash
# What the user sees names the script, never the generated package (issue 23 item 2): cargo's
# lines, `could not compile`, a panic's backtrace frames, -A tree, --cache-stats rows of failed
# builds and of -e/-s/-l; and the binary named for the script stays apart in the shared target:
# two scripts of one name built at once each run their own program.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# cargo's lines, through a pipe too.
write_script broken.rs <<'EOF_RS'
fn main() {
    let n: u8 = "x";
}
EOF_RS
run_cthag broken.rs
expect_status 1
expect_err_has "   Compiling broken v0.1.0 (broken.rs)"
expect_err_has "error: could not compile \`broken\` (bin \"broken\") due to 1 previous error"
expect_err_lacks "broken_"
expect_err_lacks "$CTHAG_CACHE_DIR"
# ... with -q, shown because it failed: the same names.
run_cthag -q broken.rs
expect_err_has "error: could not compile \`broken\` (bin \"broken\")"
expect_err_lacks "broken_"

# A panic's backtrace: frames in the script's crate are `<script>::<fn>`.
write_script panics.rs <<'EOF_RS'
fn inner() {
    let v: Vec<u8> = Vec::new();
    println!("{}", v[3]);
}
fn main() {
    inner();
}
EOF_RS
RUST_BACKTRACE=1 run_cthag -q panics.rs
expect_status 101 "a panic:"
expect_err_has "panics::inner"
expect_err_has "panics::main"
expect_err_lacks "panics_"
# A snippet, -e: the frames name the stem (expr for -e).
RUST_BACKTRACE=1 run_cthag -q -e 'let v: Vec<u8> = vec![]; v[1]'
expect_status 101
expect_err_has "expr::main"
expect_err_lacks "expr_"

# A stem cargo keeps for itself (build, deps, examples, incremental): build_rs.
write_script build.rs <<'EOF_RS'
fn main() { panic!("from build.rs"); }
EOF_RS
# (-f: built by cargo; without it, by rustc alone with the command of a script like it, which
# must be renamed for this one: its crate too.)
RUST_BACKTRACE=1 run_cthag -f build.rs
expect_status 101
expect_err_has "Compiling build_rs v0.1.0 (build.rs)"
expect_err_has "build_rs::main"
echo '// edited' >> build.rs
RUST_BACKTRACE=1 run_cthag -v build.rs
expect_status 101
expect_err_has "building with rustc directly"
expect_err_has "build_rs::main"
# A new script, built with the command of another: its own names.
printf 'fn main() { panic!("{}", env!("CARGO_BIN_NAME")); }\n' > other-name.rs
RUST_BACKTRACE=1 run_cthag -v other-name.rs
expect_status 101
expect_err_has "a dependency-free script like it"
expect_err_has "other_name::main"
expect_err_has "other-name.rs:1:13:"
expect_eq "$(grep -cx other_name "$TMP/err")" 1 "its CARGO_BIN_NAME (as cargo would give it):"
expect_err_lacks "build_rs"

# -A tree and -A pkgid-like output: the script's name and path.
printf 'fn main() { println!("{}", tinydep::answer()); }\n' > treed.rs
run_cthag -q "${R[@]}" -A treed.rs -- tree
expect_status 0
expect_eq "$(head -1 "$TMP/out")" "treed v0.1.0 (treed.rs)" "-A tree:"
expect_file_has "$TMP/out" "tinydep v0.1.0"

# --cache-stats: a failed build names its script; -e/-s/-l show the start of their text.
run_cthag -q -e '"a much longer expression than forty-eight characters, cut"'
printf 'let stdin_script = 1;\nstdin_script\n' > in.rs
STDIN=in.rs run_cthag -q -s
run_cthag --cache-stats
expect_eq "$(grep -c "  no build        $TMP/broken.rs\$" "$TMP/out")" 1 "a failed build names its script:"
expect_eq "$(grep -cF '  -e "a much longer expression than forty-eight chara...' "$TMP/out")" 1 \
    "-e: the start of its text:"
expect_eq "$(grep -cF '  -s let stdin_script = 1; stdin_script' "$TMP/out")" 1 "-s: on one line:"
expect_eq "$(grep -c '(incomplete entry)\|(-e expression)\|(-s standard input)' "$TMP/out")" 0 \
    "no row without its script or text:"
"$CTHAG" --cache-stats=json > stats.json
expect_file_has stats.json "\"kind\": \"incomplete\", \"script\": \"$TMP/broken.rs\","

# Two scripts of one name, built at once: each runs its own program (the binary, named for the
# script, is copied out of the shared target into each entry's own directory).
mkdir -p one two
for d in one two; do
    printf 'fn main() { println!("%s"); }\n' "$d" > "$d/same.rs"
done
for round in 1 2 3; do
    for d in one two; do sed -i "s/\"[a-z0-9]*\"/\"$d$round\"/" "$d/same.rs"; done
    "$CTHAG" -q one/same.rs > one.out 2> one.err &
    a=$!
    "$CTHAG" -q two/same.rs > two.out 2> two.err &
    b=$!
    wait $a $b
    expect_eq "$(cat one.out)/$(cat two.out)" "one$round/two$round" "same stem, built at once (round $round):"
done
expect_eq "$(ls "$CTHAG_CACHE_DIR"/bins | grep -c '^same-')" 2 "two entries:"
expect_eq "$(find "$CTHAG_CACHE_DIR"/projects/same-* -name target | wc -l)" 0 "no project keeps cargo's copy:"

finish
