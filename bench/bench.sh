#!/bin/bash
# make bench: cthag's figures against the design's targets, each measured side by side in one
# run (commands alternating, round after round; medians).  Prints a table and writes
# bench/results.json.
#
# Needs: a built ./cthag, cargo, and for the shared-dependency figures Debian's num-bigint
# (librust-num-bigint-dev; otherwise the test suite's tiny local registry stands in); strace and
# valgrind for the counts of the cached path (skipped, saying so, without them).
# make bench passes CTHAG_GLIBC (the same sources linked with glibc), BENCH_CC and
# BENCH_LDFLAGS (how cthag was built).  BENCH_REPEAT (default 15) is the number of alternating
# rounds for each build figure, BENCH_RUNS (default 1000) for the cached run.  BENCH_ONLY="a b"
# runs only the sections named, of: cached zscript first edit rapid beside small rebuild disk lines
# scale cold release gc versions team inputs url (rebuild holds the shared-dependency figures; disk
# and lines need rebuild; release needs crates.io and rust-script; bench/speed.sh says more).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CTHAG=${CTHAG:-$top/cthag}
export PATH="$HOME/.cargo/bin:$PATH"
# The real cargo and rustc, not rustup's proxies (which add an exec and a toolchain lookup to
# every call): cthag is given the same cargo, and cargo the same rustc.
real_tool() {
    local tool
    tool=$(rustup which "$1" 2> /dev/null) || tool=$(ls ~/.rustup/toolchains/*/bin/"$1" 2> /dev/null |
        head -n 1) || true
    [ -x "${tool:-}" ] || tool=$(command -v "$1")
    echo "$tool"
}
CARGO_BIN=$(real_tool cargo)
RUSTC_BIN=$(real_tool rustc)
export CARGO="$CARGO_BIN" RUSTC="$RUSTC_BIN"
REPEAT=${BENCH_REPEAT:-15}
work=$(mktemp -d "${TMPDIR:-/tmp}/cthag-bench.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export CTHAG_CACHE_DIR="$work/cache"
export XDG_CONFIG_HOME="$work/config"
cd "$work"

cc -O2 -o "$work/pairtime" "$here/pairtime.c"
pairtime() { "$work/pairtime" "$@"; }
results=()
want() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }
record() { results+=("\"$1\": $2"); }   # record KEY JSON-VALUE
say() { printf '%-68s %s\n' "$1" "$2"; }
ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }
# pair2 RUNS WARMUP -- A... -- B...: "A_MS B_MS A/B" from pairtime.
pair2() {
    local -a out
    mapfile -t out < <(pairtime -l "$@")
    awk -v a="${out[0]%% *}" -v b="${out[1]%% *}" 'BEGIN{printf "%.1f %.1f %.3f\n", a, b, a / b}'
}
# twice LABEL KEY -- A... -- B...: two alternating runs of REPEAT rounds each, both printed.
twice() {
    local label=$1 key=$2 a b ratio rep
    shift 2
    for rep in 1 2; do
        read -r a b ratio < <(pair2 "$REPEAT" 1 "$@")
        say "$label (run $rep of 2)" "$a ms vs $b ms = ${ratio}x"
        record "${key}_ratio_$rep" "$ratio"
        record "${key}_ms_$rep" "[$a, $b]"
    done
}

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
echo "cargo: $CARGO_BIN, rustc: $RUSTC_BIN (the toolchain's binaries, not rustup's proxies)"
echo

printf 'fn main() { println!("hello"); }\n' > hello.rs
"$CTHAG" -q hello.rs > /dev/null

# ---- 1. the cached run: cthag, the exec floor, the binary; where the time goes (hotpath.sh) ----
. "$here/hotpath.sh"
bench_build_probes
want cached && bench_cached_run

# ---- 2. cthag's own peak RSS, and cargo -Zscript ----
if want zscript; then
# The cached executable is swapped for a static program that does nothing (bench/costs.c), so
# that the peak RSS of the process is cthag's own.
printf 'fn main() { println!("rss"); }\n' > rss.rs
"$CTHAG" -q rss.rs > /dev/null
cp "$work/costs" "$(ls "$CTHAG_CACHE_DIR"/bins/rss-*)"
mapfile -t out < <(pairtime -l 100 5 -- "$CTHAG" rss.rs -- "$work/costs")
say "peak RSS of cthag on the cached path (target < 2 MB)" "$(echo "${out[0]}" | cut -d' ' -f2) KB"
record cthag_peak_rss_kb "$(echo "${out[0]}" | cut -d' ' -f2)"

if RUSTC_BOOTSTRAP=1 "$CARGO_BIN" -Zscript -q --offline hello.rs > /dev/null 2>&1; then
    read -r a b ratio < <(RUSTC_BOOTSTRAP=1 pair2 100 5 -- "$CTHAG" hello.rs -- \
        "$CARGO_BIN" -Zscript -q --offline hello.rs)
    say "cached run vs cargo -Zscript (cached; the real cargo binary)" "$a ms vs $b ms = ${ratio}x"
    record zscript_ms "$b"
    record zscript_ratio "$ratio"
else
    say "cached run vs cargo -Zscript" "skipped: this cargo does not accept -Zscript"
    record zscript_ms null
fi
fi

# ---- 3. the first build of a hello world vs rustc of the same file ----
if want first; then
# Each round builds a new script (a new entry) and runs it: in a new cache root (cargo and the
# shared target start from nothing), and in the warm root of the figures above.  rustc compiles
# the same file to an executable and runs it.
cat > first-new.sh <<EOS
#!/bin/sh
d=\$(mktemp -d "$work/round.XXXXXX") && cp "$work/hello.rs" "\$d/hello.rs" &&
CTHAG_CACHE_DIR="\$d/cache" "$CTHAG" -q "\$d/hello.rs" && rm -rf "\$d"
EOS
cat > first-warm.sh <<EOS
#!/bin/sh
d=\$(mktemp -d "$work/round.XXXXXX") && cp "$work/hello.rs" "\$d/hello.rs" &&
"$CTHAG" -q "\$d/hello.rs" && rm -rf "\$d"
EOS
cat > first-rustc.sh <<EOS
#!/bin/sh
d=\$(mktemp -d "$work/round.XXXXXX") && cp "$work/hello.rs" "\$d/hello.rs" &&
"$RUSTC_BIN" -o "\$d/hello" "\$d/hello.rs" && "\$d/hello" && rm -rf "\$d"
EOS
chmod +x first-new.sh first-warm.sh first-rustc.sh
read -r a b ratio < <(pair2 "$REPEAT" 1 -- ./first-new.sh -- ./first-rustc.sh)
say "first hello world, new cache root: cthag vs rustc + run" "$a ms vs $b ms = ${ratio}x"
record first_build_new_root_ratio "$ratio"
record first_build_new_root_ms "[$a, $b]"
read -r a b ratio < <(pair2 "$REPEAT" 1 -- ./first-warm.sh -- ./first-rustc.sh)
say "first hello world, warm cache root: cthag vs rustc + run (<= 1.05x)" "$a ms vs $b ms = ${ratio}x"
record first_build_warm_root_ratio "$ratio"
record first_build_warm_root_ms "[$a, $b]"
fi

# ---- 3b. edit and run, -r, a build beside another (bench/speed.sh) ----
. "$here/speed.sh"
want edit && bench_edit
want rapid && bench_rapid
want beside && bench_beside
want small && bench_small

# ---- 4. a second script sharing a dependency; rebuilds; edit and rerun ----
if want rebuild; then
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
# The script is compiled in place (its own path in [[bin]]) unless cthag had to generate a copy.
source=$(ls "$project"/*.rs 2> /dev/null || echo "$work/share2.rs")
package=$(basename "$project" | tr - _)
cat > rebuild-cargo.sh <<EOS
#!/bin/sh
touch "$source"
exec "$CARGO_BIN" build -q $(printf "'%s' " "${CARGO_CONFIG[@]}") --config 'build.target-dir="$CTHAG_CACHE_DIR/target"' --manifest-path "$project/Cargo.toml"
EOS
cat > rebuild-fresh.sh <<EOS
#!/bin/sh
rm -rf "$work/fresh-target"
exec "$CARGO_BIN" build -q $(printf "'%s' " "${CARGO_CONFIG[@]}") --config 'build.target-dir="$work/fresh-target"' --manifest-path "$project/Cargo.toml"
EOS
chmod +x rebuild-cargo.sh rebuild-fresh.sh
twice "rebuild: cthag -f vs cargo build, same warm target (<= 1.05x)" rebuild -- \
    "$CTHAG" -f -b -q "${R[@]}" share2.rs -- ./rebuild-cargo.sh
read -r a b ratio < <(pair2 3 0 -- "$CTHAG" -f -b -q "${R[@]}" share2.rs -- ./rebuild-fresh.sh)
say "  vs a per-script target (what cargo -Zscript does), 3 rounds" "$a ms vs $b ms = ${ratio}x"
record per_script_target_ms "$b"
record per_script_target_ratio "$ratio"

cat > edit-cthag.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" share2.rs
exec "$CTHAG" -q $(printf "'%s' " "${R[@]}") share2.rs
EOS
cat > edit-cargo.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" "$source"
exe=\$("$CARGO_BIN" build -q --message-format=json $(printf "'%s' " "${CARGO_CONFIG[@]}") --config 'build.target-dir="$CTHAG_CACHE_DIR/target"' --manifest-path "$project/Cargo.toml" | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p') && exec "\$exe"
EOS
chmod +x edit-cthag.sh edit-cargo.sh
twice "edit one line and rerun: cthag vs cargo build + run (<= 1.0x)" edit_rerun -- \
    ./edit-cthag.sh -- ./edit-cargo.sh
fi

# ---- 5. disk per entry, and no second copy of an executable ----
if want disk; then
"$CTHAG" -q -f "${R[@]}" share2.rs > /dev/null  # the edits above were built behind cthag's back
entry=$(basename "$project")
package=${entry/-/_}
stem=${entry%-*} # the binary (and its crate) is named after the script
files=$( { find "$project" "$CTHAG_CACHE_DIR/locks/$entry" -type f
           find "$CTHAG_CACHE_DIR/target" \( -path "*/.fingerprint/$package-*" -o -name "$package.d" \
                -o -name "$package-*.d" -o -name "$stem-????????????????.d" \) -type f; } )
apparent=$(echo "$files" | xargs stat -c %s | awk '{s+=$1} END {print s}')
allocated=$(echo "$files" | xargs stat -c %b | awk '{s+=$1*512} END {print s}')
say "bytes per entry besides the executable (target <= 16 KB)" "$apparent bytes ($allocated allocated in $(echo "$files" | wc -l) files)"
record entry_bytes "$apparent"
record entry_bytes_allocated "$allocated"
inodes=$(stat -c %i "$CTHAG_CACHE_DIR/bins/$entry" \
    "$CTHAG_CACHE_DIR"/target/debug/deps/"$stem"-????????????????  | sort -u | wc -l)
links=$(stat -c %h "$CTHAG_CACHE_DIR/bins/$entry")
say "executable stored once (bins/ and target/debug/deps/ are one inode)" "$inodes inode, $links links"
record executable_inodes "$inodes"
record executable_links "$links"
fi

# ---- 5b. line tables (cthag's default debug = "line-tables-only", so that panics and backtraces
# name the script's file and line) against debug = 0: the same script's rebuild and executable ----
if want lines; then
{ printf '/*[toml]\n[profile.dev]\ndebug = 0\n*/\n'; cat share2.rs; } > nolines.rs
"$CTHAG" -q -b "${R[@]}" nolines.rs  # its dependencies, compiled once without line tables
read -r a b ratio < <(pair2 "$REPEAT" 1 -- "$CTHAG" -f -b -q "${R[@]}" share2.rs -- \
    "$CTHAG" -f -b -q "${R[@]}" nolines.rs)
size_lines=$(stat -c %s "$CTHAG_CACHE_DIR"/bins/share2-*)
size_none=$(stat -c %s "$CTHAG_CACHE_DIR"/bins/nolines-*)
say "rebuild: line tables (the default) vs debug = 0, $REPEAT rounds" "$a ms vs $b ms = ${ratio}x"
say "executable: line tables vs debug = 0" "$size_lines vs $size_none bytes"
record line_tables_rebuild_ms "[$a, $b]"
record line_tables_rebuild_ratio "$ratio"
record line_tables_executable_bytes "[$size_lines, $size_none]"
fi

# ---- 6. 300 scripts sharing 3 dependencies ----
if want scale; then
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
for i in $(seq 1 300); do "$CTHAG" "${R[@]}" "scale/s$i.rs" > /dev/null; done
runs_ms=$(awk -v s="$start" -v e="$(ms_now)" 'BEGIN{print e-s}')
cap=$((total / 2))
"$CTHAG" --gc --max-size "$cap" > /dev/null
after=$(du -sb "$CTHAG_CACHE_DIR" | cut -f1)
say "300 scripts: build all" "$build_ms ms"
say "300 scripts: cache size (target <= 600 MiB)" "$((total / 1048576)) MiB ($((allocated / 1048576)) MiB allocated)"
say "300 scripts: all 300 cached runs" "$runs_ms ms"
say "300 scripts: after --gc --max-size $((cap / 1048576))MiB" "$((after / 1048576)) MiB"
record scale_build_ms "$build_ms"
record scale_cache_bytes "$total"
record scale_cache_allocated_bytes "$allocated"
record scale_cached_runs_ms "$runs_ms"
record scale_gc_cap_bytes "$cap"
record scale_after_gc_bytes "$after"
fi

# ---- 6b. the dependencies' profile: cold builds and program speed (bench/speed.sh) ----
want cold && bench_cold
want release && bench_release

# ---- 7. --cache-stats and --gc at 100, 300 and 1000 entries (bench/gc.sh) ----
if want gc; then
. "$here/gc.sh"
bench_gc
fi

# ---- 8. dependency versions reused over time, 9. team build cache (bench/online.sh) ----
. "$here/online.sh"
want versions && bench_version_reuse
want team && bench_team_cache

# ---- 10. cached runs with 50 inputs (bench/inputs.sh) ----
. "$here/inputs.sh"
want inputs && bench_inputs

# ---- 11. a cached run of a script from a URL (bench/url.sh) ----
. "$here/url.sh"
want url && bench_url

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
