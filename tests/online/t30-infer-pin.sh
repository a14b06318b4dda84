#!/bin/bash
# crates.io's real names and newest releases for inferred crates, and --print-toml's pinned
# block, against the real registry.  The crates a first build infers are looked up once, all
# together, with `cargo generate-lockfile` on a scratch manifest (which makes cargo fetch their
# entries into its index cache); the ranges are kept in the entry, so later builds of it look
# nothing up.  The printed block, pasted into the script, builds the same program with -i none.
. "$(dirname "$0")/lib.sh"
require_crates_io

write_script names.rs <<'EOF_RS'
use unicode_width::UnicodeWidthStr;
fn main() {
    let v: serde_json::Value = serde_json::from_str("[1, 2]").unwrap();
    println!("{} {}", "\u{65e5}\u{672c}".width(), v[1]);
}
EOF_RS

# The series of a version: "0.2" for 0.2.3, "1" for 1.0.140.
series() { echo "$1" | awk -F. '{ print ($1 > 0 ? $1 : ($2 > 0 ? "0." $2 : "0.0." $3)) }'; }
version_of() {
    awk -v n="\"$1\"" '$1 == "name" && $3 == n { getline; print $3 }' \
        "$CTHAG_CACHE_DIR"/projects/names-*/Cargo.lock | tr -d '"'
}

# A cargo home that has never seen these crates: one look-up for both (serde_json is
# crates.io's own spelling, unicode_width is not), then the build.
export CARGO_HOME="$TMP/cargo-home"
start=$(now_ns)
run_cthag -v names.rs
echo "$TEST_NAME: a first build with a new cargo home, look-up included: $(seconds_since "$start") s"
expect_status 0 "fresh cargo home:"
expect_out "4 2" "fresh cargo home:"
expect_err_has "cthag: asking cargo for crates.io's entries of 2 crates (unicode_width, ...)"
expect_err_has "cthag: crate unicode_width is called unicode-width in crates.io"
expect_err_lacks "serde_json is called"
uw=$(version_of unicode-width)
sj=$(version_of serde_json)
manifest=$(sed -n '/^\[dependencies\]/,/^$/p' "$CTHAG_CACHE_DIR"/projects/names-*/Cargo.toml)
expect_eq "$manifest" "[dependencies]
unicode-width = \"$(series "$uw")\"
serde_json = \"$(series "$sj")\"" "real names, newest ranges:"
expect_err_has "cthag: names.rs:1: crate unicode-width $(series "$uw") (inferred from use unicode_width::UnicodeWidthStr)"
expect_eq "$(grep -c 'generate-lockfile' "$CARGO_LOG")" 1 "one look-up for both:"
expect_eq "$(grep -c ' build ' "$CARGO_LOG")" 1 "one build:"
expect_cargo_calls 2

# The ranges are kept in the entry: its later builds look nothing up.
run_cthag -v -f names.rs
expect_status 0
expect_err_lacks "asking cargo"
expect_cargo_calls 1 "known names: the build only:"

# The pinned block: the versions cargo locked, under the real names.
run_cthag -q --print-toml names.rs
expect_status 0 "--print-toml:"
expect_out "/*[toml]
[dependencies]
unicode-width = \"=$uw\"
serde_json = \"=$sj\"
*/" "--print-toml:"
expect_cargo_calls 0 "--print-toml of a fresh build builds nothing:"
mkdir pinned
{ out; cat names.rs; } > pinned/names.rs
run_cthag -q -i none pinned/names.rs
expect_status 0 "pasted block with -i none:"
expect_out "4 2" "pasted block with -i none:"
pinned_lock=$(ls -d "$CTHAG_CACHE_DIR"/projects/names-* | while read -r d; do
    grep -q 'unicode-width = "=' "$d/Cargo.toml" && echo "$d"; done)
expect_eq "$(awk '$1 == "name" { n = $3 } $1 == "version" && n { print n, $3; n = "" }' \
    "$pinned_lock/Cargo.lock" | grep -E '"(unicode-width|serde_json)"' | sort)" \
    "\"serde_json\" \"$sj\"
\"unicode-width\" \"$uw\"" "the same versions:"

# Built-in default features: serde's derive is pinned with its features, and the pasted block
# builds the derive with inference off.
write_script derive.rs <<'EOF_RS'
use serde::Serialize;
#[derive(Serialize)]
struct P { x: u8 }
fn main() { println!("{}", serde_json::to_string(&P { x: 7 }).unwrap()); }
EOF_RS
run_cthag -q derive.rs
expect_status 0 "serde derive by inference:"
expect_out '{"x":7}' "serde derive by inference:"
sd=$(awk '$1 == "name" && $3 == "\"serde\"" { getline; print $3 }' \
    "$CTHAG_CACHE_DIR"/projects/derive-*/Cargo.lock | tr -d '"')
sj2=$(awk '$1 == "name" && $3 == "\"serde_json\"" { getline; print $3 }' \
    "$CTHAG_CACHE_DIR"/projects/derive-*/Cargo.lock | tr -d '"')
run_cthag -q --print-toml derive.rs
expect_out "/*[toml]
[dependencies]
serde = { version = \"=$sd\", features = [\"derive\"] }
serde_json = \"=$sj2\"
*/" "--print-toml with features:"
mkdir pinned-derive
{ out; cat derive.rs; } > pinned-derive/derive.rs
reset_cargo_log
run_cthag -q -i none pinned-derive/derive.rs
expect_status 0 "pasted block with features, -i none:"
expect_out '{"x":7}' "pasted block with features, -i none:"
expect_cargo_calls 1 "pasted block: one build:"

# Frontmatter.
run_cthag -q --print-toml=frontmatter names.rs
expect_out "---
[dependencies]
unicode-width = \"=$uw\"
serde_json = \"=$sj\"
---" "--print-toml=frontmatter:"

finish
