#!/bin/bash
# crates.io's real names for inferred crates and --print-toml's pinned block, against the real
# registry.  A crate cargo has never fetched (a fresh CARGO_HOME) is looked up once with
# `cargo generate-lockfile` on a scratch manifest; after that the index cache answers.  The
# printed block, pasted into the script, builds the same program with -i none.
. "$(dirname "$0")/lib.sh"
require_crates_io

write_script names.rs <<'EOF_RS'
use unicode_width::UnicodeWidthStr;
fn main() {
    let v: serde_json::Value = serde_json::from_str("[1, 2]").unwrap();
    println!("{} {}", "\u{65e5}\u{672c}".width(), v[1]);
}
EOF_RS

# A cargo home that has never seen these crates: cthag asks cargo once per unknown name
# (serde_json is crates.io's own spelling, unicode_width is not), then builds.
export CARGO_HOME="$TMP/cargo-home"
run_cthag -v names.rs
expect_status 0 "fresh cargo home:"
expect_out "4 2" "fresh cargo home:"
expect_err_has "cthag: crate unicode_width: not in cargo's index cache; asking cargo for the name crates.io has"
expect_err_has "cthag: crate unicode_width is called unicode-width in crates.io"
expect_err_lacks "serde_json is called"
manifest=$(sed -n '/^\[dependencies\]/,/^$/p' "$CTHAG_CACHE_DIR"/projects/names-*/Cargo.toml)
expect_eq "$manifest" '[dependencies]
unicode-width = "*"
serde_json = "*"' "real names:"
expect_eq "$(grep -c 'generate-lockfile' "$CARGO_LOG")" 2 "one look-up per unknown name:"
expect_eq "$(grep -c ' build ' "$CARGO_LOG")" 1 "one build:"
expect_cargo_calls 3

# The index cache now knows them: no more look-ups.
run_cthag -v -f names.rs
expect_status 0
expect_err_lacks "asking cargo"
expect_cargo_calls 1 "known names: the build only:"

# The pinned block: the versions cargo locked, under the real names.
version_of() {
    awk -v n="\"$1\"" '$1 == "name" && $3 == n { getline; print $3 }' \
        "$CTHAG_CACHE_DIR"/projects/names-*/Cargo.lock | tr -d '"'
}
uw=$(version_of unicode-width)
sj=$(version_of serde_json)
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

# Frontmatter.
run_cthag -q --print-toml=frontmatter names.rs
expect_out "---
[dependencies]
unicode-width = \"=$uw\"
serde_json = \"=$sj\"
---" "--print-toml=frontmatter:"

finish
