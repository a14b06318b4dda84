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
    local record bin50 bin1 n a b ratio a1 b1 ratio1
    record=$(ls "$CTHAG_CACHE_DIR"/projects/main-*/entry)
    n=$(grep -c '^input ' "$record")
    bin50=$(ls "$CTHAG_CACHE_DIR"/bins/main-*)
    bin1=$(ls "$CTHAG_CACHE_DIR"/bins/inputs1-*)
    read -r a b ratio _ _ < <(pairtime 1000 50 -- "$CTHAG" inputs50/main.rs -- "$bin50")
    read -r a1 b1 ratio1 _ _ < <(pairtime 1000 50 -- "$CTHAG" inputs1.rs -- "$bin1")
    say "cached run, 1 input vs its binary (1000 runs, medians)" "$a1 ms vs $b1 ms = ${ratio1}x"
    say "cached run, $n inputs vs its binary (1000 runs, medians)" "$a ms vs $b ms = ${ratio}x"
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
    set -euo pipefail
    here=$(cd "$(dirname "$0")" && pwd)
    top=$(cd "$here/.." && pwd)
    CTHAG=${CTHAG:-$top/cthag}
    export PATH="$HOME/.cargo/bin:$PATH"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cthag-bench-inputs.XXXXXX")
    [ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
    export XDG_CONFIG_HOME="$work/config" CTHAG_CACHE_DIR="$work/cache"
    cd "$work"
    cc -O2 -o "$work/pairtime" "$here/pairtime.c"
    pairtime() { "$work/pairtime" "$@"; }
    say() { printf '%-72s %s\n' "$1" "$2"; }
    record() { :; }
    bench_inputs
fi
