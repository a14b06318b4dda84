#!/bin/bash
# make bench: cthag's figures against the design's targets, each measured side by side in one
# run (A and B alternating).  Prints a table and writes bench/results.json.
#
# Needs: a built ./cthag, cargo, and for the shared-dependency figures Debian's num-bigint
# (librust-num-bigint-dev; otherwise the test suite's tiny local registry stands in).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CTHAG=${CTHAG:-$top/cthag}
export PATH="$HOME/.cargo/bin:$PATH"
CARGO_BIN=$(command -v cargo)
work=$(mktemp -d "${TMPDIR:-/tmp}/cthag-bench.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export CTHAG_CACHE_DIR="$work/cache"
export XDG_CONFIG_HOME="$work/config"
cd "$work"

cc -O2 -o "$work/pairtime" "$here/pairtime.c"
printf 'int main(void) { return 0; }\n' > empty.c
cc -O2 -static -o "$work/empty-static" empty.c 2>/dev/null || cc -O2 -o "$work/empty-static" empty.c
pairtime() { "$work/pairtime" "$@"; }
results=()
record() { results+=("\"$1\": $2"); }   # record KEY JSON-VALUE
say() { printf '%-68s %s\n' "$1" "$2"; }
ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }

registry=/usr/share/cargo/registry
if ls -d "$registry"/num-bigint-* > /dev/null 2>&1; then
    deps_kind="debian"
    dep_code='num_bigint::BigUint::from(N as u32) + num_traits::pow(num_bigint::BigUint::from(2u32), 10) + num_bigint::BigUint::from(num_integer::gcd(12u32, 18u32))'
else
    deps_kind="local"
    registry="$work/registry"
    bash "$top/tests/cli/make-registry.sh" "$registry"
    dep_code='tinydep::answer() + otherdep::twice(N) + foo_bar::id().len() as u32'
fi
R=(--registry-dir "$registry")
CARGO_CONFIG=(--offline --config 'source.crates-io.replace-with="bench-registry"'
              --config "source.bench-registry.directory=\"$registry\"")

echo "cthag bench ($(date -u +%Y-%m-%dT%H:%M:%SZ), dependencies from the $deps_kind registry)"
echo

# ---- 1. cached run vs the cached binary, and vs cargo -Zscript ----
printf 'fn main() { println!("hello"); }\n' > hello.rs
"$CTHAG" -q hello.rs > /dev/null
bin=$(ls "$CTHAG_CACHE_DIR"/bins/hello-*)
read -r a b ratio rss_a rss_b < <(pairtime 1000 50 -- "$CTHAG" hello.rs -- "$bin")
say "cached run vs the binary directly (target <= 1.15x)" "$a ms vs $b ms = ${ratio}x"
record cached_run_ms "$a"
record binary_direct_ms "$b"
record cached_run_ratio "$ratio"
# The floor for any launcher that ends in exec: the binary plus one exec of an empty program.
read -r a b _ _ _ < <(pairtime 1000 50 -- "$work/empty-static" -- "$bin")
floor=$(awk -v x="$a" -v y="$b" 'BEGIN{printf "%.3f", (x+y)/y}')
say "  floor for any launcher that execs (empty static exec: $a ms)" "${floor}x"
record empty_exec_ms "$a"
record launcher_floor_ratio "$floor"

if RUSTC_BOOTSTRAP=1 "$CARGO_BIN" -Zscript -q --offline hello.rs > /dev/null 2>&1; then
    read -r a b ratio _ _ < <(RUSTC_BOOTSTRAP=1 pairtime 100 5 -- "$CTHAG" hello.rs -- \
        "$CARGO_BIN" -Zscript -q --offline hello.rs)
    say "cached run vs cargo -Zscript (cached)" "$a ms vs $b ms = ${ratio}x"
    record zscript_ms "$b"
    record zscript_ratio "$ratio"
else
    say "cached run vs cargo -Zscript" "skipped: this cargo does not accept -Zscript"
    record zscript_ms null
fi

