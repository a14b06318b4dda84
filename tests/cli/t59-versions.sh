#!/bin/bash
# Versions the user can trust (issue 22), against a copy of the suite's registry:
# 1. an inferred crate gets its newest release's range, not an older major another script
#    compiled (twomajor 2 for new code after a script declared twomajor = "1");
# 2. reusing what other scripts compiled never contradicts a requirement in the graph
#    (pinned-user needs width =0.2.0, another script compiled width 0.2.3);
# 3. versions no longer usable (yanked: gone from the registry; republished with another
#    checksum) are not reused, and a lock of the script's own that cargo refuses is dropped
#    once, saying so.
. "$(dirname "$0")/lib.sh"
REG="$TMP/registry-copy"
copy_registry "$REG"
R=(--registry-dir "$REG")
# compiled: the dependency crates cargo compiled in the last run (the scripts' own aside).
compiled() { grep -E '^ *Compiling ' "$TMP/err" | grep -v -E 'Compiling [A-Za-z0-9_-]+ v0\.1\.0 \([^/)]+\.rs\)$' | sed 's/^ *Compiling //' | sort | tr '\n' ' '; }
manifest_deps() { sed -n '/^\[dependencies\]/,/^$/p' "$CTHAG_CACHE_DIR"/projects/"$1"-*/Cargo.toml | sed '/^$/d'; }

# ---- 1. the newest major for new code ----
write_script old.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! twomajor = "1"
//! ```
fn main() { println!("old uses {} {}", twomajor::v(), twomajor::old_api()); }
EOF_RS
run_cthag "${R[@]}" old.rs
expect_out "old uses 1.0.0 1" "a script declaring twomajor 1:"
write_script new.rs <<'EOF_RS'
fn main() { println!("new uses {} {}", twomajor::v(), twomajor::new_api()); }
EOF_RS
run_cthag "${R[@]}" new.rs
expect_status 0 "new code inferring twomajor:"
expect_out "new uses 2.0.0 2" "new code gets the newest major, not the compiled 1.0.0:"
expect_eq "$(manifest_deps new)" '[dependencies]
twomajor = "2"' "the newest release's range:"
expect_err_has "cthag: new.rs:1: crate twomajor 2 (inferred from twomajor::v)"
expect_eq "$(compiled)" "twomajor v2.0.0 " "new.rs compiles twomajor 2:"
run_cthag -q --print-toml "${R[@]}" new.rs
expect_out '/*[toml]
[dependencies]
twomajor = "=2.0.0"
*/' "--print-toml pins what was used:"

# The range is kept: a new major published later does not change the script's build (no
# rebuild, no look-up); --update asks again.
publish_crate "$REG" twomajor 3.0.0 'pub fn v() -> &'"'"'static str { "3.0.0" }
pub fn new_api() -> u32 { 3 }'
touch new.rs
reset_cargo_log
run_cthag "${R[@]}" new.rs
expect_out "new uses 2.0.0 2" "a touched script keeps its build:"
expect_err "" "nothing said on a run that builds nothing:"
expect_cargo_calls 0 "a touched script, unchanged:"
printf '// edited\n' >> new.rs
run_cthag "${R[@]}" new.rs
expect_out "new uses 2.0.0 2" "an edited script keeps its inferred range:"
expect_err_has "cthag: new.rs:1: crate twomajor 2 (inferred from twomajor::v)"
run_cthag "${R[@]}" -f --update new.rs
expect_out "new uses 3.0.0 3" "--update takes the newest major:"
expect_err_has "cthag: new.rs:1: crate twomajor 3 (inferred from twomajor::v)"

