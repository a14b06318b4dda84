#!/bin/bash
# Builds without cargo (issue 26 items 1, 2, 6; src/direct.h): when only the script crate's own
# files changed since the entry's last cargo build, cthag runs that crate's rustc command itself;
# a new dependency-free entry takes the command of one like it.  The program is the one cargo
# builds (output, env! values, file!, panic locations) for programs, snippets, -e/-s/-l,
# dependencies, features and --release; every reason to go back to cargo makes cargo run; a
# build that needs no cargo does not wait for another script's cargo build.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# What a build of the script crate bakes in (the third line moves nothing: it is the edit).
facts='    println!("{} {} {} {:?}", env!("CARGO_PKG_NAME"), env!("CARGO_MANIFEST_DIR"), env!("CARGO_CRATE_NAME"), option_env!("CARGO_BIN_NAME"));
    println!("{} {} {} {}", env!("CARGO_PKG_VERSION"), env!("CARGO_MANIFEST_PATH"), file!(), line!());
    let edit = 0;
    println!("{} {} {}", module_path!(), cfg!(debug_assertions), edit);
    if std::env::args().nth(1).as_deref() == Some("panic") { panic!("on purpose") }'

# The panic's location (not the thread's id).
panic_line() { grep 'panicked at' "$TMP/err" | sed 's/ ([0-9]*)//'; }

# same_as_cargo LABEL SCRIPT [OPTIONS...]: an edit is built by rustc alone; then -f, by cargo;
# both programs print the same and panic at the same place.
same_as_cargo() {
    local label=$1 script=$2 direct direct_panic
    shift 2
    sed -i "s/let edit = [0-9]*;/let edit = $RANDOM;/" "$script"
    reset_cargo_log
    run_cthag -v -q "$@" "$script"
    expect_status 0 "$label, rustc alone:"
    expect_err_has "building with rustc directly" "$label:"
    expect_cargo_calls 0 "$label, rustc alone:"
    direct=$(out)
    run_cthag -q "$@" "$script" -- panic
    direct_panic=$(panic_line)
    run_cthag -q -f "$@" "$script"
    expect_status 0 "$label, cargo:"
    expect_cargo_calls 1 "$label, -f:"
    expect_out "$direct" "$label, the same program:"
    run_cthag -q "$@" "$script" -- panic
    expect_status 101 "$label, panics:"
    expect_eq "$(panic_line)" "$direct_panic" "$label, the same panic location:"
    [ -n "$direct_panic" ] && pass || fail "$label: no panic location"
}

mkdir -p src
printf 'pub fn name() -> &%sstatic str { "helper" }\n' "'" > src/helper.rs
{ printf 'mod helper;\nfn main() {\n'; echo "$facts"; printf '    println!("{}", helper::name());\n}\n'; } > src/prog.rs
run_cthag -q src/prog.rs
expect_status 0 "program:"
expect_cargo_calls 1 "the first build is cargo's:"
same_as_cargo "a program compiled in place" src/prog.rs

{ printf 'let x = 1;\n'; echo "$facts"; printf 'x + 1\n'; } > snippet.rs
run_cthag -q snippet.rs
same_as_cargo "a snippet (a copy)" snippet.rs

{ printf '/*[toml]\n[package]\nversion = "2.3.4"\n[features]\nloud = []\n*/\nfn main() {\n'; echo "$facts"
  printf '    println!("{}", if cfg!(feature = "loud") { "LOUD" } else { "quiet" });\n}\n'; } > feat.rs
run_cthag -q --features loud feat.rs
expect_out_has() { case "$(out)" in *"$1"*) pass ;; *) fail "$2 stdout lacks [$1]" ;; esac; }
expect_out_has "LOUD" "features:"
same_as_cargo "features" feat.rs --features loud
run_cthag -q --release src/prog.rs
same_as_cargo "--release" src/prog.rs --release

{ printf 'fn main() {\n'; echo "$facts"; printf '    println!("{}", tinydep::answer());\n}\n'; } > deps.rs
run_cthag -q "${R[@]}" deps.rs
expect_out_has "42" "dependencies:"
same_as_cargo "a script with dependencies" deps.rs "${R[@]}"

