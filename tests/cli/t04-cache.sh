#!/bin/bash
# The executable cache: cached runs never start cargo; touch or an identical rewrite does not
# rebuild; any byte change does; same file names in two directories never collide; -f, -g, -b,
# --release and --clean.
. "$(dirname "$0")/lib.sh"

write_script a/hello.rs <<'EOF_RS'
fn main() { println!("hello from a"); }
EOF_RS
write_script b/hello.rs <<'EOF_RS'
fn main() { println!("hello from b"); }
EOF_RS

run_cthag -q a/hello.rs
expect_out "hello from a"
expect_cargo_calls 1 "first run builds:"
run_cthag a/hello.rs
expect_out "hello from a"
expect_err "" "cached run is silent:"
expect_cargo_calls 0 "cached run:"

# Same file name elsewhere: its own entry, executable and package (built by rustc alone, with
# the command cargo ran for a/hello.rs: src/direct.h).
run_cthag -q b/hello.rs
expect_out "hello from b"
expect_cargo_calls 0 "a second dependency-free script:"
run_cthag a/hello.rs
expect_out "hello from a" "a/hello.rs after b/hello.rs:"
expect_eq "$(bins_count)" 2 "two executables:"
expect_cargo_calls 0

# A symlink to the script is the same script (canonical path).
ln -s a/hello.rs link.rs
run_cthag link.rs
expect_out "hello from a"
expect_cargo_calls 0 "run through a symlink:"

# touch: stat data change, content does not: no cargo.  (The sleep lets the clock tick, so that
# the touch gives a new mtime: not a wait for another process.)
sleep 0.01; touch a/hello.rs
run_cthag -v a/hello.rs
expect_out "hello from a"
expect_err_has "content unchanged"
expect_cargo_calls 0 "after touch:"
run_cthag -v a/hello.rs
expect_err_has "fresh" "stat data refreshed after touch:"
expect_cargo_calls 0

# Rewriting identical bytes (an editor's save): no cargo either.
cp a/hello.rs tmp.rs && rm a/hello.rs && cp tmp.rs a/hello.rs
run_cthag a/hello.rs
expect_out "hello from a"
expect_cargo_calls 0 "identical rewrite:"

# Any byte change rebuilds; reverting goes back to building (same entry, new key).  Only the
# script's own file changed: rustc rebuilds it without cargo.
printf 'fn main() { println!("hello from A"); }\n' > a/hello.rs
run_cthag -q a/hello.rs
expect_out "hello from A"
expect_cargo_calls 0 "after an edit:"
printf 'fn main() { println!("hello from a"); }\n' > a/hello.rs
run_cthag -q a/hello.rs
expect_out "hello from a"
expect_cargo_calls 0 "after reverting:"

# -f rebuilds even when fresh.
run_cthag -q -f a/hello.rs
expect_out "hello from a"
expect_cargo_calls 1 "-f:"

# -g generates and prints the project without building; -b builds without running.
write_script gen.rs <<'EOF_RS'
println!("generated")
EOF_RS
run_cthag -g gen.rs
expect_status 0
project=$(out)
expect_eq "$(ls "$project" | sort | tr '\n' ' ')" "Cargo.toml gen.rs " "-g project:"
expect_cargo_calls 0 "-g:"
run_cthag -q -b gen.rs
expect_status 0
expect_out "" "-b does not run:"
expect_cargo_calls 1 "-b:"
run_cthag gen.rs
expect_out "generated"
expect_cargo_calls 0 "run after -b:"

# --release is a separate entry with its own executable.
run_cthag -q --release a/hello.rs
expect_out "hello from a"
expect_cargo_calls 1 "--release:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/target")" "$(printf 'debug\nrelease')" "target profiles:"
run_cthag --release a/hello.rs
expect_cargo_calls 0 "cached --release:"

# The executable in bins/ is the target's file (hard link), not a second copy: --release's,
# built by cargo, is also rustc's output in the shared target's deps/ (cargo's copy in the
# entry's artifact directory is dropped once installed); an executable built by rustc alone is
# in bins/ only (cargo's outdated copy of it is removed).
release=$(basename "$(dirname "$(grep -l '^opts .*profile=release' "$CTHAG_CACHE_DIR"/projects/hello-*/entry)")")
expect_eq "$(stat -c %h "$CTHAG_CACHE_DIR/bins/$release")" 2 "bins/ executable is hard-linked:"
orphans=$(find "$CTHAG_CACHE_DIR/target" -type f -perm -u+x -name 'hello-*' | while read -r f; do
    for bin in "$CTHAG_CACHE_DIR"/bins/hello-*; do [ "$f" -ef "$bin" ] && continue 2; done
    echo "$f"
done)
expect_eq "$orphans" "" "no second copy of an executable in the target:"

# --clean bins: executables go (bins/ itself stays), the target stays; the next run builds it
# again, with rustc alone.  (Executables built by rustc alone have no link in the target.)
run_cthag --clean bins
expect_status 0
case "$(out)" in
    "cthag: cleaned bins in $CTHAG_CACHE_DIR: 4 files, "*" freed ("*" "[KM]"iB more is still linked from elsewhere)") pass ;;
    *) fail "--clean bins report: $(out)" ;;
esac
expect_eq "$(bins_count)" 0
run_cthag -q a/hello.rs
expect_out "hello from a"
expect_cargo_calls 0 "after --clean bins:"
expect_err "" "nothing shown after --clean bins:"

# --clean target: the shared target goes; cached executables still run without cargo.
run_cthag --clean target
expect_status 0
case "$(out)" in "cthag: cleaned target in $CTHAG_CACHE_DIR: "*" files, "*" "[KM]"iB freed"*) pass ;;
    *) fail "--clean target report: $(out)" ;; esac
expect_eq "$(ls "$CTHAG_CACHE_DIR")" "$(printf 'CACHEDIR.TAG\nbins\ngc-stamp\nlock\nlocks\nprojects')"
run_cthag a/hello.rs
expect_out "hello from a"
expect_cargo_calls 0 "cached run after --clean target:"

# --clean (all): everything but the root, its tag (it stays cthag's) and its lock file.
run_cthag --clean
expect_status 0
case "$(out)" in "cthag: cleaned all in $CTHAG_CACHE_DIR: "*" freed") pass ;;
    *) fail "--clean report: $(out)" ;; esac
expect_eq "$(ls "$CTHAG_CACHE_DIR" | tr '\n' ' ')" "CACHEDIR.TAG lock "
run_cthag -q a/hello.rs
expect_out "hello from a"
expect_cargo_calls 1 "after --clean all:"

# Bad --clean parts.
run_cthag --clean bogus
expect_status 2
expect_err "cthag: --clean: unknown part \`bogus\` (expected bins, target or all) (see cthag --help)"

finish
