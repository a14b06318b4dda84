#!/bin/bash
# --print-toml: after the build, a ready-to-paste block pinning the inferred crates at the
# versions cargo locked (with their features, under the registry's real names), the script's
# own manifest kept; pasted into the script it builds the same program with -i none.
# --print-toml=frontmatter prints --- frontmatter instead.  (cthag's -M/--toml keeps its meaning.)
. "$(dirname "$0")/lib.sh"
REG="$TMP/pinreg"
cp -r "$REGISTRY" "$REG"
publish() { bash "$TESTS_DIR/make-registry.sh" --publish "$REG" "$@"; }
publish tinydep 0.1.1 'pub fn answer() -> u32 { 43 }'
R=(--registry-dir "$REG")
mkdir -p "$XDG_CONFIG_HOME/cthag"
printf '[infer.features]\nfeatured = ["loud"]\n' > "$XDG_CONFIG_HOME/cthag/config.toml"

# locked PROJECT_DIR: the lock's packages other than the script's own, "name version" each.
locked() {
    awk '/^\[\[package\]\]/{p=1} p && /^name = /{n=$3} p && /^version = /{print n, $3}' \
        "$1/Cargo.lock" | grep -v '_[0-9a-f]\{16\}"' | sort
}

write_script app.rs <<'EOF'
/*[toml]
[dependencies]
otherdep = "0.2"
*/
use foo_bar::id;
fn main() {
    println!("{} {} {} {}", id(), tinydep::answer(), featured::msg(), otherdep::twice(2));
}
EOF
block='/*[toml]
[dependencies]
otherdep = "0.2"
foo-bar = "=1.0.0"
tinydep = "=0.1.1"
featured = { version = "=0.2.0", features = ["loud"] }
*/'
run_cthag -q "${R[@]}" --print-toml app.rs
expect_status 0 "--print-toml:"
expect_out "$block" "--print-toml:"
expect_err "" "-q: no hint:"
run_cthag "${R[@]}" --print-toml app.rs
expect_out "$block" "--print-toml when fresh:"
expect_err "cthag: app.rs: paste this in place of the script's embedded manifest; with it, -i none builds the same program"
expect_cargo_calls 1 "--print-toml builds once:"
run_cthag -q "${R[@]}" app.rs
expect_out "foo-bar 43 LOUD 4" "the inferred build:"
first=$(ls -d "$CTHAG_CACHE_DIR"/projects/app-*)
before=$(locked "$first")

# A newer tinydep now exists, but the pasted block pins what inference chose.
publish tinydep 0.1.2 'pub fn answer() -> u32 { 44 }'
mkdir pinned
{ printf '%s\n' "$block"; sed '1,4d' app.rs; } > pinned/app.rs
run_cthag -q "${R[@]}" -i none pinned/app.rs
expect_status 0 "pasted block, -i none:"
expect_out "foo-bar 43 LOUD 4" "pasted block, -i none:"
second=$(ls -d "$CTHAG_CACHE_DIR"/projects/app-* | grep -vx "$first")
expect_eq "$(locked "$second")" "$before" "the same versions:"
expect_eq "$(echo "$before" | grep tinydep)" '"tinydep" "0.1.1"' "pinned, not the newest:"
# Printing again from the pinned script gives the same block: nothing left to infer.
run_cthag -q "${R[@]}" -i none --print-toml pinned/app.rs
expect_out "$block" "idempotent:"

# Frontmatter, for a script with no manifest of its own.
write_script front.rs <<'EOF'
fn main() { println!("{}", under_score::id()); }
EOF
run_cthag "${R[@]}" --print-toml=frontmatter front.rs
expect_status 0 "frontmatter:"
expect_out '---
[dependencies]
under_score = "=0.3.0"
---' "frontmatter:"
expect_err_has "paste this at the top of the script (after any #! line)"
mkdir fm
{ out; cat front.rs; } > fm/front.rs
run_cthag -q "${R[@]}" -i none fm/front.rs
expect_status 0 "frontmatter pasted, -i none:"
expect_out "under_score" "frontmatter pasted, -i none:"

# Nothing inferred: the script's manifest as it is (here none: an empty block).
printf 'fn main() { println!("std only"); }\n' > std.rs
run_cthag -q "${R[@]}" --print-toml std.rs
expect_out '/*[toml]
*/' "nothing to pin:"

# A failed build prints no block; bad formats and combinations are usage errors.
printf 'fn main() { tinydep::missing(); }\n' > broken.rs
run_cthag -q "${R[@]}" --print-toml broken.rs
expect_status 1 "failed build:"
expect_out "" "failed build:"
run_cthag --print-toml=json app.rs
expect_status 2
expect_err "cthag: --print-toml: unknown format \`json\` (expected frontmatter) (see cthag --help)"
run_cthag --print-toml -b app.rs
expect_status 2
expect_err_has "cannot be combined"
# -M/--toml still gives -e its manifest lines.
run_cthag -q "${R[@]}" -i none --toml '[dependencies]
tinydep = "=0.1.0"' -e 'tinydep::answer()'
expect_out "42" "--toml is still -M:"
# cthag --toml SCRIPT (the issue's spelling) prints the same block: without -e, -s or -l, -M's
# manifest lines would have nothing to apply to.
run_cthag -q "${R[@]}" --toml app.rs
expect_status 0 "--toml SCRIPT:"
expect_out "$block" "--toml SCRIPT:"
run_cthag -q "${R[@]}" --toml app
expect_out "$block" "--toml SCRIPT without its .rs:"
# A value that names no file is still manifest lines, which a script file does not take.
run_cthag --toml nosuch.rs
expect_status 2 "--toml NOFILE:"
expect_err "cthag: -M/--toml takes manifest lines for -e, -s or -l (got \`nosuch.rs\`); to print a block pinning the crates inference chose, use --print-toml SCRIPT (see cthag --help)"
run_cthag --toml '[dependencies]' app.rs
expect_status 2 "--toml LINES SCRIPT:"
expect_err "cthag: -M/--toml goes with -e, -s or -l; a script file has its own manifest (see cthag --help)"
run_cthag --toml app.rs -b
expect_status 2 "--toml SCRIPT with another action:"

finish