# Under `make -jN` (a Makefile target running scripts) MAKEFLAGS names a jobserver whose descriptors
# this process does not have: cargo hides it from rustc behind its own CARGO_MAKEFLAGS, and so does
# a build without cargo (rustc would warn "failed to connect to jobserver" on every edit).
sed -i "s/let edit = [0-9]*;/let edit = $RANDOM;/" src/prog.rs
reset_cargo_log
MAKEFLAGS=" -j2 --jobserver-auth=7,8" MFLAGS="-j2" run_cthag -v src/prog.rs
expect_status 0 "under make's jobserver:"
expect_err_has "building with rustc directly" "under make's jobserver:"
expect_err_lacks "jobserver" "under make's jobserver:"

# -e, -s, -l: new entries, from the command of the first of their kind.
run_cthag -q -e '1 + 1'
reset_cargo_log
run_cthag -v -q -e 'format!("{} {} {}", env!("CARGO_PKG_NAME"), file!(), line!())'
expect_err_has "building with rustc directly (the rustc command of a dependency-free script like it"
expect_cargo_calls 0 "-e:"
direct=$(out)
case "$direct" in "\"expr_"*" expr.rs 1\"") pass ;; *) fail "-e: $direct" ;; esac
run_cthag -q -f -e 'format!("{} {} {}", env!("CARGO_PKG_NAME"), file!(), line!())'
expect_cargo_calls 1 "-e, -f:"
expect_out "$direct" "-e, the same program:"
printf 'let v = [1, 2, 3];\nv.iter().sum::<i32>()\n' > sum.txt
STDIN=sum.txt run_cthag -v -q -s
expect_out "6" "-s:"
expect_err_has "building with rustc directly"
seq 3 > three.txt
STDIN=three.txt run_cthag -q -l 'line.len()'
STDIN=three.txt run_cthag -v -q -B 'let mut n = 0;' -l 'n += 1;' -E 'n * 10'
expect_out "30" "-l:"
expect_err_has "building with rustc directly"
expect_cargo_calls 0 "-s, -l: no cargo at all (the command of an -e):"

# Diagnostics come in the script's terms, as cargo's would.
printf 'fn main() {\n    let x: u8 = "no";\n}\n' > types.rs
run_cthag -q types.rs
expect_status 1 "a type error:"
expect_err_has "error[E0308]: mismatched types"
expect_err_has " --> types.rs:2:17"
expect_err_has "cthag: types.rs: build failed (rustc exited with status 1)"
expect_cargo_calls 0 "a type error, rustc alone:"

# ---- every reason to go back to cargo: change it, see cargo run ----
more="more than the script crate's own files changed since its last build"
printf 'fn main() {\n    let edit = 0;\n    println!("base {edit}");\n}\n' > base.rs
run_cthag -q base.rs
reset_cargo_log
# back_to_cargo LABEL WHY [ENV=VALUE...] -- [OPTIONS...]: after an edit, cargo builds.
back_to_cargo() {
    local label=$1 why=$2 envs=()
    shift 2
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    sed -i "s/let edit = [0-9]*;/let edit = $RANDOM;/" base.rs
    reset_cargo_log
    status=$( { env "${envs[@]}" "$CTHAG" -v -q "$@" base.rs > "$TMP/out" 2> "$TMP/err" < /dev/null
                echo $?; } 2>/dev/null)
    expect_status 0 "$label:"
    expect_err_has "$why" "$label:"
    expect_cargo_calls 1 "$label:"
    expect_err_lacks "building with rustc directly" "$label:"
}
direct_again() {
    sed -i "s/let edit = [0-9]*;/let edit = $RANDOM;/" base.rs
    run_cthag -v -q "$@" base.rs
    expect_err_has "building with rustc directly" "${LABEL:-} then rustc alone again:"
    expect_cargo_calls 0 "${LABEL:-} then rustc alone again:"
}
direct_again
back_to_cargo "-f" "building $CTHAG_CACHE_DIR/projects/base-" -- -f
back_to_cargo "--update" "building $CTHAG_CACHE_DIR/projects/base-" -- --update
back_to_cargo "RUSTFLAGS" "$more" RUSTFLAGS="--cfg x" --
RUSTFLAGS="--cfg x" LABEL=RUSTFLAGS direct_again
back_to_cargo "RUSTFLAGS back" "$more" --
back_to_cargo "a CARGO_ variable" "$more" \
    CARGO_PROFILE_DEV_OPT_LEVEL=1 --
