#!/bin/bash
# Team-shared builds: two separate cthag cache roots (two machines, say) share compiled
# dependencies through sccache as RUSTC_WRAPPER; one SCCACHE_DIR stands in for the remote store.
. "$(dirname "$0")/lib.sh"
if ! command -v sccache > /dev/null; then
    echo "SKIP t21-sccache: sccache is not installed (apt-get install sccache)"
    exit 0
fi
export SCCACHE_DIR="$TMP/shared-store"
export SCCACHE_SERVER_PORT=$((20000 + RANDOM % 20000))
export SCCACHE_IDLE_TIMEOUT=0
sccache --start-server > /dev/null 2>&1
trap 'sccache --stop-server > /dev/null 2>&1; cleanup' EXIT

write_script team.rs <<'EOF_RS'
fn main() { println!("{} {}", tinydep::answer(), otherdep::twice(2)); }
EOF_RS
stat_of() { sccache --show-stats | awk -v k="$1" '$0 ~ "^"k"  " {print $NF}'; }

CTHAG_CACHE_DIR="$TMP/root-a" run_cthag -q --rustc-wrapper sccache --registry-dir "$REGISTRY" team.rs
expect_status 0 "first root:"
expect_out "42 4"
expect_eq "$(stat_of 'Cache hits')" 0 "first root: nothing to reuse yet:"
misses=$(stat_of 'Cache misses')
expect_eq "$([ "$misses" -ge 2 ] && echo compiled)" compiled "first root compiled its dependencies ($misses):"

sccache --zero-stats > /dev/null
CTHAG_CACHE_DIR="$TMP/root-b" run_cthag -q --rustc-wrapper sccache --registry-dir "$REGISTRY" team.rs
expect_status 0 "second root:"
expect_out "42 4"
expect_eq "$(stat_of 'Cache hits')" 2 "second root: both dependency compiles were cache hits:"
expect_eq "$(stat_of 'Cache misses')" 0 "second root: no misses:"
expect_eq "$(ls "$TMP/root-b/target/debug/deps" | grep -c '^libtinydep-.*\.rlib$')" 1 \
    "the dependency is in the second root's own target:"

finish
