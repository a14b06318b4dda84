#!/bin/bash
# Small executables (issue 26 item 3): a cached executable links the toolchain's libstd
# dynamically (an rpath to it), so a hello world is tens of KB instead of 4 MB; its backtraces
# still name the script's lines; a libstd that has gone away means a rebuild, never a failure;
# -x installs a static executable; LTO and panic=abort (which rule dynamic std out) still build.
. "$(dirname "$0")/lib.sh"

needs_libstd() { readelf -d "$1" 2> /dev/null | grep -q 'NEEDED.*\[libstd-'; }

write_script hello.rs <<'EOF_RS'
fn check(n: usize) -> usize {
    if n > 2 {
        panic!("too many arguments: {n}");
    }
    n
}

fn main() {
    println!("hello {}", check(std::env::args().count()));
}
EOF_RS
run_cthag -q hello.rs
expect_status 0
expect_out "hello 1"
bin=$(ls "$CTHAG_CACHE_DIR"/bins/hello-*)
size=$(stat -c %s "$bin")
expect_eq "$([ "$size" -lt 200000 ] && echo small)" small "a hello world of $size bytes:"
needs_libstd "$bin" && pass || fail "the executable does not load libstd"
libstd=$(grep -o '/[^ ]*/libstd-[0-9a-f]*\.so$' "$CTHAG_CACHE_DIR"/projects/hello-*/entry)
[ -f "$libstd" ] && pass || fail "the record does not name the toolchain's libstd: [$libstd]"
# Run outside cthag (no LD_LIBRARY_PATH from anyone): the rpath finds libstd.
env -u LD_LIBRARY_PATH "$bin" > "$TMP/out" 2> "$TMP/err"
expect_out "hello 1" "run directly:"

# Backtraces and panics name the script's file and lines.
RUST_BACKTRACE=1 run_cthag -q hello.rs -- a b
expect_status 101
expect_err_has "panicked at $TMP/hello.rs:3:9:"
expect_err_has "at ./hello.rs:3:9"
expect_err_has "at ./hello.rs:9:26"

# -x: a static executable, which outlives the toolchain.
export CARGO_HOME="$TMP/cargo-home"
run_cthag -q -x hello.rs
expect_status 0
needs_libstd "$CARGO_HOME/bin/hello" && fail "-x installed a dynamically linked executable" || pass
env -u LD_LIBRARY_PATH "$CARGO_HOME/bin/hello" > "$TMP/out"
expect_out "hello 1" "-x's executable:"
unset CARGO_HOME

# cthag's RUSTC_WRAPPER calls the one cargo would have used: here from cargo's config file.
mkdir -p "$TMP/cargo-home"
printf '#!/bin/sh\necho "$*" >> "%s/wrapped.log"\nexec "$@"\n' "$TMP" > "$TMP/logwrap"
chmod +x "$TMP/logwrap"
printf '[build]\nrustc-wrapper = "%s/logwrap"\n' "$TMP" > "$TMP/cargo-home/config.toml"
write_script wrapped.rs <<'EOF_RS'
fn main() { println!("wrapped {}", tinydep::answer()); }
EOF_RS
CARGO_HOME="$TMP/cargo-home" run_cthag -q --registry-dir "$REGISTRY" wrapped.rs
expect_status 0 "the config file's wrapper:"
expect_out "wrapped 42"
expect_eq "$(grep -c -- '--crate-name tinydep' "$TMP/wrapped.log")" 1 "the dependency went through it:"
expect_eq "$(grep -c -- '--crate-name wrapped' "$TMP/wrapped.log")" 1 "the script went through it:"

# What rules dynamic std out still builds, statically.
write_script lto.rs <<'EOF_RS'
/*[toml]
[profile.dev]
lto = true
*/
fn main() { println!("lto"); }
EOF_RS
run_cthag -q lto.rs
expect_status 0 "lto:"
expect_out "lto"
needs_libstd "$(ls "$CTHAG_CACHE_DIR"/bins/lto-*)" && fail "LTO with dynamic std" || pass
write_script abort.rs <<'EOF_RS'
/*[toml]
[profile.dev]
panic = "abort"
*/
fn main() { println!("abort"); }
EOF_RS
run_cthag -q abort.rs
expect_status 0 "panic = abort:"
expect_out "abort"

# A toolchain whose libstd goes away (rustup update, toolchain removed): the next run rebuilds.
# The toolchain's standard library is a sysroot made of symbolic links to the real one (given
# to rustc by RUSTFLAGS), except the directory holding libstd, from which the test removes it.
sysroot=$(rustc --print sysroot 2> /dev/null)
host=$(rustc -vV 2> /dev/null | sed -n 's/^host: //p')
if [ -n "$host" ] && [ -d "$sysroot/lib/rustlib/$host/lib" ]; then
    fake="$TMP/sysroot"
    mkdir -p "$fake/lib/rustlib/$host/lib"
    for f in "$sysroot"/lib/*; do [ "$(basename "$f")" = rustlib ] || ln -s "$f" "$fake/lib/"; done
    for f in "$sysroot"/lib/rustlib/*; do
        [ "$(basename "$f")" = "$host" ] || ln -s "$f" "$fake/lib/rustlib/"
    done
    for f in "$sysroot/lib/rustlib/$host"/*; do
        [ "$(basename "$f")" = lib ] || ln -s "$f" "$fake/lib/rustlib/$host/"
    done
    for f in "$sysroot/lib/rustlib/$host/lib"/*; do ln -s "$f" "$fake/lib/rustlib/$host/lib/"; done
    export RUSTFLAGS="--sysroot=$fake"
    write_script gone.rs <<'EOF_RS'
fn main() { println!("still here"); }
EOF_RS
    run_cthag -q gone.rs
    expect_status 0 "the sysroot of links:"
    expect_out "still here"
    needs_libstd "$(ls "$CTHAG_CACHE_DIR"/bins/gone-*)" && pass || fail "no dynamic libstd"
    expect_file_has "$(ls "$CTHAG_CACHE_DIR"/projects/gone-*/entry)" "$fake/lib/rustlib/$host/lib/libstd-"
    rm "$fake/lib/rustlib/$host/lib"/libstd-*.so
    reset_cargo_log
    run_cthag -v gone.rs
    expect_status 0 "libstd gone: rebuilt, not failed:"
    expect_out "still here"
    expect_err_has "$fake/lib/rustlib/$host/lib/libstd-"
    expect_cargo_calls 1 "libstd gone:"
    needs_libstd "$(ls "$CTHAG_CACHE_DIR"/bins/gone-*)" && fail "still linked to the missing libstd" \
        || pass
    unset RUSTFLAGS
else
    echo "SKIP t66: no toolchain sysroot found for the missing-libstd case"
fi

finish
