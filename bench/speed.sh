#!/bin/bash
# The build-speed figures of make bench (issue 26), each side by side in one alternating run:
#   edit     edit one line of a dependency-free program and run it: cthag vs cargo build + run
#            of the same project in the same target (target <= 0.70x)
#   rapid    an uncached cthag -r entry, Enter to result on a pseudo-terminal (target <= 90 ms)
#   beside   a new hello world while another script's build holds cargo's lock, against the
#            same alone (target <= 2x)
#   cold     the first script with num-bigint in a new cache root: dependencies optimized
#            (cthag's default) against the dev level they had before (target <= 1.4x)
#   release  the ibig script computing F(1,000,000): cthag against rust-script's release build
#            (crates.io and rust-script needed, on PATH or as $RUST_SCRIPT; target <= 1.5x)
# Wall times are medians of alternating rounds; CPU times (user + system, the command and the
# children it waited for) are given beside them: on a shared machine they drift less.
#
# Sourced by bench.sh, which provides pairtime, say, record, R (the registry options), $work.

# pair_cpu RUNS WARMUP -- A... -- B...: "A_MS B_MS A/B A_CPU B_CPU CPU_A/B".
pair_cpu() {
    local -a out
    mapfile -t out < <(pairtime -l "$@")
    local -a a=(${out[0]}) b=(${out[1]})
    awk -v a="${a[0]}" -v b="${b[0]}" -v ca="${a[3]}" -v cb="${b[3]}" \
        'BEGIN{printf "%.1f %.1f %.3f %.1f %.1f %.3f\n", a, b, a / b, ca, cb, ca / cb}'
}

# say_pair LABEL KEY A B RATIO CA CB CRATIO [RUNS]: one line, and its figures in results.json.
say_pair() {
    say "$1" "$3 vs $4 ms = ${5}x (CPU $6 vs $7 ms = ${8}x${9:+, $9 rounds})"
    record "${2}_ms" "[$3, $4]"
    record "${2}_ratio" "$5"
    record "${2}_cpu_ms" "[$6, $7]"
    record "${2}_cpu_ratio" "$8"
}

bench_edit() {
    printf 'fn main() {\n    let n = 1;\n    println!("{}", n + std::env::args().count());\n}\n' \
        > edit.rs
    "$CTHAG" -q edit.rs > /dev/null
    local project
    project=$(ls -d "$CTHAG_CACHE_DIR"/projects/edit-*)
    cat > edit-cthag.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" "$work/edit.rs"
exec "$CTHAG" -q "$work/edit.rs"
EOS
    cat > edit-cargo.sh <<EOS
#!/bin/sh
sed -i "s/^    let n = \([0-9]*\)/    let n = \$(date +%N)/" "$work/edit.rs"
exe=\$("$CARGO_BIN" build -q --offline --message-format=json \
    --config 'build.target-dir="$CTHAG_CACHE_DIR/target"' --manifest-path "$project/Cargo.toml" |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p') && exec "\$exe"
EOS
    chmod +x edit-cthag.sh edit-cargo.sh
    local rep
    for rep in 1 2; do
        say_pair "edit a dependency-free program and run it: cthag vs cargo build + run (run $rep of 2, <= 0.70x)" \
            "edit_run_$rep" $(pair_cpu "$REPEAT" 1 -- ./edit-cthag.sh -- ./edit-cargo.sh) "$REPEAT"
    done
}

bench_rapid() {
    if ! command -v python3 > /dev/null || [ ! -x "$top/cthag-rapid" ]; then
        say "uncached cthag -r entry" "skipped: needs python3 and cthag-rapid (make)"
        record rapid_uncached_ms null
        return
    fi
    local out uncached cached
    out=$(CTHAG="$CTHAG" RUNS="$REPEAT" python3 "$here/rapid.py")
    uncached=$(echo "$out" | awk '/^uncached/ {print $(NF-7)}')
    cached=$(echo "$out" | awk '/^cached/ {print $(NF-7)}')
    say "uncached cthag -r entry, Enter to result ($REPEAT runs, <= 90 ms)" "$uncached ms (cached: $cached ms)"
    record rapid_uncached_ms "$uncached"
    record rapid_cached_ms "$cached"
}

# A script whose build holds cargo's lock for seconds: its path dependency's build script says
# it started (a marker file) and sleeps; touching its stamp makes cargo run it again.
beside_setup() {
    mkdir -p long/slow/src
    printf '[package]\nname = "slow"\nversion = "0.1.0"\nedition = "2021"\n' > long/slow/Cargo.toml
    printf 'pub fn ready() -> bool { true }\n' > long/slow/src/lib.rs
    cat > long/slow/build.rs <<'EOS'
fn main() {
    println!("cargo:rerun-if-changed=stamp");
    println!("cargo:rerun-if-env-changed=BENCH_LONG_MARK");
    if let Ok(mark) = std::env::var("BENCH_LONG_MARK") {
        std::fs::write(mark, "").unwrap();
    }
    std::thread::sleep(std::time::Duration::from_secs(4));
}
EOS
    touch long/slow/stamp
    printf '/*[toml]\n[dependencies]\nslow = { path = "slow" }\n*/\nfn main() { println!("{}", slow::ready()); }\n' \
        > long/long.rs
    "$CTHAG" -q long/long.rs > /dev/null
    printf 'fn main() { println!("hello"); }\n' > beside.rs
    "$CTHAG" -q beside.rs > /dev/null
}

# One new hello world (a new entry: it is built), timed in ms; with "beside", while long.rs
# builds (started first, timed from the moment its build script runs).
beside_round() {
    local n=$1 mode=$2 pid= start end
    cp beside.rs "beside$n-$mode.rs"
    if [ "$mode" = beside ]; then
        touch long/slow/stamp
        rm -f long.mark
        BENCH_LONG_MARK="$work/long.mark" "$CTHAG" -q -f long/long.rs > /dev/null &
        pid=$!
        while [ ! -e long.mark ]; do
            kill -0 "$pid" 2> /dev/null || { echo "bench: the long build ended early" >&2; return 1; }
            sleep 0.01
        done
    fi
    start=$(date +%s%N)
    "$CTHAG" -q "beside$n-$mode.rs" > /dev/null
    end=$(date +%s%N)
    [ -z "$pid" ] || wait "$pid"
    echo $(( (end - start) / 1000 ))
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000}'; }

bench_beside() {
    beside_setup
    local n alone=() beside=() a b rounds=$(( REPEAT < 7 ? REPEAT : 7 ))
    for n in $(seq 1 "$rounds"); do
        alone+=("$(beside_round "$n" alone)")
        beside+=("$(beside_round "$n" beside)")
    done
    a=$(printf '%s\n' "${alone[@]}" | median)
    b=$(printf '%s\n' "${beside[@]}" | median)
    say "a new hello world beside another script's build vs alone ($rounds rounds, <= 2x)" \
        "$b ms vs $a ms = $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", b / a}')x"
    record beside_ms "[$b, $a]"
    record beside_ratio "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.3f", b / a}')"
}

