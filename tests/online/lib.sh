# Test library for the crates.io layer (make check-online): tests/cli/lib.sh, plus the check
# that crates.io can be reached.  These tests use the user's cargo home (its registry cache makes
# a second run quick) and a cache root of their own per test file.
. "$(dirname "$0")/../cli/lib.sh"
export CARGO_HOME=$USER_CARGO_HOME # (cli/lib.sh gives each test file one of its own)

# require_crates_io: cargo resolves a small dependency from crates.io, or the test stops with
# "SKIP <test>: <reason>": exit 77 (skipped), or 1 under CI=true, where crates.io must be there.
require_crates_io() {
    local probe="$TMP/probe" reason
    mkdir -p "$probe/src"
    printf '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\nitoa = "1"\n' \
        > "$probe/Cargo.toml"
    : > "$probe/src/lib.rs"
    if CARGO_NET_RETRY=1 CARGO_HTTP_TIMEOUT=30 timeout 120 "$REAL_CARGO" generate-lockfile \
        --manifest-path "$probe/Cargo.toml" > "$TMP/probe.log" 2>&1; then
        return 0
    fi
    reason=$(grep -m1 -iE 'error|timed out|failed' "$TMP/probe.log" || echo "cargo said nothing")
    skip_test "crates.io cannot be reached: cargo generate-lockfile: $reason"
}

# skip_test REASON: print "SKIP <test>: REASON" and stop: exit 77 (skipped), or under CI=true
# exit 1, because CI installs and reaches everything these tests need.
skip_test() {
    echo "SKIP $TEST_NAME: $1"
    if [ "${CI:-}" = true ]; then
        echo "$TEST_NAME: CI must have what this test needs: the skip counts as a failure" >&2
        exit 1
    fi
    exit 77
}

# dep_compiles: the crates (NAME vX.Y.Z) cargo compiled in the last run, the scripts' own aside
# (cthag names them for the script: "name v0.1.0 (name.rs)").
dep_compiles() {
    grep -E '^ *Compiling ' "$TMP/err" | grep -v -E 'Compiling [A-Za-z0-9_-]+ v0\.1\.0 \([^/)]+\.rs\)$' |
        sed 's/^ *Compiling //; s/ (.*//'
}

# seconds_since START_NS: elapsed time as "12.3".
now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
