#!/bin/bash
# Default features of inferred crates, as thag ships them (serde's derive, owo-colors'
# supports-colors, ...), overridden or removed by [infer.features]; --print-config says where
# each comes from; -i min gives none.  A crate declared only under [dev-dependencies] (or any
# other dependency table) is never added to [dependencies].
. "$(dirname "$0")/lib.sh"
REG="$TMP/featreg"
cp -r "$REGISTRY" "$REG"
publish() { bash "$TESTS_DIR/make-registry.sh" --publish "$REG" "$@"; }
publish serde 1.0.0 '#[cfg(feature = "derive")]
pub fn mode() -> &'"'"'static str { "derive" }
#[cfg(not(feature = "derive"))]
pub fn mode() -> &'"'"'static str { "plain" }
#[cfg(feature = "rc")]
pub fn rc() -> bool { true }
#[cfg(not(feature = "rc"))]
pub fn rc() -> bool { false }' '[features]
derive = []
rc = []
'
publish owo-colors 4.0.0 '#[cfg(feature = "supports-colors")]
pub fn colors() -> &'"'"'static str { "supports-colors" }' '[features]
supports-colors = []
'
R=(--registry-dir "$REG")
CONFIG="$XDG_CONFIG_HOME/cthag/config.toml"
mkdir -p "$(dirname "$CONFIG")"

write_script ser.rs <<'EOF'
use serde::mode;
fn main() { println!("{} {} {}", mode(), serde::rc(), owo_colors::colors()); }
EOF
setting() { printf '%-20s %-44s (%s)' "$1" "$2" "$3"; }
manifest() { sed -n '/^\[dependencies\]/,/^$/p' "$CTHAG_CACHE_DIR"/projects/ser-*/Cargo.toml; }

# Built in: serde gets derive, owo-colors (owo_colors in the code) supports-colors.
run_cthag -q -v "${R[@]}" ser.rs
expect_status 0 "built-in features:"
expect_out "derive false supports-colors" "built-in features:"
expect_eq "$(manifest)" '[dependencies]
serde = { version = "1", features = ["derive"] }
owo-colors = { version = "4", features = ["supports-colors"] }' "built-in features:"
expect_err_has "cthag: ser.rs: inferred crate serde gets features [derive] from [infer.features] (built-in)"
expect_err_has "cthag: ser.rs: inferred crate owo-colors gets features [supports-colors] from [infer.features] (built-in)"

# The config file overrides one crate's list; the others keep theirs.
printf '[infer.features]\nserde = ["derive", "rc"]\n' > "$CONFIG"
run_cthag -q -f "${R[@]}" ser.rs
expect_out "derive true supports-colors" "[infer.features] override:"
run_cthag --print-config
expect_file_has "$TMP/out" "$(setting infer.features 'serde = ["derive", "rc"]' "$CONFIG")"
expect_file_has "$TMP/out" "$(setting infer.features 'owo-colors = ["supports-colors"]' "built-in")"
expect_file_has "$TMP/out" "$(setting infer.features 'clap = ["cargo", "derive"]' "built-in")"
expect_file_has "$TMP/out" "$(setting infer.features 'tokio = ["full"]' "built-in")"

# ... or removes it (an empty list), under either spelling of the name.
printf '[infer.features]\nserde = []\nowo_colors = []\n' > "$CONFIG"
run_cthag -q -f "${R[@]}" -e 'format!("{} {}", serde::mode(), owo_colors::colors())'
expect_status 1 "removed features: owo-colors without supports-colors has no colors():"
run_cthag -q -f "${R[@]}" ser.rs
expect_status 1
expect_err_has "colors"
printf '[infer.features]\nserde = []\n' > "$CONFIG"
run_cthag -q -f "${R[@]}" ser.rs
expect_out "plain false supports-colors" "serde = [] removes derive:"
expect_eq "$(manifest)" '[dependencies]
serde = "1"
owo-colors = { version = "4", features = ["supports-colors"] }' "serde = []:"
run_cthag --print-config
expect_file_has "$TMP/out" "$(setting infer.features 'serde = []' "$CONFIG")"
rm "$CONFIG"

# -i min: names only.
run_cthag -q "${R[@]}" -i min -e 'serde::mode()'
expect_out '"plain"' "-i min:"

# A crate the script declares under [dev-dependencies] (used in #[cfg(test)] only) is not also
# added to [dependencies]: the program builds without it, and its test with it.
write_script devdep.rs <<'EOF'
/*[toml]
[dev-dependencies]
tinydep = "0.1"
*/
fn double(x: u32) -> u32 { x * 2 }
fn main() { println!("{}", double(21)); }
#[cfg(test)]
mod tests {
    #[test]
    fn answer() { assert_eq!(super::double(21), tinydep::answer()); }
}
EOF
run_cthag -q -v "${R[@]}" devdep.rs
expect_status 0 "dev-dependency:"
expect_out "42" "dev-dependency:"
expect_err_has "cthag: devdep.rs: crate tinydep is declared by the script's manifest: not added"
if grep -q '^\[dependencies\]' "$CTHAG_CACHE_DIR"/projects/devdep-*/Cargo.toml; then
    fail "dev-dependency added to [dependencies]: $(cat "$CTHAG_CACHE_DIR"/projects/devdep-*/Cargo.toml)"
else
    pass
fi
run_cthag -q "${R[@]}" -T devdep.rs
expect_status 0 "dev-dependency in the script's test:"
expect_file_has "$TMP/out" "test tests::answer ... ok"

finish