# cold-build.sh CTHAG SCRIPT...: a first run in a new cache root, removed after.
bench_cold() {
    cat > cold-build.sh <<EOS
#!/bin/sh
d=\$(mktemp -d "$work/cold.XXXXXX") && CTHAG_CACHE_DIR="\$d/cache" "$CTHAG" -q "\$@" > /dev/null
s=\$?; rm -rf "\$d"; exit \$s
EOS
    chmod +x cold-build.sh
    local code='fn main() {\n    let n = 3 + std::env::args().count();\n    println!("{}", %s);\n}\n'
    printf "$code" "${dep_code//N/n}" > cold-opt.rs
    # cthag's dependency profile before issue 26: the dev level, line tables, checks on.
    { printf '/*[toml]\n[profile.dev.package."*"]\nopt-level = 0\ndebug = "line-tables-only"\n'
      printf 'debug-assertions = true\noverflow-checks = true\n*/\n'
      printf "$code" "${dep_code//N/n}"; } > cold-dev.rs
    say_pair "first script with $deps_kind num-bigint, new root: dependencies optimized vs dev level (<= 1.4x)" \
        cold_deps $(pair_cpu 3 0 -- ./cold-build.sh "${R[@]}" cold-opt.rs -- \
                                   ./cold-build.sh "${R[@]}" cold-dev.rs) 3
}

# rust-script: $RUST_SCRIPT, else the one on PATH (`cargo install rust-script --root DIR` puts it
# in DIR/bin).
rust_script_bin() {
    if [ -n "${RUST_SCRIPT:-}" ]; then echo "$RUST_SCRIPT"; else command -v rust-script || true; fi
}

bench_release() {
    local rs
    rs=$(rust_script_bin)
    if [ -z "$rs" ]; then
        say "ibig F(1,000,000): cthag vs rust-script" "skipped: rust-script is not installed"
        record ibig_ratio null
        return
    fi
    cp "$here/fib_ibig.rs" fib_ibig.rs
    if ! "$CTHAG" -q fib_ibig.rs 10 > /dev/null 2>&1 || ! "$rs" fib_ibig.rs 10 > /dev/null 2>&1; then
        say "ibig F(1,000,000): cthag vs rust-script" "skipped: ibig could not be built (crates.io?)"
        record ibig_ratio null
        return
    fi
    say_pair "ibig F(1,000,000), cached: cthag vs rust-script's release build (<= 1.5x)" ibig \
        $(pair_cpu "$REPEAT" 1 -- "$CTHAG" fib_ibig.rs 1000000 -- "$rs" fib_ibig.rs 1000000) "$REPEAT"
}

# Everything a dependency-free entry holds (its executable, project, record, lock file, and
# what the shared target keeps for it), each inode counted once.
bench_small() {
    printf 'fn main() { println!("small"); }\n' > small.rs
    "$CTHAG" -q small.rs > /dev/null
    local entry package bytes
    entry=$(basename "$(ls -d "$CTHAG_CACHE_DIR"/projects/small-*)")
    package=${entry/-/_}
    bytes=$( { echo "$CTHAG_CACHE_DIR/bins/$entry"; echo "$CTHAG_CACHE_DIR/projects/$entry"
               echo "$CTHAG_CACHE_DIR/locks/$entry"
               find "$CTHAG_CACHE_DIR/target" -name "$package*" -o -name "*-$package*" \
                   -o -name "lib$package*"; } | xargs du -cb | tail -n 1 | cut -f1)
    say "bytes per dependency-free entry, executable included (<= 0.5 MB)" "$bytes bytes"
    record small_entry_bytes "$bytes"
}
