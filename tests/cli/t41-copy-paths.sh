#!/bin/bash
# Scripts compiled from cthag's copy (snippets, frontmatter programs, -e/-s/-l) resolve relative
# paths against the script's directory as rustc and cargo would for the original file:
# `mod x;` (x.rs or x/mod.rs, nested inline modules, #[path]), include!/include_str!/
# include_bytes!, and `path =` of dependencies ([dependencies], target tables, [patch]).
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
# in_dir DIR ARGS...: run cthag from DIR.
in_dir() {
    cd "$1" || return
    shift
    run_cthag "$@"
    cd "$TMP" || exit 1
}

mkdir -p proj/data proj/nested proj/inline proj/other proj/mylib/src
cd proj
printf 'pub fn hi() -> &'"'"'static str { "hi from flat.rs" }\n' > flat.rs
printf 'pub fn hi() -> &'"'"'static str { "hi from nested/mod.rs" }\n' > nested/mod.rs
printf 'pub fn hi() -> &'"'"'static str { "hi from inline/deep.rs" }\n' > inline/deep.rs
printf 'pub fn hi() -> &'"'"'static str { "hi from other/p.rs" }\n' > other/p.rs
printf 'text in data\n' > data/t.txt
printf '"included"\n' > expr.in
printf '[package]\nname = "mylib"\nversion = "0.1.0"\nedition = "2021"\n' > mylib/Cargo.toml
printf 'pub fn seven() -> u32 { 7 }\n' > mylib/src/lib.rs
mkdir -p tinypatch/src
printf '[package]\nname = "tinydep"\nversion = "0.1.0"\nedition = "2021"\n' > tinypatch/Cargo.toml
printf 'pub fn answer() -> u32 { 43 }\n' > tinypatch/src/lib.rs
cd ..

# A snippet: its code is inside main, yet `mod x;` and the includes mean the script's directory.
write_script proj/snippet.rs <<'EOF_RS'
mod flat;
mod nested;
mod inline { pub mod deep; }
#[path = "other/p.rs"] mod renamed;
let data = include_str!("data/t.txt");
let bytes = include_bytes!("data/t.txt").len();
let value: &str = include!("expr.in");
println!("{} / {} / {} / {}", flat::hi(), nested::hi(), inline::deep::hi(), renamed::hi());
println!("{} {} {}", data.trim(), bytes, value);
EOF_RS
# Run from elsewhere: the current directory plays no part.
mkdir elsewhere
in_dir elsewhere -q ../proj/snippet.rs
expect_status 0
expect_out "hi from flat.rs / hi from nested/mod.rs / hi from inline/deep.rs / hi from other/p.rs
text in data 13 included"

# A frontmatter program (compiled from a copy: stable rustc cannot read the frontmatter), with a
# path dependency relative to the script.
write_script proj/front.rs <<'EOF_RS'
---
[dependencies]
mylib = { path = "mylib" }
---
mod flat;
fn main() {
    println!("{} {} {}", flat::hi(), mylib::seven(), include_str!("data/t.txt").trim());
}
EOF_RS
in_dir elsewhere -q ../proj/front.rs
expect_status 0
expect_out "hi from flat.rs 7 text in data"
expect_file_has "$(ls "$CTHAG_CACHE_DIR"/projects/front-*/Cargo.toml)" "path = \"$TMP/proj/mylib\""

# thag's block with a path dependency in a target table and a [patch]: relative to the script.
write_script proj/patched.rs <<'EOF_RS'
/*[toml]
[target.'cfg(unix)'.dependencies]
mylib = { path = "mylib" }
[dependencies]
tinydep = "0.1"
[patch.crates-io]
tinydep = { path = "tinypatch" }
*/
println!("{} {}", mylib::seven(), tinydep::answer());
EOF_RS
in_dir elsewhere -q "${R[@]}" ../proj/patched.rs
expect_status 0
expect_out "7 43"
manifest=$(cat "$CTHAG_CACHE_DIR"/projects/patched-*/Cargo.toml)
case "$manifest" in
    *"mylib = { path = \"$TMP/proj/mylib\" }"*"tinydep = { path = \"$TMP/proj/tinypatch\" }"*) pass ;;
    *) fail "absolute paths in target and patch tables: $manifest" ;;
esac

# -e and -l: relative to the current directory.
in_dir proj -q -e 'include_str!("data/t.txt").trim()' 
expect_out '"text in data"'
STDIN=/dev/null in_dir proj -q -l 'line' -E 'mod flat; flat::hi()' 
expect_status 0
expect_out '"hi from flat.rs"'

# Both x.rs and x/mod.rs: rustc's error, against the script's line.
mkdir proj/twice && printf '\n' > proj/twice.rs && printf '\n' > proj/twice/mod.rs
printf 'mod twice;\nprintln!("unreachable");\n' > proj/ambiguous.rs
run_cthag -q proj/ambiguous.rs
expect_status 1
expect_err_has "file for module \`twice\` found at both \"$TMP/proj/twice.rs\" and \"$TMP/proj/twice/mod.rs\""
expect_err_has " --> proj/ambiguous.rs:1:1"
expect_err_lacks "compile_error"
# Neither: rustc cannot read the file the script's directory would hold.
printf 'mod absent;\n' > proj/missing.rs
run_cthag -q proj/missing.rs
expect_status 1
expect_err_has "$TMP/proj/absent.rs"
expect_err_has " --> proj/missing.rs:1:1"

# An edit to an included file is seen (the file is one of the build's inputs).
printf 'changed data\n' > proj/data/t.txt
in_dir elsewhere -q ../proj/snippet.rs
expect_out "hi from flat.rs / hi from nested/mod.rs / hi from inline/deep.rs / hi from other/p.rs
changed data 13 included"

finish
