#!/bin/bash
# Issue 21, problems 4-6: what reaches a build besides the script's files is part of what the
# cached path checks.  Another --registry-dir, another toolchain (RUSTUP_TOOLCHAIN, rustup's
# default, a toolchain updated in place), cargo's configuration (CARGO_PROFILE_*,
# CARGO_TARGET_<triple>_RUSTFLAGS, $CARGO_HOME/config.toml and the files it includes), a
# variable a path dependency's build script declares and the script's own build script's files:
# each one rebuilds, and running it again is cached.
. "$(dirname "$0")/lib.sh"

# expect_run LABEL CARGO_CALLS OUTPUT [+TOOLCHAIN] ARGS...
expect_run() {
    local label=$1 calls=$2 want=$3 toolchain=()
    shift 3
    case $1 in +*) toolchain=("$1"); shift ;; esac
    run_cthag "${toolchain[@]}" -q "$@"
    expect_status 0 "$label:"
    expect_out "$want" "$label:"
    expect_cargo_calls "$calls" "$label:"
}

# ---- 4. the registry ----
copy_registry reg2
publish_crate reg2 tinydep 0.1.1 'pub fn answer() -> u32 { 7 }'
write_script reg.rs <<'EOF'
//! ```cargo
//! [dependencies]
//! tinydep = "0.1"
//! ```
fn main() { println!("{}", tinydep::answer()); }
EOF
expect_run "registry 1" 1 42 --registry-dir "$REGISTRY" reg.rs
expect_run "registry 1, cached" 0 42 --registry-dir "$REGISTRY" reg.rs
expect_run "registry 2" 1 7 --registry-dir "$TMP/reg2" reg.rs
expect_run "registry 2, cached" 0 7 --registry-dir "$TMP/reg2" reg.rs
expect_run "registry 1 again: built for it again (one entry per script)" 1 42 --registry-dir "$REGISTRY" reg.rs

# ---- 6. cargo's configuration ----
write_script flags.rs <<'EOF'
fn main() {
    println!("assertions {}", cfg!(debug_assertions));
    #[cfg(t81_flag)]
    println!("flag");
}
EOF
expect_run "config: first" 1 "assertions true" flags.rs
expect_run "config: cached" 0 "assertions true" flags.rs
export CARGO_PROFILE_DEV_DEBUG_ASSERTIONS=false
expect_run "CARGO_PROFILE_DEV_DEBUG_ASSERTIONS appears" 1 "assertions false" flags.rs
expect_run "CARGO_PROFILE_DEV_DEBUG_ASSERTIONS, cached" 0 "assertions false" flags.rs
unset CARGO_PROFILE_DEV_DEBUG_ASSERTIONS
expect_run "CARGO_PROFILE_DEV_DEBUG_ASSERTIONS gone" 1 "assertions true" flags.rs
host=$(rustc -vV | sed -n 's/^host: //p')
triple_var="CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
export "$triple_var=--cfg t81_flag"
expect_run "$triple_var appears" 1 "assertions true
flag" flags.rs
expect_run "$triple_var, cached" 0 "assertions true
flag" flags.rs
unset "$triple_var"
expect_run "$triple_var gone" 1 "assertions true" flags.rs
# What builds nothing different does not rebuild: cthag's own target directory wins, the job
# count orders work, a registry token is a credential.
CARGO_TARGET_DIR=$TMP/elsewhere CARGO_BUILD_JOBS=1 CARGO_REGISTRY_TOKEN=t \
    expect_run "variables that change no build" 0 "assertions true" flags.rs
# cargo runs in "/": what is made there beside its config and toolchain files is not
# configuration (a container's /cache once made every entry stale; t67 failed beside t72 in CI).
if spare=$(mktemp -d /t81-spare.XXXXXX 2> /dev/null); then
    expect_run "a directory made in /" 0 "assertions true" flags.rs
    rmdir "$spare"
    expect_run "a directory removed from /" 0 "assertions true" flags.rs
else
    echo "SKIP t81: a directory made in / (/ is not writable here)"