toolchain=$(rustup show active-toolchain 2> /dev/null | cut -d' ' -f1)
if [ -n "$toolchain" ]; then
    back_to_cargo "a RUSTUP_ variable" "$more" \
        RUSTUP_TOOLCHAIN="$toolchain" --
else
    echo "SKIP t67: RUSTUP_TOOLCHAIN (no rustup)"
fi
mkdir -p "$TMP/cargo-home"
printf '[build]\nincremental = false\n' > "$TMP/cargo-home/config.toml"
back_to_cargo "cargo's config file" "$more" \
    CARGO_HOME="$TMP/cargo-home" --
printf '#!/bin/sh\nexec "%s" "$@"\n' "$CARGO" > "$TMP/bin/other-cargo"
chmod +x "$TMP/bin/other-cargo"
back_to_cargo "another cargo" "$more" \
    CARGO="$TMP/bin/other-cargo" --
# The manifest: an embedded one now.
sed -i '1i /*[toml]\n[profile.dev]\ndebug-assertions = true\n*/' base.rs
back_to_cargo "the manifest" "$more" --
sed -i '1,4d' base.rs
back_to_cargo "the manifest back" "$more" --
# The compiler: a wrapper script given as RUSTC, changed after the build.
printf '#!/bin/sh\nexec rustc "$@"\n' > "$TMP/bin/my-rustc"
chmod +x "$TMP/bin/my-rustc"
back_to_cargo "RUSTC" "$more" RUSTC="$TMP/bin/my-rustc" --
printf '#!/bin/sh\n# changed\nexec rustc "$@"\n' > "$TMP/bin/my-rustc"
back_to_cargo "the compiler changed" "$more" \
    RUSTC="$TMP/bin/my-rustc" --
back_to_cargo "RUSTC gone" "$more" --
# No record of the entry's inputs (its command kept): cargo, which records them.
rm "$CTHAG_CACHE_DIR"/projects/base-*/entry
back_to_cargo "no record" "no rustc command for this configuration yet" --
direct_again

# A library of the command changed (rebuilt, touched): cargo.
sed -i 's/let edit = [0-9]*;/let edit = 1;/' deps.rs
run_cthag -q "${R[@]}" deps.rs
rlib=$(ls "$CTHAG_CACHE_DIR"/target/debug/deps/libtinydep-*.rlib)
touch "$rlib"
sed -i 's/let edit = [0-9]*;/let edit = 2;/' deps.rs
reset_cargo_log
run_cthag -v -q "${R[@]}" deps.rs
expect_err_has "$rlib changed since the build it was compiled for; building with cargo"
expect_cargo_calls 1 "a library changed:"
# The lock changed: cargo.
echo "# a comment" >> "$(ls "$CTHAG_CACHE_DIR"/projects/deps-*/Cargo.lock)"
sed -i 's/let edit = [0-9]*;/let edit = 3;/' deps.rs
run_cthag -v -q "${R[@]}" deps.rs
expect_err_has "$more"
expect_cargo_calls 1 "the lock changed:"
# Another registry: cargo.
copy_registry "$TMP/registry2"
sed -i 's/let edit = [0-9]*;/let edit = 4;/' deps.rs
run_cthag -v -q --registry-dir "$TMP/registry2" deps.rs
expect_err_has "$more"
expect_cargo_calls 1 "another registry:"

# A path dependency's file changed: cargo, which compiles it (with the script's edit alike).
mkdir -p pathdep/src
printf '[package]\nname = "pathdep"\nversion = "0.1.0"\nedition = "2021"\n' > pathdep/Cargo.toml
printf 'pub fn word() -> &%sstatic str { "one" }\n' "'" > pathdep/src/lib.rs
printf '/*[toml]\n[dependencies]\npathdep = { path = "pathdep" }\n*/\nfn main() {\n    let edit = 0;\n    println!("{} {edit}", pathdep::word());\n}\n' > usepath.rs
run_cthag -q usepath.rs
expect_out "one 0"
sed -i 's/let edit = [0-9]*;/let edit = 1;/' usepath.rs
reset_cargo_log
run_cthag -v -q usepath.rs
expect_out "one 1"
expect_err_has "building with rustc directly"
expect_cargo_calls 0 "only the script changed:"
printf 'pub fn word() -> &%sstatic str { "two" }\n' "'" > pathdep/src/lib.rs
sed -i 's/let edit = [0-9]*;/let edit = 2;/' usepath.rs
run_cthag -v -q usepath.rs
expect_out "two 2"
expect_err_has "$more"
expect_cargo_calls 1 "a path dependency changed:"

