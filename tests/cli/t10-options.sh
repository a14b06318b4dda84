#!/bin/bash
# +toolchain, --offline and -v: what reaches cargo, and what cthag says about its decisions.
. "$(dirname "$0")/lib.sh"

write_script tc.rs <<'EOF_RS'
fn main() { println!("{}", option_env!("RUSTUP_TOOLCHAIN").unwrap_or("default")); }
EOF_RS

# --offline reaches cargo; the shared target reaches it through the environment.
run_cthag -q --offline tc.rs
expect_status 0
toolchain=$(out)
expect_file_has "$CARGO_LOG" "build --manifest-path $CTHAG_CACHE_DIR/projects/tc-"
expect_file_has "$CARGO_LOG" "--config build.build-dir=\"$CTHAG_CACHE_DIR/target\" --config build.target-dir=\"$(echo "$CTHAG_CACHE_DIR"/projects/tc-*)/target\" --offline"
reset_cargo_log

# -v: the decisions, with the key.
run_cthag -v tc.rs
expect_err_has "cthag: tc.rs: fresh (unchanged since the build of key "
echo "// edit" >> tc.rs
run_cthag -v -q tc.rs
expect_err_has "cthag: tc.rs: $TMP/tc.rs changed since the last build (or is too recent to trust its stat data); checking its content"
expect_err_has "cthag: tc.rs: building with rustc directly (the rustc command cargo ran for it; no cargo, no cargo lock)"
expect_out "$toolchain" "rustup's variable for rustc, without cargo too:"
expect_cargo_calls 0 "an edit:"
run_cthag -v -q -f tc.rs
expect_err_has "cthag: tc.rs: building $CTHAG_CACHE_DIR/projects/tc-"
expect_err_has "with the shared target $CTHAG_CACHE_DIR/target"
reset_cargo_log

# +toolchain is passed to cargo first, as rustup's proxies expect; it is its own entry.
if command -v rustup > /dev/null && rustup toolchain list | grep -q '^nightly'; then
    run_cthag +nightly -q tc.rs
    expect_status 0 "+nightly:"
    case "$(out)" in nightly*) pass ;; *) fail "+nightly built with $(out)" ;; esac
    expect_file_has "$CARGO_LOG" "cargo +nightly build --manifest-path"
    run_cthag +nightly tc.rs
    expect_cargo_calls 1 "+nightly cached:"
    expect_eq "$(bins_count)" 2 "+nightly has its own entry:"
else
    echo "SKIP t10-options: +toolchain (rustup with a nightly toolchain is not installed)"
fi
# A relative CTHAG_CACHE_DIR is taken from the current directory.
mkdir rel
(cd rel && CTHAG_CACHE_DIR=relcache "$CTHAG" -q ../tc.rs > out 2> err)
expect_eq "$?:$(cat rel/err)" "0:" "relative cache root:"
expect_eq "$(ls rel/relcache | tr '\n' ' ')" "CACHEDIR.TAG bins gc-stamp lock locks projects target " "its layout:"
expect_file_has "$CARGO_LOG" "build.build-dir=\"$TMP/rel/relcache/target\""

run_cthag +no-such-toolchain -q tc.rs
expect_status 1 "unknown toolchain:"
expect_err_has "cthag: tc.rs: build failed (cargo exited with status 1)"

finish
