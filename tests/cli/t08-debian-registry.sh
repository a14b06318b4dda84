#!/bin/bash
# A real crate from Debian's librust-*-dev packages (a directory source at
# /usr/share/cargo/registry), inferred from `use num_bigint::...` and mapped to num-bigint.
. "$(dirname "$0")/lib.sh"

DEBIAN=/usr/share/cargo/registry
if ! ls -d "$DEBIAN"/num-bigint-* > /dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
        fail "Debian's librust-num-bigint-dev is not installed (.ci/run installs it)"
        finish
    fi
    echo "SKIP t08-debian-registry: librust-num-bigint-dev is not installed"
    exit 0
fi
examples=$SOURCE_DIR/examples

run_cthag --registry-dir "$DEBIAN" "$examples/fib_bigint.rs" -- 100
expect_status 0 "fib 100:"
expect_out "354224848179261915075"
expect_err_has "Compiling num-bigint"
# The newest release Debian has, as its compatible range: 0.4.3 -> "0.4".
newest=$(ls -d "$DEBIAN"/num-bigint-[0-9]* | sed 's/.*num-bigint-//' | sort -V | tail -1)
range=$(echo "$newest" | awk -F. '{ print ($1 > 0 ? $1 : ($2 > 0 ? "0." $2 : "0.0." $3)) }')
expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/fib_bigint-*/Cargo.toml)" "num-bigint = \"$range\"" \
    "num_bigint inferred as num-bigint, at the newest release's range:"

run_cthag --registry-dir "$DEBIAN" "$examples/fib_bigint.rs" -- 10
expect_out "55"
expect_cargo_calls 1 "the cached run starts no cargo:"

finish
