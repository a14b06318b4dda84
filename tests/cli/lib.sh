# Test library for cthag's shell-level tests (sourced by each t*.sh), in the spirit of git's t/.
#
# Every test file gets a fresh $TMP with its own cache root ($CTHAG_CACHE_DIR) and a cargo
# wrapper ($CARGO) that logs each call to $CARGO_LOG before running the real cargo, so tests can
# assert that cargo was (or was not) started.  $REGISTRY is the suite's local directory registry.
set -u

: "${CTHAG:?CTHAG must point at the cthag binary}"
TEST_NAME=$(basename "$0" .sh)
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # tests/cli, also for tests/slow and online
SOURCE_DIR=$(cd "$LIB_DIR/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cthag-$TEST_NAME.XXXXXX")
export CTHAG_CACHE_DIR="$TMP/cache"
# The user's own config file must not change what the tests see.
export XDG_CONFIG_HOME="$TMP/config"
# Nor the user's cargo home (its index cache, what cthag -x installs there), which the test files,
# run in parallel, must not share either: cargo holds its package-cache lock while it resolves,
# and one that waits for another's says "Blocking waiting for file lock" in the output tests read.
USER_CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export CARGO_HOME="$TMP/.cargo"
unset RUSTC_WRAPPER NO_COLOR CLICOLOR CLICOLOR_FORCE
CARGO_LOG="$TMP/cargo.log"
: > "$CARGO_LOG"
REAL_CARGO=${REAL_CARGO:-$(command -v cargo || echo "$HOME/.cargo/bin/cargo")}
mkdir -p "$TMP/bin"
cat > "$TMP/bin/cargo" <<WRAPPER
#!/bin/sh
echo "cargo \$*" >> "$CARGO_LOG"
exec "$REAL_CARGO" "\$@"
WRAPPER
chmod +x "$TMP/bin/cargo"
export CARGO="$TMP/bin/cargo"
REGISTRY=${CTHAG_TEST_REGISTRY:-$TMP/registry}
[ -d "$REGISTRY" ] || bash "$LIB_DIR/make-registry.sh" "$REGISTRY"
cd "$TMP" || exit 1

failures=0
checks=0
trap 'cleanup' EXIT
cleanup() {
    if [ "$failures" -eq 0 ] && [ -z "${KEEP_TMP:-}" ]; then
        chmod -R u+rwX "$TMP" 2>/dev/null
        rm -rf "$TMP"
    fi
}

fail() {
    failures=$((failures + 1))
    echo "FAIL [$TEST_NAME]: $*" >&2
    if [ -s "$TMP/err" ]; then
        echo "  --- stderr of the last run:" >&2
        sed 's/^/  | /' "$TMP/err" | tail -20 >&2
    fi
}

pass() {
    checks=$((checks + 1))
}

# run_cthag ARGS...: run cthag; stdout in $TMP/out, stderr in $TMP/err, status in $status.
# (In a subshell whose own stderr is dropped: bash's "Aborted" notices are not the script's.)
run_cthag() {
    status=$( { "$CTHAG" "$@" > "$TMP/out" 2> "$TMP/err" < "${STDIN:-/dev/null}"; echo $?; } 2>/dev/null)
}

out() { cat "$TMP/out"; }
err() { cat "$TMP/err"; }

expect_status() {
    if [ "$status" -eq "$1" ]; then pass; else fail "${2:-} exit status $status, expected $1"; fi
}

expect_out() {
    local actual
    actual=$(out)
    if [ "$actual" = "$1" ]; then pass; else fail "${2:-} stdout [$actual], expected [$1]"; fi
}

expect_err() {
    local actual
    actual=$(err)
    if [ "$actual" = "$1" ]; then pass; else fail "${2:-} stderr [$actual], expected [$1]"; fi
}

# expect_err_has FRAGMENT: stderr contains FRAGMENT (fixed string).
expect_err_has() {
    if grep -qF -- "$1" "$TMP/err"; then pass; else fail "${2:-} stderr lacks [$1]"; fi
}

expect_err_lacks() {
    if grep -qF -- "$1" "$TMP/err"; then fail "${2:-} stderr has [$1]"; else pass; fi
}

# expect_file_has FILE FRAGMENT: the file contains the fixed string.
expect_file_has() {
    if grep -qF -- "$2" "$1" 2>/dev/null; then pass; else fail "${3:-} $1 lacks [$2]"; fi
}

