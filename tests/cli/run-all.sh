#!/bin/bash
# Run the unit-test programs in $UNIT_TESTS (if any), then every tests/cli/t*.sh (or those given
# as arguments), and summarise over all of them.  The last line is always
# "N passed, N failed, N skipped", counting checks: a test program that dies without its own
# summary counts as one failed check, and every "SKIP ..." line it prints as one skipped check,
# so a run that executed nothing cannot look green.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CTHAG:?CTHAG must point at the cthag binary}"
export CTHAG
export CTHAG_TEST_REGISTRY=$(mktemp -d "${TMPDIR:-/tmp}/cthag-registry.XXXXXX")
# Sanitizer reports (make check SAN=1) go to files, so that none can hide in a test's stderr.
SAN_LOGS=$(mktemp -d "${TMPDIR:-/tmp}/cthag-san.XXXXXX")
export ASAN_OPTIONS="log_path=$SAN_LOGS/asan:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$SAN_LOGS/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
OUTPUT=$(mktemp "${TMPDIR:-/tmp}/cthag-output.XXXXXX")
trap 'rm -rf "$CTHAG_TEST_REGISTRY" "$SAN_LOGS" "$OUTPUT" "$OUTPUT.status"' EXIT
bash "$here/make-registry.sh" "$CTHAG_TEST_REGISTRY"
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/t*.sh)
failed=()
passed_checks=0 failed_checks=0 skipped_checks=0

# tally NAME STATUS: add what the program's output (in $OUTPUT) says to the totals.
tally() {
    local name=$1 status=$2 ok bad skip
    ok=$(LC_ALL=C sed -n 's/^[^ ]*: \([0-9][0-9]*\) checks passed.*/\1/p' "$OUTPUT" | tail -1)
    bad=$(LC_ALL=C sed -n 's/^[^ ]*: \([0-9][0-9]*\) of \([0-9][0-9]*\) checks FAILED.*/\1 \2/p' "$OUTPUT" | tail -1)
    skip=$(grep -ac '^SKIP ' "$OUTPUT")
    skipped_checks=$((skipped_checks + skip))
    if [ -n "$bad" ]; then
        failed_checks=$((failed_checks + ${bad% *}))
        passed_checks=$((passed_checks + ${bad#* } - ${bad% *}))
    elif [ "$status" -eq 0 ] && [ -n "$ok" ]; then
        passed_checks=$((passed_checks + ok))
    elif [ "$status" -eq 77 ] || { [ "$status" -eq 0 ] && [ "$skip" -gt 0 ]; }; then
        : # skipped as a whole, and it said why
    else
        failed_checks=$((failed_checks + 1)) # died without its summary
    fi
    [ "$status" -eq 0 ] || [ "$status" -eq 77 ] || failed+=("$name")
}

# run_one NAME COMMAND...: run a test program, showing its output as it goes.  One pipe for
# both streams: with a tee per stream, one tee could overwrite what the other wrote, or still be
# writing when tally reads (bash waits for the last process substitution only).
run_one() {
    local name=$1
    shift
    { "$@"; echo "$?" > "$OUTPUT.status"; } 2>&1 | tee "$OUTPUT"
    tally "$name" "$(cat "$OUTPUT.status")"
}

start=$(date +%s)
for u in ${UNIT_TESTS:-}; do
    run_one "$(basename "$u")" "$u"
done
for t in "${tests[@]}"; do
    run_one "$(basename "$t")" bash "$t"
done
echo "test files: $(( $(echo ${UNIT_TESTS:-} | wc -w) + ${#tests[@]} - ${#failed[@]} )) of $(( $(echo ${UNIT_TESTS:-} | wc -w) + ${#tests[@]} )) passed in $(( $(date +%s) - start ))s"
if [ -n "$(ls "$SAN_LOGS")" ]; then
    echo "sanitizer reports:" >&2
    cat "$SAN_LOGS"/* >&2
    failed+=("(sanitizer reports)")
    failed_checks=$((failed_checks + 1))
fi
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "$passed_checks passed, $failed_checks failed, $skipped_checks skipped"
[ ${#failed[@]} -eq 0 ]
