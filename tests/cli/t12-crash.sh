#!/bin/bash
# SIGKILL at any moment leaves the previous good entry or none: the next run rebuilds what is
# missing and never executes a partial or wrong executable.  Stale temp files get cleaned up.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

kill_points=0
# crash_then_run POINT SCRIPT EXPECTED: die at POINT during a build, then a good run.
crash_then_run() {
    kill_points=$((kill_points + 1))
    CTHAG_TEST_CRASH_AT=$1 run_cthag -q "${R[@]}" "$2"
    expect_status 137 "killed at $1:"
    run_cthag -q "${R[@]}" "$2"
    expect_status 0 "run after a kill at $1:"
    expect_out "$3" "run after a kill at $1:"
}

for point in generated built installed recorded; do
    printf 'fn main() { println!("%s ok"); }\n' "$point" > "$point.rs"
    crash_then_run "$point" "$point.rs" "$point ok"
done

# A kill after the new executable is installed but before its record is written, then the
# script reverted to its old bytes: the old build must run, not the newer executable.
printf 'fn main() { println!("old"); }\n' > revert.rs
run_cthag -q revert.rs
expect_out "old"
cp revert.rs revert.old
printf 'fn main() { println!("new"); }\n' > revert.rs
kill_points=$((kill_points + 1))
CTHAG_TEST_CRASH_AT=installed run_cthag -q revert.rs
expect_status 137
cp revert.old revert.rs
run_cthag -q revert.rs
expect_out "old" "revert after a kill between install and record:"

# cthag killed while cargo builds: cargo finishes on its own, nothing is installed; the next
# run (which may wait for that cargo) builds and runs correctly.
write_script slow.rs <<'EOF_RS'
fn main() { println!("{}", slowdep::ready()); }
EOF_RS
kill_points=$((kill_points + 1))
reset_cargo_log
"$CTHAG" -q "${R[@]}" slow.rs > /dev/null 2>&1 &
victim=$!
wait_until "cthag to start cargo" test -s "$CARGO_LOG" # ($CARGO logs, then execs cargo)
{ kill -9 "$victim"; wait "$victim"; } 2>/dev/null
expect_eq "$(ls "$CTHAG_CACHE_DIR"/bins | grep -c '^slow-')" 0 "nothing installed by a killed cthag:"
run_cthag -q "${R[@]}" slow.rs
expect_status 0 "run after cthag was killed mid-build:"
expect_out "slow and ready"

# cargo itself killed mid-build (once it runs a compiler or a build script: at most a minute
# after it started): a clear error, exit 1, nothing installed; then a good run.
cat > "$TMP/bin/doomed-cargo" <<EOF_SH
#!/bin/sh
"$CARGO" "\$@" &
cargo=\$!
i=0
while ! pgrep -P \$cargo > /dev/null && [ \$i -lt 3000 ]; do sleep 0.02; i=\$((i + 1)); done
kill -9 \$cargo
wait \$cargo
EOF_SH
chmod +x "$TMP/bin/doomed-cargo"
printf 'fn main() { println!("{} again", slowdep::ready()); }\n' > slow2.rs
"$CTHAG" --clean target > /dev/null
kill_points=$((kill_points + 1))
CARGO="$TMP/bin/doomed-cargo" run_cthag -q "${R[@]}" slow2.rs
expect_status 1 "cargo killed:"
expect_err_has "cthag: slow2.rs: build failed: cargo was killed by signal 9"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/bins | grep -c '^slow2-')" 0 "nothing installed after cargo died:"
run_cthag -q "${R[@]}" slow2.rs
expect_status 0
expect_out "slow and ready again"

# Temp files of dead writers are removed by the next build of the entry.
entry=$(ls "$CTHAG_CACHE_DIR"/projects | grep '^slow2-')
touch "$CTHAG_CACHE_DIR/projects/$entry/Cargo.toml.tmp.999999" "$CTHAG_CACHE_DIR/bins/$entry.tmp.999999"
echo "// edit" >> slow2.rs
run_cthag -q "${R[@]}" slow2.rs
expect_eq "$(find "$CTHAG_CACHE_DIR" -name '*.tmp.*' | wc -l)" 0 "stale temp files removed:"

# A torn or foreign record is not trusted: it is rebuilt, not executed.
printf 'cthag-entry 1\nkey 0123' > "$CTHAG_CACHE_DIR/projects/$entry/entry"
reset_cargo_log
run_cthag -q "${R[@]}" slow2.rs
expect_status 0 "torn record:"
expect_out "slow and ready again"
expect_cargo_calls 1 "a torn record means a build:"
expect_eq "$(find "$CTHAG_CACHE_DIR" -name '*.tmp.*' | wc -l)" 0 "no temp files left at the end:"

echo "t12-crash: $kill_points kill points tried"
finish
