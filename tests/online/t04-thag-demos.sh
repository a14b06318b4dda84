#!/bin/bash
# A fixed sample of thag's demos through tests/online/thag-demos.sh (the whole run takes an
# hour): thag-auto crates (thag_common, thag_proc_macros, thag_profiler), the local proc-macro
# crate (demo/proc_macros), a snippet ending in a braced macro that expands to items, a terminal
# crate (crossterm), clap 4 (builder and derive), a demo that takes arguments from thag's README.
# Every one must build (and then runs once, its output discarded, as the full run does).
# The demos come from a thag_rs checkout, $THAG_RS_CHECKOUT (default: the project machine's
# copy, /work/peers/thag_rs), or else from thag_rs 1.1.0 as published on crates.io (its package
# holds demo/ but not demo/proc_macros: the three demos using it then stay out of the sample).
. "$(dirname "$0")/lib.sh"
require_crates_io
checkout=${THAG_RS_CHECKOUT:-/work/peers/thag_rs}
sample=(hello.rs env_var_debug.rs crossterm.rs clap_num_arg.rs
        clap_tut_derive_04_01_enum.rs fib_basic.rs)
if [ ! -d "$checkout/demo" ]; then
    crate="$TMP/thag_rs-1.1.0.crate"
    curl -sSfL --retry 2 -A "cthag-tests" -o "$crate" \
        https://static.crates.io/crates/thag_rs/thag_rs-1.1.0.crate ||
        fail "thag_rs 1.1.0 could not be downloaded from crates.io"
    expect_eq "$(sha256sum < "$crate" | cut -d' ' -f1)" \
        bfaf157ec84b19e5360416311be4895c52090716393c67b798b5b6ddbf150d8b "thag_rs-1.1.0.crate:"
    tar xzf "$crate" -C "$TMP"
    checkout="$TMP/thag_rs-1.1.0"
fi
with_proc_macros=
[ -d "$checkout/demo/proc_macros" ] && with_proc_macros=1
[ -n "$with_proc_macros" ] &&
    sample+=(proc_macro_timing.rs proc_macro_derive_constructor.rs test_profile_extract_timestamp.rs)
echo "thag's demos from $checkout (${#sample[@]} in the sample)" >&2
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
[ -z "$with_proc_macros" ] ||
    expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/proc_macro_derive_constructor-*/Cargo.toml)" \
        "thag_demo_proc_macros = { path = \"$checkout/demo/proc_macros\" }" "the proc-macro crate:"
expect_eq "$(awk -F'\t' '$1 == "fib_basic.rs" { print $5 }' "$TMP/logs/results.tsv")" 0 \
    "fib_basic.rs -- 90 ran:"
finish