fi
# $CARGO_HOME's config file: the one cargo reads when cthag starts it.
export CARGO_HOME=$TMP/cargo-home
mkdir -p "$CARGO_HOME"
expect_run "another CARGO_HOME" 1 "assertions true" flags.rs
expect_run "another CARGO_HOME, cached" 0 "assertions true" flags.rs
printf '[build]\nrustflags = ["--cfg", "t81_flag"]\n' > "$CARGO_HOME/config.toml"
expect_run "\$CARGO_HOME/config.toml appears" 1 "assertions true
flag" flags.rs
expect_run "\$CARGO_HOME/config.toml, cached" 0 "assertions true
flag" flags.rs
printf '[build]\nrustflags = []\n' > "$CARGO_HOME/config.toml"
expect_run "\$CARGO_HOME/config.toml edited" 1 "assertions true" flags.rs
# A file it includes (cargo's `include`, relative to the including file): cargo's configuration
# too, also one included in turn, and one that is optional and absent.
mkdir -p "$CARGO_HOME/more"
printf 'include = ["more/one.toml"]\n' > "$CARGO_HOME/config.toml"
printf 'include = [{ path = "two.toml", optional = true }]\n' > "$CARGO_HOME/more/one.toml"
printf '[build]\nrustflags = ["--cfg", "t81_flag"]\n' > "$CARGO_HOME/more/two.toml"
expect_run "an included config file" 1 "assertions true
flag" flags.rs
printf '[build]\nrustflags = []\n' > "$CARGO_HOME/more/two.toml"
expect_run "an included config file edited" 1 "assertions true" flags.rs
expect_run "an included config file edited, cached" 0 "assertions true" flags.rs
rm "$CARGO_HOME/more/two.toml"
expect_run "an optional included file removed" 1 "assertions true" flags.rs
printf '[build]\nrustflags = ["--cfg", "t81_flag"]\n' > "$CARGO_HOME/more/two.toml"
expect_run "an optional included file appears" 1 "assertions true
flag" flags.rs
unset CARGO_HOME

# A variable a path dependency's build script declares (cargo:rerun-if-env-changed).
mkdir -p dep/src
printf '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n' > dep/Cargo.toml
cat > dep/build.rs <<'EOF'
fn main() {
    println!("cargo:rerun-if-env-changed=T81_FLAVOUR");
    let flavour = std::env::var("T81_FLAVOUR").unwrap_or_else(|_| "plain".into());
    println!("cargo:rustc-env=FLAVOUR={flavour}");
}
EOF
printf 'pub fn flavour() -> &%sstatic str { env!("FLAVOUR") }\n' "'" > dep/src/lib.rs
write_script usedep.rs <<'EOF'
//! ```cargo
//! [dependencies]
//! dep = { path = "dep" }
//! ```
fn main() { println!("{}", dep::flavour()); }
EOF
expect_run "build script variable: first" 1 plain usedep.rs
expect_run "build script variable: cached" 0 plain usedep.rs
T81_FLAVOUR=salty expect_run "build script variable set" 1 salty usedep.rs
T81_FLAVOUR=salty expect_run "build script variable set, cached" 0 salty usedep.rs
expect_run "build script variable unset" 1 plain usedep.rs
# The variable the build script sets for rustc (FLAVOUR) is cargo's to set: the environment's
# value is no input.
FLAVOUR=other expect_run "a variable cargo sets for rustc" 0 plain usedep.rs

# The script's own build script (`package.build`): its files are inputs, as a path dependency's,
# and an edit of it is built by cargo (a build without cargo would replay the old one's output).
mkdir -p own
cat > own/build.rs <<'EOF'
fn main() { println!("cargo:rustc-env=FROM_BUILD=one"); }
EOF
write_script own/own.rs <<'EOF'
/*[toml]
[package]
build = "build.rs"
*/
fn main() { println!("{}", env!("FROM_BUILD")); }
EOF
expect_run "own build script: first" 1 one own/own.rs
sed -i 's/one/two/' own/build.rs
expect_run "own build script edited" 1 two own/own.rs
expect_run "own build script edited, cached" 0 two own/own.rs
sed -i 's/two/three/' own/build.rs
sed -i 's/fn main() {/fn main() {  /' own/own.rs
expect_run "own build script and the script edited" 1 three own/own.rs
# -v names it the script's, never by the generated package's name.
own_package=$(sed -n 's/^name = "\(own_[0-9a-f]*\)"$/\1/p' "$CTHAG_CACHE_DIR"/projects/own-*/Cargo.toml)
sed -i 's/three/four/' own/build.rs
run_cthag -v -q own/own.rs
expect_out "four" "own build script, -v:"
expect_err_has "own/own.rs: making cargo compile its build script again (its files changed)" \
    "own build script, -v:"
