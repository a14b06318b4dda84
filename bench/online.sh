#!/bin/bash
# The figures of issue 16 in make bench: dependency versions reused over time (section 8) and
# the team build cache on sccache + Redis (section 9).
#
# Sourced by bench.sh (which calls bench_version_reuse and bench_team_cache with its say/record
# helpers and its registry), or run on its own: bash bench/online.sh [reuse|team]...
#   BENCH_REUSE_SCRIPTS (300), BENCH_REUSE_EVERY (10): the scripts and how often a release comes
#   BENCH_REUSE_DEBUG=0: the scripts say [profile.dev] debug = 0 (the executables without the
#   line tables that are cthag's default: their size, as measured before line tables came)
#   BENCH_TEAM_RUNS (3): how many times the two-machine test runs

# ---- 8. dependency versions reused over time ----
# N scripts written while the registry gains releases of the crate they use (one every K
# scripts): the shared target with cthag's version reuse (each new script's Cargo.lock seeded
# with what the cache already locked), against the same scripts each resolving the newest
# release (--update: what a fresh Cargo.lock per script, as other runners make, gets).
# Releases are copies of Debian's num-bigint with the patch version bumped (else a generated
# crate in the suite's local registry).
reuse_registry() { # DIR: the starting registry
    local dir=$1 c
    mkdir -p "$dir"
    if [ "$deps_kind" = debian ]; then
        for c in "$registry"/*; do ln -s "$c" "$dir/"; done
    else
        cp -R "$registry"/. "$dir"
        reuse_release "$dir" 1
    fi
}
reuse_release() { # DIR K: publish release K (K >= 1) of the crate
    local dir=$1 k=$2 base new
    if [ "$deps_kind" = debian ]; then
        base=$(ls -d "$registry"/num-bigint-0.4.* | sort -V | tail -1)
        new="$dir/num-bigint-0.4.$((${base##*.} + k))"
        cp -R "$base" "$new"
        sed -i "s/^version = \"${base##*-}\"\$/version = \"0.4.$((${base##*.} + k))\"/" "$new/Cargo.toml"
        printf '{"package":"%s","files":{}}' "$(echo "$new" | sha256sum | cut -d' ' -f1)" \
            > "$new/.cargo-checksum.json"
    else
        bash "$top/tests/cli/make-registry.sh" --publish "$dir" evolving "1.0.$k" \
            "$(for f in $(seq 1 400); do printf 'pub fn f%d(x: u64) -> u64 { x.wrapping_mul(%d) ^ (x >> 3) }\n' "$f" "$f"; done)"
    fi
}
bench_version_reuse() {
    local n=${BENCH_REUSE_SCRIPTS:-300} every=${BENCH_REUSE_EVERY:-10} mode i start ms size copies
    local code='num_bigint::BigUint::from(N as u32) * 2u32' rlib=libnum_bigint first=0
    if [ "$deps_kind" != debian ]; then
        code='evolving::f1(N)' rlib=libevolving first=1 # release 1 is in the first registry
    fi
    mkdir -p "$work/reuse"
    for i in $(seq 1 "$n"); do
        if [ -n "${BENCH_REUSE_DEBUG:-}" ]; then
            printf '/*[toml]\n[profile.dev]\ndebug = %s\n*/\n' "$BENCH_REUSE_DEBUG"
        fi > "$work/reuse/r$i.rs"
        printf 'fn main() { println!("{}", %s); }\n' "${code//N/$i}" >> "$work/reuse/r$i.rs"
    done
    for mode in reuse newest; do
        reuse_registry "$work/reuse-registry-$mode"
        start=$(ms_now)
        for i in $(seq 1 "$n"); do
            if [ "$i" -gt 1 ] && [ $(( (i - 1) % every )) -eq 0 ]; then
                reuse_release "$work/reuse-registry-$mode" $(( (i - 1) / every + first ))
            fi
            CTHAG_CACHE_DIR="$work/reuse-cache-$mode" "$CTHAG" -q \
                --registry-dir "$work/reuse-registry-$mode" $([ $mode = newest ] && echo --update) \
                "$work/reuse/r$i.rs" > /dev/null
        done
        ms=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
        size=$(du -sb "$work/reuse-cache-$mode/target" | cut -f1)
        copies=$(ls "$work/reuse-cache-$mode"/target/debug/deps/$rlib-*.rlib | wc -l)
        say "$n scripts, a release every $every: target $([ $mode = reuse ] && echo with version reuse || echo "newest each (--update)")" \
            "$((size / 1048576)) MiB, ${rlib#lib} compiled $copies times, $((${ms%.*} / 1000)) s"
        record "version_${mode}_target_bytes" "$size"
        record "version_${mode}_copies" "$copies"
        record "version_${mode}_build_ms" "$ms"
        rm -rf "$work/reuse-cache-$mode" "$work/reuse-registry-$mode"
    done
    record version_reuse_scripts "$n"
    record version_reuse_releases "$(( (n - 1) / every + 1 ))"
}