expect_eq() {
    if [ "$1" = "$2" ]; then pass; else fail "${3:-} [$1] != [$2]"; fi
}

# cargo_calls: how many times cthag started cargo since the log was last reset.
cargo_calls() { wc -l < "$CARGO_LOG" | tr -d ' '; }
reset_cargo_log() { : > "$CARGO_LOG"; }

expect_cargo_calls() {
    local n
    n=$(cargo_calls)
    if [ "$n" -eq "$1" ]; then pass; else fail "${2:-} cargo started $n times, expected $1"; fi
    reset_cargo_log
}

# expect_builds N LABEL: N builds since the cargo log was last reset, by cargo or by rustc alone
# (src/direct.h; the run must have had -v, which says "building with rustc directly").
direct_builds() { grep -c 'building with rustc directly' "$TMP/err"; }
expect_builds() {
    local n
    n=$(( $(cargo_calls) + $(direct_builds) ))
    if [ "$n" -eq "$1" ]; then pass; else fail "${2:-} $n builds, expected $1"; fi
    reset_cargo_log
}

# count_lines FILE PATTERN: lines of FILE matching the fixed string PATTERN.
count_lines() { grep -cF -- "$2" "$1"; }

# A script file: write_script NAME <<'EOF' ... EOF
write_script() {
    mkdir -p "$(dirname "$1")"
    cat > "$1"
}

# copy_registry DIR: a copy of the suite's registry that a test may publish into.
copy_registry() { cp -R "$REGISTRY" "$1"; }
# publish_crate REGISTRY NAME VERSION LIB_RS [EXTRA_TOML]: a new release appears in REGISTRY (a
# directory source: cargo sees it at its next run).
publish_crate() { bash "$LIB_DIR/make-registry.sh" --publish "$@"; }

# wait_until WHAT COMMAND...: wait for another process to get somewhere, by polling COMMAND (a
# test of a marker that process writes: a file, a line of its output, a lock it holds) until it
# succeeds.  After $WAIT_SECONDS (default 60) the check fails, naming WHAT, and it returns 1.
# Never a fixed sleep instead: on a loaded machine the other process may not be there yet.
wait_until() {
    local what=$1 deadline=$((EPOCHSECONDS + ${WAIT_SECONDS:-60}))
    shift
    until "$@"; do
        if [ "$EPOCHSECONDS" -ge "$deadline" ]; then
            fail "waited ${WAIT_SECONDS:-60}s in vain for $what"
            return 1
        fi
        sleep 0.02
    done
}
# Markers to wait for: FILE holds the fixed string; no process's command line matches PATTERN.
file_has() { grep -qF -- "$2" "$1" 2>/dev/null; }
no_process() { ! pgrep -f -- "$1" > /dev/null; }

# gated_cargo NAME: $TMP/bin/NAME, a cargo that, once started, creates $TMP/NAME.started and
# waits until the test creates $TMP/NAME.go (at most $WAIT_SECONDS) before it builds: a build
# that lasts as long as the test needs, to interrupt, to wait for or to act beside.  Each call
# makes a new gate (the markers of the last one removed).
gated_cargo() {
    rm -f "$TMP/$1.started" "$TMP/$1.go"
    cat > "$TMP/bin/$1" <<GATED
#!/bin/sh
: > "$TMP/$1.started"
i=0
while [ ! -e "$TMP/$1.go" ] && [ \$i -lt $((${WAIT_SECONDS:-60} * 50)) ]; do sleep 0.02; i=\$((i + 1)); done
exec "$CARGO" "\$@"
GATED
    chmod +x "$TMP/bin/$1"
}

# Files (not directories) in the cache's bins/.
bins_count() { find "$CTHAG_CACHE_DIR/bins" -type f 2>/dev/null | wc -l | tr -d ' '; }

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$TEST_NAME: $failures of $((checks + failures)) checks FAILED (kept $TMP)" >&2
        exit 1
    fi
    echo "$TEST_NAME: $checks checks passed"
    exit 0
}

# The release this tree builds (src/version.h), as --version prints it.
cthag_release() { sed -n 's/^#define CTHAG_VERSION "\(.*\)"$/\1/p' "$SOURCE_DIR/src/version.h"; }
