#!/bin/bash
# Ctrl-C during a build stops cargo and leaves the cache consistent (nothing installed, the next
# run builds); Ctrl-C during a run is the script's business: cthag has already exec'd it.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
set -m   # background jobs in their own process groups, with default signal handling

# catches_sigint PID: the process has a handler for SIGINT (its SigCgt mask in /proc): cthag
# installs its own once cargo is started, to pass the signal on.  Before that, a signal kills it.
catches_sigint() {
    local mask
    mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && (( 0x$mask & 2 ))
}

write_script build.rs <<'EOF_RS'
fn main() { println!("built"); }
EOF_RS
# The terminal's Ctrl-C: SIGINT to the whole foreground process group, while "cargo" (a gated
# one, which does not build until told to) runs.
gated_cargo slow-cargo
CARGO="$TMP/bin/slow-cargo" "$CTHAG" "${R[@]}" build.rs > out 2> err &
job=$!
wait_until "cthag to start cargo" test -e "$TMP/slow-cargo.started"
wait_until "cthag to catch SIGINT" catches_sigint "$job"
kill -INT -- "-$job"
wait "$job" 2>/dev/null
status=$?
expect_status 130 "Ctrl-C during a build:"
expect_err_has "cthag: build.rs: interrupted; nothing was installed"
expect_eq "$(ls "$CTHAG_CACHE_DIR/bins" | grep -c '^build-')" 0 "nothing installed:"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/projects/build-*/entry 2>/dev/null | wc -l)" 0 "no record:"
run_cthag -q build.rs
expect_status 0 "the next run builds:"
expect_out "built"

# SIGINT to cthag alone: it passes it on to cargo rather than leaving cargo running.
printf 'fn main() { println!("second"); }\n' > second.rs
gated_cargo slow-cargo
CARGO="$TMP/bin/slow-cargo" "$CTHAG" "${R[@]}" second.rs > out 2> err &
job=$!
wait_until "cthag to start cargo" test -e "$TMP/slow-cargo.started"
wait_until "cthag to catch SIGINT" catches_sigint "$job"
kill -INT "$job"
wait "$job" 2>/dev/null
status=$?
expect_status 130 "SIGINT to cthag during cargo:"
expect_err_has "cthag: second.rs: interrupted; nothing was installed"
wait_until "no cargo left behind" no_process "$CTHAG_CACHE_DIR/projects/second-" && pass
run_cthag -q second.rs
expect_out "second"

# During a run, the process is the script itself.
write_script sleeper.rs <<'EOF_RS'
fn main() { println!("sleeping"); std::thread::sleep(std::time::Duration::from_secs(30)); }
EOF_RS
run_cthag -q -b sleeper.rs
"$CTHAG" sleeper.rs > out 2> err &
job=$!
wait_until "the script to run" file_has out "sleeping"
expect_eq "$(readlink "/proc/$job/exe")" "$(readlink -f "$CTHAG_CACHE_DIR"/bins/sleeper-*)" \
    "cthag has exec'd the script:"
kill -INT -- "-$job"
wait "$job" 2>/dev/null
status=$?
expect_status 130 "Ctrl-C during a run is the script's:"
expect_out "sleeping"
expect_err "" "nothing from cthag:"

finish