# ---- 2. reuse never against an exact requirement ----
write_script w.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! width = "0.2"
//! ```
fn main() { println!("w uses width {}", width::v()); }
EOF_RS
run_cthag "${R[@]}" w.rs
expect_out "w uses width 0.2.3" "a script compiling width 0.2.3:"
write_script p.rs <<'EOF_RS'
fn main() { println!("{}", pinned_user::v()); }
EOF_RS
run_cthag "${R[@]}" p.rs
expect_status 0 "pinned-user (width =0.2.0) after width 0.2.3 was compiled:"
expect_out "pinned-user with width 0.2.0"
expect_eq "$(compiled)" "pinned-user v0.29.0 width v0.2.0 " "p.rs compiles width 0.2.0:"
# The same script again, as another entry: everything it needs is compiled.
cp p.rs p2.rs
run_cthag "${R[@]}" p2.rs
expect_out "pinned-user with width 0.2.0" "an identical script:"
expect_eq "$(compiled)" "" "the identical script compiles no dependency:"
# Declaring both: width is unified at 0.2.0, the compiled 0.2.3 is not forced on it.
write_script both.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! width = "0.2"
//! pinned-user = "0.29"
//! ```
fn main() { println!("{} / {}", width::v(), pinned_user::v()); }
EOF_RS
run_cthag "${R[@]}" both.rs
expect_status 0 "width 0.2 and pinned-user together:"
expect_out "0.2.0 / pinned-user with width 0.2.0"
expect_eq "$(compiled)" "" "both.rs compiles no dependency:"

# ---- 3. versions no longer usable ----
release() { publish_crate "$REG" evolving "$1" "pub fn version() -> &'static str { \"$1\" }"; }
release 1.0.0
write_script y1.rs <<'EOF_RS'
fn main() { println!("y1 uses {}", evolving::version()); }
EOF_RS
run_cthag "${R[@]}" y1.rs
expect_out "y1 uses 1.0.0"
release 1.0.1
bash "$TESTS_DIR/make-registry.sh" --yank "$REG" evolving 1.0.0
sed 's/y1/y2/' y1.rs > y2.rs
run_cthag "${R[@]}" y2.rs
expect_status 0 "a new script after 1.0.0 was yanked:"
expect_out "y2 uses 1.0.1" "the yanked release is not reused:"
expect_err_lacks "refused" "y2 needs no second try:"
# y1's own lock names the yanked release: cargo refuses it, the build goes on without it.
reset_cargo_log
run_cthag "${R[@]}" -f y1.rs
expect_status 0 "y1 rebuilt after its version was yanked:"
expect_out "y1 uses 1.0.1"
expect_err_has "cthag: y1.rs: cargo refused the versions this script locked before; building with those cargo chooses now"
expect_eq "$(grep -c ' build ' "$CARGO_LOG")" 2 "one more try:"
reset_cargo_log

# Republished: 1.0.1 changes its contents and checksum.
bash "$TESTS_DIR/make-registry.sh" --republish "$REG" evolving 1.0.1 \
    'pub fn version() -> &'"'"'static str { "1.0.1 again" }'
sed 's/y1/y3/' y1.rs > y3.rs
run_cthag "${R[@]}" y3.rs
expect_status 0 "a new script after 1.0.1 was republished:"
# (Its output is the compiled 1.0.1's: cargo takes a release as immutable and keeps the copy
# it compiled.  What matters here is that the checksum is the registry's, which cargo checks.)
expect_out "y3 uses 1.0.1" "the republished release, not the checksum other scripts locked:"
expect_file_has "$(ls -d "$CTHAG_CACHE_DIR"/projects/y3-*)/Cargo.lock" \
    "$(sed 's/.*"package":"\([0-9a-f]*\)".*/\1/' "$REG/evolving-1.0.1/.cargo-checksum.json")" \
    "the registry's new checksum:"
expect_err_lacks "refused" "y3 needs no second try:"
run_cthag "${R[@]}" -f y2.rs
expect_status 0 "y2 rebuilt after its version was republished:"
expect_out "y2 uses 1.0.1"
expect_err_has "cthag: y2.rs: cargo refused the versions this script locked before"

# An exact requirement of the script's own wins over what others compiled.
write_script exact.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! width = "=0.2.3"
//! ```
fn main() { println!("exact uses width {}", width::v()); }
EOF_RS
run_cthag "${R[@]}" exact.rs
expect_status 0 "width =0.2.3 after 0.2.0 was compiled:"
expect_out "exact uses width 0.2.3"
finish
