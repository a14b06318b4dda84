#!/bin/bash
# The cost of freshness over many inputs (issue 11): a cached run of a program with 50 modules
# in files beside it (51 inputs in its record, each stat'ed on every run) against the same for a
# one-file program, each next to its bare executable, in one alternating run.
#
# Sourced by bench.sh (which calls bench_inputs with its say/record/pairtime helpers), or run on
# its own: bash bench/inputs.sh.

bench_inputs() {
    echo
    echo "== cached runs with many inputs (stat each, no hashing) =="
    mkdir -p inputs50
    : > inputs50/main.rs
    for i in $(seq 1 50); do
        printf 'mod m%s;\n' "$i" >> inputs50/main.rs
        printf 'pub fn f() -> u32 { %s }\n' "$i" > "inputs50/m$i.rs"
    done
    printf 'fn main() { println!("{}", 0%s); }\n' "$(for i in $(seq 1 50); do printf ' + m%s::f()' "$i"; done)" \
        >> inputs50/main.rs
    printf 'fn main() { println!("1275"); }\n' > inputs1.rs
    sleep 0.01 # past the clock tick of the writes: no racy first record
    "$CTHAG" -q inputs50/main.rs > /dev/null
    "$CTHAG" -q inputs1.rs > /dev/null
    "$CTHAG" inputs50/main.rs > /dev/null # the record is stamped after its files' tick
    local record bin50 bin1 n a b a1 b1 ratio ratio1
    local -a out
    record=$(ls "$CTHAG_CACHE_DIR"/projects/main-*/entry)
    n=$(grep -c '^input ' "$record")
    bin50=$(ls "$CTHAG_CACHE_DIR"/bins/main-*)
    bin1=$(ls "$CTHAG_CACHE_DIR"/bins/inputs1-*)
    # One alternating run of the four: pairtime -l prints "MEDIAN_MS MAXRSS_KB MINFLT" per command.
    mapfile -t out < <(pairtime -l 1000 50 -- "$CTHAG" inputs1.rs -- "$bin1" \
                                     -- "$CTHAG" inputs50/main.rs -- "$bin50")
    a1=${out[0]%% *} b1=${out[1]%% *} a=${out[2]%% *} b=${out[3]%% *}
    ratio1=$(awk -v a="$a1" -v b="$b1" 'BEGIN { printf "%.3f", a / b }')
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
    say "cached run, 1 input vs its binary (1000 runs, medians)" "$a1 ms vs $b1 ms = ${ratio1}x"
    say "cached run, $n inputs vs its binary (same run)" "$a ms vs $b ms = ${ratio}x"
    say "cost of the $((n - 1)) more inputs per cached run" \
        "$(awk -v a="$a" -v b="$b" -v a1="$a1" -v b1="$b1" 'BEGIN { printf "%.3f ms", (a - b) - (a1 - b1) }')"
    record inputs_1_cached_ms "$a1"
    record inputs_1_ratio "$ratio1"
    record inputs_50_count "$n"
    record inputs_50_cached_ms "$a"
    record inputs_50_ratio "$ratio"
}

# On its own: the helpers bench.sh would provide.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    . "$(dirname "$0")/alone.sh"
    bench_alone inputs
    export CTHAG_CACHE_DIR="$work/cache"
    cc -O2 -o "$work/pairtime" "$here/pairtime.c"
    pairtime() { "$work/pairtime" "$@"; }
    bench_inputs
fi