# ---- 2. peak RSS of cthag on the cached path ----
# The cached executable is swapped for an empty static program, so that the peak RSS of the
# process (cthag, then what it execs) is cthag's own.
printf 'fn main() { println!("rss"); }\n' > rss.rs
"$CTHAG" -q rss.rs > /dev/null
cp "$work/empty-static" "$(ls "$CTHAG_CACHE_DIR"/bins/rss-*)"
read -r a b _ rss _ < <(pairtime 1000 50 -- "$CTHAG" rss.rs -- "$work/empty-static")
# With an empty program behind it, cthag's time is its own exec plus its lookup.
say "cthag's own cost per cached run (its exec + lookup)" "$(awk -v x="$a" -v y="$b" 'BEGIN{printf "%.3f ms", x-y}')"
record cthag_own_ms "$(awk -v x="$a" -v y="$b" 'BEGIN{printf "%.4f", x-y}')"
read -r _ _ _ rss_hello _ < <(pairtime 50 2 -- "$bin" -- "$work/empty-static")
say "peak RSS of cthag on the cached path (target < 2 MB)" "$rss KB (hello world itself: $rss_hello KB)"
record cthag_peak_rss_kb "$rss"

# ---- 3. a second script sharing a dependency ----
for n in 1 2; do
    printf 'fn main() {\n    let n = %d + std::env::args().count();\n    println!("{}", %s);\n}\n' \
        "$n" "${dep_code//N/n}" > "share$n.rs"
