#!/bin/bash
# A fixed sample of thag's demos through tests/online/thag-demos.sh (the whole run takes an
# hour): thag-auto crates (thag_common, thag_proc_macros, thag_profiler), the local proc-macro
# crate (demo/proc_macros), a snippet ending in a braced macro that expands to items, a terminal
# crate (crossterm), clap 4 (builder and derive), a demo that takes arguments from thag's README.
# Every one must build (and then runs once, its output discarded, as the full run does).
# The thag_rs checkout is $THAG_RS_CHECKOUT (default: the project machine's copy,
# /work/peers/thag_rs); without one the test says SKIP.
. "$(dirname "$0")/lib.sh"
checkout=${THAG_RS_CHECKOUT:-/work/peers/thag_rs}
if [ ! -d "$checkout/demo/proc_macros" ]; then
    # (Not skip_test: a thag checkout is nothing CI installs, unlike crates.io.)
    echo "SKIP $TEST_NAME: no thag_rs checkout at $checkout (set THAG_RS_CHECKOUT)"
    exit 77
fi
require_crates_io

sample=(hello.rs env_var_debug.rs proc_macro_timing.rs proc_macro_derive_constructor.rs
        test_profile_extract_timestamp.rs crossterm.rs clap_num_arg.rs
        clap_tut_derive_04_01_enum.rs fib_basic.rs)
DEMO_LOGS="$TMP/logs" RUN_TIMEOUT=30 bash "$TESTS_DIR/../online/thag-demos.sh" "$checkout" \
    "${sample[@]}" > "$TMP/out" 2> "$TMP/err"
status=$?
expect_status 0 "the sample:"
expect_eq "$(tail -1 "$TMP/out")" "built ${#sample[@]} of ${#sample[@]} possible (${#sample[@]} demos, 0 impossible here)" \
    "the sample:"
[ "$status" -eq 0 ] || grep -E '^(failed|impossible)' "$TMP/out" >&2
# thag-auto from the registry at the version before the comma; the proc-macro crate beside the
# scripts; fib_basic.rs got its argument from the README (-- 90) and ran to the end.
expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/env_var_debug-*/Cargo.toml)" \
    'thag_common = { version = "1", features = ["color_detect"] }' "thag-auto:"
expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/proc_macro_derive_constructor-*/Cargo.toml)" \
    "thag_demo_proc_macros = { path = \"$checkout/demo/proc_macros\" }" "the proc-macro crate:"
expect_eq "$(awk -F'\t' '$1 == "fib_basic.rs" { print $5 }' "$TMP/logs/results.tsv")" 0 \
    "fib_basic.rs -- 90 ran:"
finish
