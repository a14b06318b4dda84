#!/bin/bash
# Run the unit-test programs in $UNIT_TESTS (if any) and every tests/cli/tNN-*.sh (or the files
# given as arguments), $TEST_JOBS at a time, and summarise over all of them.  Each test file has
# its own scratch directory, cache root and cargo home (lib.sh), so files run side by side; each
# one's output goes to a file of its own and is shown, whole, only when the file fails (or with
# TEST_VERBOSE=1); SKIP lines are always shown.  The last line is always
# "N passed, N failed, N skipped", counting checks: a test program that dies without its own
# summary counts as one failed check, and every "SKIP ..." line it prints as one skipped check,
# so a run that executed nothing cannot look green.
#
# TEST_JOBS: how many at a time (default twice the cores: most of a file's time is spent waiting
# for cargo, a lock or another process; on 2 cores, 2 jobs took 20% longer than 4, 6 no less).
# TEST_TIMES=FILE: wall, user and system seconds per file are kept there, and the next run starts
# the longest files first (files it does not list yet go first of all).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CTHAG:?CTHAG must point at the cthag binary}"
export CTHAG
jobs=${TEST_JOBS:-$((2 * $(nproc 2> /dev/null || echo 2)))}
times_file=${TEST_TIMES:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cthag-suite.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CTHAG_TEST_REGISTRY="$WORK/registry"
bash "$here/make-registry.sh" "$CTHAG_TEST_REGISTRY"
# Sanitizer reports (make check SAN=1) go to files named after the test, so that none can hide
# in a test's output and each says whose it is.
SAN_LOGS="$WORK/san"
mkdir "$SAN_LOGS"
user_asan=${ASAN_OPTIONS:-} user_ubsan=${UBSAN_OPTIONS:-}
# Tests of Ctrl-C need SIGINT and SIGQUIT as a terminal has them, not ignored as a shell leaves
# them for what a script starts in the background (and no shell can undo that for its children).
default_signals=()
if env --default-signal=INT,QUIT true 2> /dev/null; then
    default_signals=(env --default-signal=INT,QUIT)
fi

names=() commands=()
for u in ${UNIT_TESTS:-}; do
    names+=("$(basename "$u")") commands+=("$u")
done
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/t[0-9]*.sh)
for t in "${tests[@]}"; do
    names+=("$(basename "$t")") commands+=("bash $t")
done

# The order to start them in: longest first, by the times kept from earlier runs.
order() {
    local i
    for i in "${!names[@]}"; do echo "$i ${names[$i]}"; done |
        awk -v kept="$times_file" '
            BEGIN { while (kept != "" && (getline line < kept) > 0) {
                        split(line, f)
                        wall[f[1]] = f[2]
                    } }
            { print ($2 in wall ? wall[$2] : 999999), $1 }' |
        sort -k1,1 -g -r -s | cut -d' ' -f2
}

# start I: run test I in the background, its output in $WORK/I.out, its exit status in
# $WORK/I.status, its wall, user and system seconds in $WORK/I.time.
start() {
    local i=$1 name=${names[$1]}
    (
        ASAN_OPTIONS="log_path=$SAN_LOGS/$name.asan:detect_leaks=1${user_asan:+:$user_asan}"
        UBSAN_OPTIONS="log_path=$SAN_LOGS/$name.ubsan:print_stacktrace=1${user_ubsan:+:$user_ubsan}"
        export ASAN_OPTIONS UBSAN_OPTIONS
        TIMEFORMAT='%R %U %S'
        # shellcheck disable=SC2086 # "bash FILE": the file name has no blanks
        { time "${default_signals[@]}" ${commands[$i]} > "$WORK/$i.out" 2>&1 < /dev/null; } \
            2> "$WORK/$i.time"
        echo $? > "$WORK/$i.status"
    ) &
    running[$!]=$i
}

failed=()
passed_checks=0 failed_checks=0 skipped_checks=0

# finished I: add what test I's output says to the totals; show its SKIP lines, and its whole
# output if it failed (or with TEST_VERBOSE=1).
finished() {
    local i=$1 name=${names[$1]} out="$WORK/$1.out" status ok bad skip
    status=$(cat "$WORK/$i.status" 2>/dev/null || echo 1)
    ok=$(LC_ALL=C sed -n 's/^[^ ]*: \([0-9][0-9]*\) checks passed.*/\1/p' "$out" | tail -1)
    bad=$(LC_ALL=C sed -n 's/^[^ ]*: \([0-9][0-9]*\) of \([0-9][0-9]*\) checks FAILED.*/\1 \2/p' \
        "$out" | tail -1)
    skip=$(grep -ac '^SKIP ' "$out")
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
    if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
        failed+=("$name")
        printf -- '---- %s: exit status %s ----\n' "$name" "$status"
        cat "$out"
        printf -- '---- end of %s ----\n' "$name"
    elif [ -n "${TEST_VERBOSE:-}" ]; then
        cat "$out"
    else
        grep -a '^SKIP ' "$out"
    fi
    return 0
}

start_time=$EPOCHREALTIME
declare -A running=()
queue=($(order))
while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
    while [ ${#running[@]} -lt "$jobs" ] && [ ${#queue[@]} -gt 0 ]; do
        start "${queue[0]}"
        queue=("${queue[@]:1}")
    done
    wait -n -p done_pid
    [ -n "${done_pid:-}" ] && [ -n "${running[$done_pid]:-}" ] || continue
    finished "${running[$done_pid]}"
    unset "running[$done_pid]"
done
wall=$(awk -v s="$start_time" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }')

# Per-file times: the CPU total for the summary, and the kept times for the next run's order.
cpu=$(for i in "${!names[@]}"; do cat "$WORK/$i.time" 2>/dev/null | tail -1; done |
    awk '{ cpu += $2 + $3 } END { printf "%.0f", cpu }')
if [ -n "$times_file" ]; then
    for i in "${!names[@]}"; do
        [ ! -s "$WORK/$i.time" ] || echo "${names[$i]} $(tail -1 "$WORK/$i.time")"
    done > "$WORK/times.new"
    { cat "$WORK/times.new"
      [ ! -f "$times_file" ] ||
          awk 'NR == FNR { seen[$1] = 1; next } !seen[$1]' "$WORK/times.new" "$times_file"
    } > "$WORK/times.all" && mv "$WORK/times.all" "$times_file"
fi

total=${#names[@]}
echo "test files: $((total - ${#failed[@]})) of $total passed in ${wall}s" \
    "(CPU ${cpu}s, $jobs at a time)"
if [ -n "$(ls "$SAN_LOGS")" ]; then
    echo "sanitizer reports:" >&2
    for f in "$SAN_LOGS"/*; do
        echo "---- $(basename "$f") ----" >&2
        cat "$f" >&2
    done
    failed+=("(sanitizer reports)")
    failed_checks=$((failed_checks + 1))
fi
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "$passed_checks passed, $failed_checks failed, $skipped_checks skipped"
[ ${#failed[@]} -eq 0 ]