# A library that changes while rustc runs (another cargo rebuilding it): cargo, again.
printf '#!/bin/sh\n[ -e "%s/touch-now" ] && touch %s\nexec "$@"\n' "$TMP" "$rlib" > "$TMP/bin/toucher"
chmod +x "$TMP/bin/toucher"
RUSTC_WRAPPER="$TMP/bin/toucher" run_cthag -q "${R[@]}" deps.rs
: > "$TMP/touch-now"
sed -i 's/let edit = [0-9]*;/let edit = 5;/' deps.rs
reset_cargo_log
RUSTC_WRAPPER="$TMP/bin/toucher" run_cthag -v -q "${R[@]}" deps.rs
expect_status 0 "a library changed during the build:"
expect_err_has "a library changed during rustc's build; building with cargo"
expect_cargo_calls 1 "a library changed during the build:"
rm "$TMP/touch-now"

# A template whose entry is gone (--gc, --clean bins): cargo, which leaves a new template.
printf 'fn main() { println!("gone"); }\n' > gone1.rs
run_cthag -q -f gone1.rs # by cargo: the template of its shape is its command now
templates=$(ls "$CTHAG_CACHE_DIR/projects/.templates" | wc -l)
rm -rf "$(ls -d "$CTHAG_CACHE_DIR"/projects/gone1-*)"
printf 'fn main() { println!("gone too"); }\n' > gone2.rs
reset_cargo_log
run_cthag -v -q gone2.rs
expect_out "gone too"
expect_err_has "no rustc command for this configuration yet"
expect_cargo_calls 1 "the template's entry gone:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects/.templates" | wc -l)" "$templates" "one template of the shape:"
printf 'fn main() { println!("gone three"); }\n' > gone3.rs
run_cthag -v -q gone3.rs
expect_err_has "building with rustc directly (the rustc command of a dependency-free script like it"
expect_cargo_calls 0 "the new template:"

# A new script of another shape (its own manifest): no template, cargo.
printf '/*[toml]\n[profile.dev]\nopt-level = 1\n*/\nfn main() { println!("shaped"); }\n' > shaped.rs
run_cthag -v -q shaped.rs
expect_err_has "no rustc command for this configuration yet"
expect_cargo_calls 1 "a new shape:"

# ---- no waiting for another script's build (item 2) ----
# gated.rs's build holds cargo's lock until the test opens the gate (its path dependency's build
# script waits for it); meanwhile a new hello world builds and runs, with rustc alone.
mkdir -p gate/src
printf '[package]\nname = "gate"\nversion = "0.1.0"\nedition = "2021"\n' > gate/Cargo.toml
printf 'pub fn open() -> bool { true }\n' > gate/src/lib.rs
cat > gate/build.rs <<EOF_RS
fn main() {
    std::fs::write("$TMP/gate.started", "").unwrap();
    for _ in 0..3000 {
        if std::path::Path::new("$TMP/gate.go").exists() { return; }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
EOF_RS
printf '/*[toml]\n[dependencies]\ngate = { path = "gate" }\n*/\nfn main() { println!("{}", gate::open()); }\n' > gated.rs
"$CTHAG" -q gated.rs > "$TMP/gated.out" 2>&1 &
gated=$!
wait_until "the gated build to hold cargo's lock" test -e "$TMP/gate.started"
printf 'fn main() { println!("not waiting"); }\n' > beside.rs
reset_cargo_log
run_cthag -q beside.rs
expect_status 0 "beside a build:"
expect_out "not waiting"
expect_cargo_calls 0 "beside a build:"
[ -e "$TMP/gate.go" ] && fail "the gate was open" || pass
kill -0 "$gated" 2> /dev/null && pass || fail "the gated build ended before the hello world"
: > "$TMP/gate.go"
wait "$gated"
expect_eq "$?:$(cat "$TMP/gated.out")" "0:true" "the gated build:"

finish
