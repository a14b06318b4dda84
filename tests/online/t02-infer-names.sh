#!/bin/bash
# Inference against crates.io's real names: code says unicode_width, the crate is unicode-width.
. "$(dirname "$0")/lib.sh"
require_crates_io

write_script width.rs <<'EOF_RS'
use unicode_width::UnicodeWidthStr;
fn main() {
    println!("{} {}", "abc".width(), "\u{65e5}\u{672c}".width());
}
EOF_RS
run_cthag width.rs
expect_status 0 "width.rs:"
expect_out "3 4"
# At its newest release's range, the series of the version cargo locked ("0.2" for 0.2.3).
uw=$(awk '$1 == "name" && $3 == "\"unicode-width\"" { getline; print $3 }' \
    "$CTHAG_CACHE_DIR"/projects/width-*/Cargo.lock | tr -d '"')
range=$(echo "$uw" | awk -F. '{ print ($1 > 0 ? $1 : ($2 > 0 ? "0." $2 : "0.0." $3)) }')
expect_file_has "$(ls -d "$CTHAG_CACHE_DIR"/projects/width-*)/Cargo.toml" "unicode-width = \"$range\"" \
    "the crate under its crates.io name:"
expect_eq "$(grep -c 'unicode_width' "$CTHAG_CACHE_DIR"/projects/width-*/Cargo.toml)" 0 \
    "not under the code's name:"
finish
