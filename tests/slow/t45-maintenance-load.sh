#!/bin/bash
# Maintenance and runs never fail each other: each of --clean all, --clean bins, --clean target
# and --gc --max-size 1 loops for LOAD_SECONDS (default 20) beside 4 workers that run cached
# scripts and build new ones.  Every run must exit 0 with its own output, every maintenance
# command must succeed, and afterwards the cache still works.
. "$(dirname "$0")/../cli/lib.sh"
R=(--registry-dir "$REGISTRY")
SECONDS_EACH=${LOAD_SECONDS:-20}
WORKERS=4

for i in 1 2 3; do
    printf 'fn main() {\n    let a: Vec<String> = std::env::args().skip(1).collect();\n    println!("cached %s {} {}", tinydep::answer(), a.join(","));\n}\n' "$i" > "c$i.rs"
    run_cthag -q "${R[@]}" "c$i.rs" -- x
    expect_out "cached $i 42 x" "setup c$i:"
done

# worker W UNTIL: cached runs of c1..c3 and, each round, a build of a script no one ran before.
worker() {
    local w=$1 until=$2 round=0 out
    while [ "$(date +%s%N)" -lt "$until" ]; do
        round=$((round + 1))
        for i in 1 2 3; do
            out=$("$CTHAG" -q "${R[@]}" "c$i.rs" -- "$w" "$round" 2> "w$w.err")
            check_run $? "$out" "cached $i 42 $w,$round" "c$i.rs"
        done
        printf 'fn main() { println!("built %s {}", tinydep::answer() + %s); }\n' "$w-$round" \
            "$round" > "b$w.rs"
        out=$("$CTHAG" -q "${R[@]}" "b$w.rs" 2> "w$w.err")
        check_run $? "$out" "built $w-$round $((42 + round))" "b$w.rs"
    done
}

# check_run STATUS OUTPUT EXPECTED WHAT: one line per run in runs.log, FAIL with stderr if wrong.
check_run() {
    if [ "$1" -eq 0 ] && [ "$2" = "$3" ]; then
        echo ok >> "runs.$w"
    else
        { echo "FAIL $4 (worker $w): status $1, output [$2], expected [$3]"
          sed 's/^/  | /' "w$w.err"; } >> "failures.log"
        echo fail >> "runs.$w"
    fi
}

# load PHASE COMMAND...: the workers and COMMAND in a loop, for SECONDS_EACH seconds.
load() {
    local phase=$1 until pids=() m=0 mfail=0
    shift
    rm -f runs.* failures.log maint.log
    until=$(( $(date +%s%N) + SECONDS_EACH * 1000000000 ))
    for w in $(seq 1 $WORKERS); do
        worker "$w" "$until" &
        pids+=($!)
    done
    while [ "$(date +%s%N)" -lt "$until" ]; do
        m=$((m + 1))
        if ! "$CTHAG" "$@" >> maint.log 2> maint.err; then
            mfail=$((mfail + 1))
            { echo "FAIL maintenance: cthag $*"; sed 's/^/  | /' maint.err; } >> failures.log
        fi
        sleep 0.05 # (paces the maintenance loop; waits for nothing)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    local runs fails
    runs=$(cat runs.* 2>/dev/null | wc -l)
    fails=$(cat runs.* 2>/dev/null | grep -c fail)
    # (Worded so that no line but the suite's summary reads " 0 failed".)
    echo "$TEST_NAME: $phase: runs $runs, failures $fails; maintenance commands $m, failures $mfail"
    expect_eq "$([ "$runs" -ge $((WORKERS * 4)) ] && echo enough)" enough "$phase: runs happened ($runs):"
    expect_eq "$fails" 0 "$phase: failed runs of $runs:"
    expect_eq "$mfail" 0 "$phase: failed maintenance commands of $m:"
    if [ -s failures.log ]; then head -40 failures.log >&2; fi
}

# removed N: how many maintenance commands of the last phase removed something.
removals() { grep -cE "$1" maint.log; }

load "clean all" --clean all
expect_eq "$([ "$(removals ' [1-9][0-9]* files')" -ge 1 ] && echo yes)" yes "--clean all removed files:"
load "clean bins" --clean bins
expect_eq "$([ "$(removals ' [1-9][0-9]* files')" -ge 1 ] && echo yes)" yes "--clean bins removed files:"
load "clean target" --clean target
expect_eq "$([ "$(removals ' [1-9][0-9]* files')" -ge 1 ] && echo yes)" yes "--clean target removed files:"
load "gc max-size 1" --gc --max-size 1
expect_eq "$([ "$(removals 'removed [1-9]')" -ge 1 ] && echo yes)" yes "--gc removed entries:"

# Afterwards the cache is whole: a run builds or runs as usual.
run_cthag -q "${R[@]}" c1.rs -- end
expect_status 0
expect_out "cached 1 42 end"
run_cthag "${R[@]}" c1.rs -- again
expect_out "cached 1 42 again"

finish
