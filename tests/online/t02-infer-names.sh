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
manifest=$(cat "$CTHAG_CACHE_DIR"/projects/width-*/Cargo.toml 2> /dev/null)
expect_status 0 "unicode_width:"
expect_out "3 4" "unicode_width:"
[[ $manifest == *'unicode-width = "*"'* ]] && pass || fail "unicode_width not inferred as crates.io's unicode-width: $manifest"
finish