[ -n "$own_package" ] && expect_err_lacks "$own_package" "own build script, -v:"
reset_cargo_log

# ---- 5. the toolchain ----
# A rustup home of the test's own: the real stable toolchain, and a toolchain "other" linked to
# a directory whose rustc passes --cfg t81_other and reports another commit (so cargo, too,
# sees another compiler).
stable_rustc=$(cd / && rustup which rustc 2> /dev/null) || stable_rustc=
if [ -z "$stable_rustc" ]; then
    echo "SKIP t81: the toolchain cases need rustup"
    finish
fi
stable_dir=${stable_rustc%/bin/rustc}
stable_name=$(basename "$stable_dir")
export RUSTUP_HOME=$TMP/rustup
mkdir -p "$RUSTUP_HOME/toolchains" other/bin
printf 'version = "12"\ndefault_toolchain = "%s"\nprofile = "default"\n' "$stable_name" \
    > "$RUSTUP_HOME/settings.toml"
ln -s "$stable_dir" "$RUSTUP_HOME/toolchains/$stable_name"
ln -s "$stable_dir/lib" other/lib
# other_rustc CFG: the linked toolchain's compiler, built around the real one.
other_rustc() {
    cat > other/bin/rustc.new <<EOF
#!/bin/sh
case "\$*" in *-vV*) "$stable_dir/bin/rustc" "\$@" | sed 's/^commit-hash: /commit-hash: $1/'; exit;; esac
exec "$stable_dir/bin/rustc" --cfg $1 "\$@"
EOF
    chmod +x other/bin/rustc.new
    mv other/bin/rustc.new other/bin/rustc
}
other_rustc t81_other
printf '#!/bin/sh\nRUSTC="$(dirname "$0")/rustc" exec "%s/bin/cargo" "$@"\n' "$stable_dir" \
    > other/bin/cargo
chmod +x other/bin/cargo
rustup toolchain link other "$TMP/other" > /dev/null 2>&1 || fail "rustup toolchain link"
write_script tc.rs <<'EOF'
fn main() {
    #[cfg(t81_other)]
    println!("other");
    #[cfg(t81_updated)]
    println!("updated");
    #[cfg(not(any(t81_other, t81_updated)))]
    println!("stable");
}
EOF
expect_run "toolchain: stable" 1 stable tc.rs
expect_run "toolchain: stable, cached" 0 stable tc.rs
RUSTUP_TOOLCHAIN=other expect_run "RUSTUP_TOOLCHAIN=other" 1 other tc.rs
RUSTUP_TOOLCHAIN=other expect_run "RUSTUP_TOOLCHAIN=other, cached" 0 other tc.rs
expect_run "RUSTUP_TOOLCHAIN unset" 1 stable tc.rs
rustup default other > /dev/null 2>&1 || fail "rustup default other"
expect_run "rustup default other" 1 other tc.rs
expect_run "rustup default other, cached" 0 other tc.rs
expect_file_has "$(ls "$CTHAG_CACHE_DIR"/projects/tc-*/entry)" "rustc $RUSTUP_HOME/toolchains/other/bin/rustc"
other_rustc t81_updated
expect_run "toolchain updated in place" 1 updated tc.rs
expect_run "toolchain updated in place, cached" 0 updated tc.rs
rustup default "$stable_name" > /dev/null 2>&1 || fail "rustup default $stable_name"
expect_run "back to stable" 1 stable tc.rs
expect_run "+other (another entry)" 1 updated +other tc.rs
expect_run "+other, cached" 0 updated +other tc.rs

finish