# ---- 9. team build cache: sccache + Redis, two machines ----
# The online suite's two-machine test (tests/online/t03-team-cache.sh: network and mount
# namespaces, Debian's redis-server, sccache built with its Redis backend), run
# BENCH_TEAM_RUNS times: the first build of a num-bigint + rand script on the machine that
# fills the cache and on the one that finds it there.
bench_team_cache() {
    local runs=${BENCH_TEAM_RUNS:-3} r out a b ha hb times_a=() times_b=()
    for r in $(seq 1 "$runs"); do
        if ! out=$(CTHAG="$CTHAG" bash "$top/tests/online/t03-team-cache.sh" 2>&1); then
            say "team cache (sccache + Redis, two machines)" \
                "skipped: $(echo "$out" | grep -m1 -E '^SKIP|FAIL' || echo 'the test failed')"
            record team_cache_first_build_s null
            return 0
        fi
        a=$(echo "$out" | sed -n 's/.*machine a, first build: \([0-9.]*\) s.*/\1/p')
        b=$(echo "$out" | sed -n 's/.*machine b, first build: \([0-9.]*\) s.*/\1/p')
        ha=$(echo "$out" | sed -n 's/.*machine a, first build:.*sccache: \([0-9]*\) hits, \([0-9]*\) misses.*/\1 hits, \2 misses/p')
        hb=$(echo "$out" | sed -n 's/.*machine b, first build:.*sccache: \([0-9]*\) hits, \([0-9]*\) misses.*/\1 hits, \2 misses/p')
        times_a+=("$a")
        times_b+=("$b")
    done
    a=$(team_median "${times_a[@]}")
    b=$(team_median "${times_b[@]}")
    say "team cache, first build on machine a (fills Redis: $ha)" "$a s (median of $runs: ${times_a[*]})"
    say "team cache, first build on machine b (from Redis: $hb)" "$b s (median of $runs: ${times_b[*]})"
    record team_cache_runs "$runs"
    record team_cache_first_build_s "$a"
    record team_cache_second_machine_s "$b"
    record team_cache_second_machine_stats "\"$hb\""
}
team_median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

# On its own: the helpers and the registry bench.sh would provide; records are printed.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    . "$(dirname "$0")/alone.sh"
    bench_alone online
    registry=/usr/share/cargo/registry
    if ls -d "$registry"/num-bigint-* > /dev/null 2>&1; then
        deps_kind=debian
    else
        deps_kind=local
        registry="$work/registry"
        bash "$top/tests/cli/make-registry.sh" "$registry"
    fi
    record() { printf '  "%s": %s\n' "$1" "$2"; }
    ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }
    [ $# -gt 0 ] || set -- reuse team
    for what in "$@"; do
        case $what in
            reuse) bench_version_reuse ;;
            team) bench_team_cache ;;
            *) echo "usage: bash bench/online.sh [reuse|team]..." >&2; exit 2 ;;
        esac
    done
fi
