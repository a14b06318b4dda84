#!/bin/bash
# Parallel runs: 32 first runs of one script make exactly one cargo build and 32 correct runs;
# 16 different scripts built at once all succeed; a script rebuilt while an older build of it
# runs does not disturb the running one.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

write_script same.rs <<'EOF_RS'
fn main() {
    let n: u32 = std::env::args().nth(1).unwrap().parse().unwrap();
    println!("run {n}: {}", slowdep::ready());
}
EOF_RS
# wait_jobs PID...: wait for these background jobs; $failed says how many exited non-zero.
# (Not in a $(...) subshell: only this shell can wait for its own children.)
wait_jobs() {
    local pid
    failed=0
    for pid in "$@"; do wait "$pid" || failed=$((failed + 1)); done
}

pids=()
for i in $(seq 1 32); do
    "$CTHAG" -q "${R[@]}" same.rs -- "$i" > "out.$i" 2> "err.$i" &
    pids+=($!)
done
wait_jobs "${pids[@]}"
expect_eq "$failed" 0 "32 parallel runs all exit 0:"
for i in $(seq 1 32); do
    expect_eq "$(cat "out.$i")" "run $i: slow and ready" "parallel run $i:"
done
expect_cargo_calls 1 "32 parallel first runs:"

pids=()
for i in $(seq 1 16); do
    printf 'fn main() { println!("script %s {}", tinydep::answer()); }\n' "$i" > "many$i.rs"
    "$CTHAG" -q "${R[@]}" "many$i.rs" > "many.$i" 2> "many-err.$i" &
    pids+=($!)
done
wait_jobs "${pids[@]}"
expect_eq "$failed" 0 "16 different scripts in parallel:"
for i in $(seq 1 16); do
    expect_eq "$(cat "many.$i")" "script $i 42" "script $i:"
done
# One build each.  (A first build whose dependencies no other entry has locked yet also asks
# cargo to resolve them first, to reuse what other scripts compiled: how many of the 16 do
# depends on which finish first.)
expect_eq "$(grep -c ' build ' "$CARGO_LOG")" 16 "16 different scripts, one build each:"
reset_cargo_log

# Rebuild while running: the running executable is never rewritten in place.  v1 runs until the
# test lets it end (the file release-v1), across the whole rebuild; v2 is let go at once.
write_script long.rs <<'EOF_RS'
fn main() {
    println!("v1 start");
    for _ in 0..3000 {
        if std::path::Path::new("release-v1").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    println!("v1 end");
}
EOF_RS
touch release-v2
run_cthag -q -b long.rs
inode_before=$(stat -c %i "$CTHAG_CACHE_DIR"/bins/long-*)
"$CTHAG" long.rs > long.out 2>&1 &
long_pid=$!
wait_until "v1 to run" file_has long.out "v1 start"
sed -i 's/v1/v2/g' long.rs
run_cthag -q long.rs
expect_status 0 "rebuild while the old build runs:"
expect_out "v2 start
v2 end"
touch release-v1
wait "$long_pid"
expect_eq "$?" 0 "the running v1 was undisturbed:"
expect_eq "$(cat long.out)" "v1 start
v1 end"
expect_eq "$([ "$(stat -c %i "$CTHAG_CACHE_DIR"/bins/long-*)" != "$inode_before" ] && echo new)" new \
    "the new build is a new file:"

# On a terminal, a run that waits more than a second for another's build says so.
if command -v script > /dev/null; then
    write_script wait.rs <<'EOF_RS'
fn main() { println!("{}", slowdep::ready()); }
EOF_RS
    # The first run's cargo builds only once the second run has said that it waits.
    gated_cargo slow-cargo
    CARGO="$TMP/bin/slow-cargo" "$CTHAG" -q "${R[@]}" wait.rs > first.out 2>&1 &
    first=$!
    wait_until "the first run's cargo to start" test -e "$TMP/slow-cargo.started"
    script -qec "\"$CTHAG\" --registry-dir \"$REGISTRY\" wait.rs" /dev/null < /dev/null > tty.out 2>&1 &
    second=$!
    wait_until "the second run to say it waits" file_has tty.out "cthag: waiting for another"
    touch "$TMP/slow-cargo.go"
    wait "$second"
    wait "$first"
    expect_file_has tty.out "cthag: waiting for another cthag building wait.rs" "waiting message:"
    expect_file_has tty.out "slow and ready"
    expect_eq "$(cat first.out)" "slow and ready"
else
    echo "SKIP t11-concurrency: waiting message (no script(1) to give cthag a terminal)"
fi

finish