done
start=$(ms_now); "$CTHAG" -q "${R[@]}" share1.rs > /dev/null; cold=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
start=$(ms_now); "$CTHAG" -q "${R[@]}" share2.rs > /dev/null; second=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
say "first script, dependencies compiled (cold)" "$cold ms"
say "second script, dependencies shared" "$second ms"
record first_script_cold_ms "$cold"
record second_script_ms "$second"
project=$(ls -d "$CTHAG_CACHE_DIR"/projects/share2-*)
# A program is compiled in place: the project has a copy of the source only when it changed.
source=$(ls "$project"/*.rs 2> /dev/null || echo "$work/share2.rs")
cat > rebuild-cargo.sh <<EOS
#!/bin/sh
touch "$source"
CARGO_TARGET_DIR="$CTHAG_CACHE_DIR/target" exec "$CARGO_BIN" build -q $(printf "'%s' " "${CARGO_CONFIG[@]}") --manifest-path "$project/Cargo.toml"
EOS
cat > rebuild-fresh.sh <<EOS
#!/bin/sh
rm -rf "$work/fresh-target"
CARGO_TARGET_DIR="$work/fresh-target" exec "$CARGO_BIN" build -q $(printf "'%s' " "${CARGO_CONFIG[@]}") --manifest-path "$project/Cargo.toml"
EOS
chmod +x rebuild-cargo.sh rebuild-fresh.sh
read -r a b ratio _ _ < <(pairtime 5 1 -- "$CTHAG" -f -b -q "${R[@]}" share2.rs -- ./rebuild-cargo.sh)
say "rebuild: cthag -f vs bare cargo build, same warm target (<= 1.05x)" "$a ms vs $b ms = ${ratio}x"
record second_script_vs_cargo_ratio "$ratio"
read -r a b ratio _ _ < <(pairtime 3 0 -- "$CTHAG" -f -b -q "${R[@]}" share2.rs -- ./rebuild-fresh.sh)
say "  vs a per-script target (what cargo -Zscript does)" "$a ms vs $b ms = ${ratio}x"
record per_script_target_ms "$b"
record per_script_target_ratio "$ratio"

# ---- 4. edit one line and rerun ----
cat > edit-cthag.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" share2.rs
exec "$CTHAG" -q $(printf "'%s' " "${R[@]}") share2.rs
EOS
cat > edit-cargo.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" "$source"
CARGO_TARGET_DIR="$CTHAG_CACHE_DIR/target" "$CARGO_BIN" build -q $(printf "'%s' " "${CARGO_CONFIG[@]}") --manifest-path "$project/Cargo.toml" && exec "$CTHAG_CACHE_DIR"/target/debug/\$(basename "$project" | tr - _)
EOS
chmod +x edit-cthag.sh edit-cargo.sh
read -r a b ratio _ _ < <(pairtime 5 1 -- ./edit-cthag.sh -- ./edit-cargo.sh)
say "edit one line and rerun: cthag vs cargo build + run (<= 1.05x)" "$a ms vs $b ms = ${ratio}x"
record edit_rerun_ratio "$ratio"

# ---- 5. disk per entry, and no second copy of an executable ----
"$CTHAG" -q -f "${R[@]}" share2.rs > /dev/null  # the edits above were built behind cthag's back
entry=$(basename "$project")
package=${entry/-/_}
files=$( { find "$project" "$CTHAG_CACHE_DIR/locks/$entry" -type f
           find "$CTHAG_CACHE_DIR/target" \( -path "*/.fingerprint/$package-*" -o -name "$package.d" \
                -o -name "$package-*.d" \) -type f; } )
apparent=$(echo "$files" | xargs stat -c %s | awk '{s+=$1} END {print s}')
allocated=$(echo "$files" | xargs stat -c %b | awk '{s+=$1*512} END {print s}')
say "bytes per entry besides the executable (target <= 16 KB)" "$apparent bytes ($allocated allocated in $(echo "$files" | wc -l) files)"
record entry_bytes "$apparent"
record entry_bytes_allocated "$allocated"
inodes=$(stat -c %i "$CTHAG_CACHE_DIR/bins/$entry" "$CTHAG_CACHE_DIR/target/debug/$package" \
    "$CTHAG_CACHE_DIR"/target/debug/deps/"$package"-????????????????  | sort -u | wc -l)
links=$(stat -c %h "$CTHAG_CACHE_DIR/bins/$entry")
say "executable stored once (bins/, target/debug/, deps/ are one inode)" "$inodes inode, $links links"
record executable_inodes "$inodes"
record executable_links "$links"

# ---- 6. 300 scripts sharing 3 dependencies ----
"$CTHAG" --clean all > /dev/null
mkdir scale
start=$(ms_now)
for i in $(seq 1 300); do
    printf 'fn main() {\n    let n = %d + std::env::args().count();\n    println!("{}", %s);\n}\n' \
        "$i" "${dep_code//N/n}" > "scale/s$i.rs"
    "$CTHAG" -q "${R[@]}" "scale/s$i.rs" > /dev/null
done
build_ms=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
total=$(du -sb "$CTHAG_CACHE_DIR" | cut -f1)
allocated=$(du -sB1 "$CTHAG_CACHE_DIR" | cut -f1)
start=$(ms_now)
for i in $(seq 1 300); do "$CTHAG" "scale/s$i.rs" > /dev/null; done
runs_ms=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
cap=$((total / 2))
"$CTHAG" --gc --max-size "$cap" > /dev/null
after=$(du -sb "$CTHAG_CACHE_DIR" | cut -f1)
say "300 scripts: build all" "$build_ms ms"
say "300 scripts: cache size (target <= 225 MB)" "$((total / 1048576)) MiB ($((allocated / 1048576)) MiB allocated)"
say "300 scripts: all 300 cached runs" "$runs_ms ms"
say "300 scripts: after --gc --max-size $((cap / 1048576))MiB" "$((after / 1048576)) MiB"
record scale_build_ms "$build_ms"
record scale_cache_bytes "$total"
record scale_cache_allocated_bytes "$allocated"
record scale_cached_runs_ms "$runs_ms"
record scale_gc_cap_bytes "$cap"
record scale_after_gc_bytes "$after"

# ---- 7. --cache-stats and --gc at 100, 300 and 1000 entries (bench/gc.sh) ----
. "$here/gc.sh"
bench_gc

# ---- 8. dependency versions reused over time, 9. team build cache (bench/online.sh) ----
. "$here/online.sh"
bench_version_reuse
bench_team_cache

# ---- results.json ----
machine=$(printf '{"uname": "%s", "cpu": "%s", "cores": %s, "memory_kb": %s, "cargo": "%s"}' \
    "$(uname -srm)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
    "$(nproc)" "$(awk '/MemTotal/ {print $2}' /proc/meminfo)" "$("$CARGO_BIN" --version)")
{
    printf '{\n  "date": "%s",\n  "machine": %s,\n  "dependencies": "%s"' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$machine" "$deps_kind"
    for r in "${results[@]}"; do printf ',\n  %s' "$r"; done
    printf '\n}\n'
} > "$here/results.json"
echo
echo "written: bench/results.json"
