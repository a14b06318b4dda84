#!/bin/bash
# The GC figures of make bench: --cache-stats, --gc (nothing to remove) and --gc --deep at 100,
# 300 and 1000 entries (target: <= 100 ms at 1000, growing linearly).  The entries are
# synthetic: one real entry built through cargo, cloned with its own names, record, executable,
# target files and fingerprint (whose dependencies are the real entry's), so the cache has the
# layout a real one of that size has.
#
# Sourced by bench.sh (which calls bench_gc with its say/record helpers), or run on its own:
# bash bench/gc.sh.

# gc_clone ROOT TEMPLATE-NAME FIRST LAST: entries g<i>-<16 hex of i> for i in FIRST..LAST.
gc_clone() {
    local root=$1 tname=$2 first=$3 last=$4 i id name package
    local tpackage=${tname%-*}_${tname##*-} fp json
    fp=$(ls -d "$root/target/debug/.fingerprint/$tpackage"-*)
    json=$(cat "$fp"/bin-*.json) # bin-<the binary's name>.json
    mkdir -p "$root/gen"
    for i in $(seq "$first" "$last"); do
        printf -v id '%016x' "$i"
        name=g$i-$id
        package=g${i}_$id
        mkdir -p "$root/projects/$name" "$root/target/debug/.fingerprint/$package-$id"
        printf 'fn main() {}\n' > "$root/gen/g$i.rs"
        sed "s|^source .*|source $root/gen/g$i.rs|" "$root/projects/$tname/entry" \
            > "$root/projects/$name/entry"
        printf '[package]\nname = "%s"\n' "$package" > "$root/projects/$name/Cargo.toml"
        printf 'ELF %s\n' "$i" > "$root/target/debug/$package"
        ln "$root/target/debug/$package" "$root/bins/$name"
        ln "$root/target/debug/$package" "$root/target/debug/deps/$package-$id"
        printf '%s: src\n' "$package" > "$root/target/debug/$package.d"
        printf '%s: src\n' "$package" > "$root/target/debug/deps/$package-$id.d"
        printf '%s\n' "${json//$tpackage/$package}" \
            > "$root/target/debug/.fingerprint/$package-$id/bin-$package.json"
        printf '%016x' "$i" > "$root/target/debug/.fingerprint/$package-$id/bin-$package"
        : > "$root/target/debug/.fingerprint/$package-$id/dep-bin-$package"
        : > "$root/target/debug/.fingerprint/$package-$id/invoked.timestamp"
        : > "$root/locks/$name"
    done
}

# gc_median_ms RUNS COMMAND...: the median wall time of COMMAND and the median of its CPU time
# (user + system), in milliseconds.  On a shared machine the CPU time is the steadier figure.
gc_median_ms() {
    local runs=$1 i TIMEFORMAT='%R %U %S' times
    shift
    times=$(for i in $(seq 1 "$runs"); do { time "$@" > /dev/null 2>&1; } 2>&1; done)
    printf '%s %s\n' \
        "$(awk '{printf "%.0f\n", $1 * 1000}' <<< "$times" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" \
        "$(awk '{printf "%.0f\n", ($2 + $3) * 1000}' <<< "$times" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
}

bench_gc() {
    local root="$work/gc-cache" tname n prev=0 stats gc deep
    local -A at
    printf 'fn main() {\n    let n = 1 + std::env::args().count() as u32;\n    println!("{}", %s);\n}\n' \
        "${dep_code//N/n}" > gc-template.rs
    CTHAG_CACHE_DIR=$root "$CTHAG" -q "${R[@]}" gc-template.rs > /dev/null
    tname=$(basename "$(ls -d "$root"/projects/gc_template-*)")
    for n in 100 300 1000; do
        gc_clone "$root" "$tname" $((prev + 1)) "$n"
        prev=$n
        CTHAG_CACHE_DIR=$root "$CTHAG" --cache-stats > /dev/null # warm the inode cache
        read -r stats stats_cpu < <(CTHAG_CACHE_DIR=$root gc_median_ms 9 "$CTHAG" --cache-stats)
        read -r gc gc_cpu < <(CTHAG_CACHE_DIR=$root gc_median_ms 9 "$CTHAG" --gc)
        read -r deep deep_cpu < <(CTHAG_CACHE_DIR=$root gc_median_ms 9 "$CTHAG" --gc --deep)
        say "$n entries: --cache-stats / --gc / --gc --deep, wall (target <= 100 ms at 1000)" \
            "$stats / $gc / $deep ms"
        say "  CPU time (user + system)" "$stats_cpu / $gc_cpu / $deep_cpu ms"
        record "gc_stats_ms_$n" "$stats"
        record "gc_ms_$n" "$gc"
        record "gc_deep_ms_$n" "$deep"
        record "gc_stats_cpu_ms_$n" "$stats_cpu"
        record "gc_cpu_ms_$n" "$gc_cpu"
        record "gc_deep_cpu_ms_$n" "$deep_cpu"
        at[$n]="$stats_cpu $gc_cpu $deep_cpu"
    done
    # Linear: 10x the entries should cost at most 10x the time (less: fixed costs).
    read -r s1 g1 d1 <<< "${at[100]}"
    read -r s3 g3 d3 <<< "${at[1000]}"
    say "  CPU time growth 100 -> 1000 entries (linear: <= 10x)" \
        "$(awk -v a="$s1" -v b="$s3" -v c="$g1" -v d="$g3" -v e="$d1" -v f="$d3" \
            'BEGIN {printf "%.1fx / %.1fx / %.1fx", b / (a ? a : 1), d / (c ? c : 1), f / (e ? e : 1)}')"
    [ "$(ls "$root/projects" | wc -l)" -eq 1001 ] || say "  WARNING: --gc removed entries" ""
}

# On its own: the helpers bench.sh would provide.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    . "$(dirname "$0")/alone.sh"
    bench_alone gc
    bash "$top/tests/cli/make-registry.sh" "$work/registry"
    R=(--registry-dir "$work/registry")
    dep_code='tinydep::answer() + otherdep::twice(N) + foo_bar::id().len() as u32'
    say() { printf '%-72s %s\n' "$1" "$2"; }  # its labels are longer
    bench_gc
fi
