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
if [ "$status" -eq 0 ] && [ "$(out)" = "3 4" ] && [[ $manifest == *'unicode-width = "*"'* ]]; then
    pass_known "unicode_width inferred as crates.io's unicode-width"
else
    # Known: the mapping is done against --registry-dir's directory only (issue 12, "infer").
    xfail "unicode_width inferred as crates.io's unicode-width (exit $status, $(grep -m1 -o 'unicode.width = [^ ]*' <<< "$manifest"))" \
        "cthag maps foo_bar to foo-bar only for a --registry-dir; crates.io names are issue 12's part"
fi
finish
