#!/bin/bash
# thag's demo scripts run unchanged: the `thag-auto` version marker of thag's own crates, resolved
# as thag resolves it (THAG_DEV_PATH: a thag checkout; THAG_GIT_REF/THAG_GIT_REPO: git; else the
# registry at the version before the comma), and thag's local proc-macro crate
# (`use thag_demo_proc_macros::..`: proc_macros/ beside the script, or the config file's
# [proc_macros] demo_proc_macro_crate_path).  The crates are small stand-ins named like thag's.
. "$(dirname "$0")/lib.sh"

# stand_in DIR NAME ID [FEATURES_TOML]: a crate NAME whose id() says ID (and "+color_detect"
# when that feature is on).
stand_in() {
    mkdir -p "$1/src"
    printf '[package]\nname = "%s"\nversion = "1.1.0"\nedition = "2021"\n\n[features]\ndefault = []\ncolor_detect = []\n' \
        "$2" > "$1/Cargo.toml"
    cat > "$1/src/lib.rs" <<EOF_RS
pub fn id() -> String {
    format!("{}{}", "$3", if cfg!(feature = "color_detect") { " +color_detect" } else { "" })
}
EOF_RS
}
# checkout DIR TAG: a thag checkout: thag_rs at its root, thag_styling in its subdirectory.
checkout() {
    stand_in "$1" thag_rs "thag_rs $2"
    stand_in "$1/thag_styling" thag_styling "thag_styling $2"
}
checkout thag-one one
checkout thag-two two

write_script demo/auto.rs <<'EOF_RS'
/*[toml]
[dependencies]
thag_rs = { version = "1, thag-auto", default-features = false }
thag_styling = { version = "1, thag-auto", features = ["color_detect"] }
*/
fn main() {
    println!("{} / {}", thag_rs::id(), thag_styling::id());
}
EOF_RS
manifest() { cat "$CTHAG_CACHE_DIR"/projects/auto-*/Cargo.toml; }
R=(--registry-dir "$REGISTRY")

# ---- THAG_DEV_PATH: path dependencies into the checkout (thag_rs at its root) ----
THAG_DEV_PATH=$TMP/thag-one run_cthag -q "${R[@]}" demo/auto.rs
expect_status 0 "THAG_DEV_PATH:"
expect_out "thag_rs one / thag_styling one +color_detect" "THAG_DEV_PATH:"
expect_file_has <(manifest) "thag_styling = { features = [\"color_detect\"], path = \"$TMP/thag-one/thag_styling\" }" \
    "THAG_DEV_PATH (features kept, version gone):"
expect_file_has <(manifest) "thag_rs = { default-features = false, path = \"$TMP/thag-one\" }" \
    "THAG_DEV_PATH (thag_rs is the checkout's root):"

# The cached run: no cargo.  Another checkout: the value is part of the entry, so it rebuilds.
reset_cargo_log
THAG_DEV_PATH=$TMP/thag-one run_cthag -q "${R[@]}" demo/auto.rs
expect_out "thag_rs one / thag_styling one +color_detect" "cached:"
expect_cargo_calls 0 "the same THAG_DEV_PATH:"
THAG_DEV_PATH=$TMP/thag-two run_cthag -q "${R[@]}" demo/auto.rs
expect_status 0 "another THAG_DEV_PATH:"
expect_out "thag_rs two / thag_styling two +color_detect" "another THAG_DEV_PATH (no stale program):"
# A relative THAG_DEV_PATH means the current directory's.
THAG_DEV_PATH=thag-one run_cthag -q "${R[@]}" demo/auto.rs
expect_out "thag_rs one / thag_styling one +color_detect" "relative THAG_DEV_PATH:"

# A checkout without the crate: thag's error, on the dependency's line, before cargo.
mkdir -p thag-partial/src
cp thag-one/Cargo.toml thag-partial/ && cp thag-one/src/lib.rs thag-partial/src/
reset_cargo_log
THAG_DEV_PATH=$TMP/thag-partial run_cthag -q "${R[@]}" demo/auto.rs
expect_status 2 "THAG_DEV_PATH without thag_styling:"
expect_err "cthag: demo/auto.rs:4: thag_styling is thag-auto and THAG_DEV_PATH=$TMP/thag-partial, but $TMP/thag-partial/thag_styling is not a directory (a thag checkout has it; unset THAG_DEV_PATH for the registry's thag_styling)" \
    "THAG_DEV_PATH without thag_styling:"
expect_cargo_calls 0 "THAG_DEV_PATH without thag_styling:"

# ---- THAG_GIT_REF (and THAG_GIT_REPO): git dependencies, here a local repository ----
if command -v git > /dev/null; then
    checkout thag-git git
    git -C thag-git init -q -b main && git -C thag-git add -A &&
        git -C thag-git -c user.name=t -c user.email=t@t commit -q -m stand-in
    # (No --registry-dir: it makes cargo offline, and a git source is fetched even from a file.)
    THAG_GIT_REF=main THAG_GIT_REPO=file://$TMP/thag-git run_cthag -q demo/auto.rs
    expect_status 0 "THAG_GIT_REF:"
    expect_out "thag_rs git / thag_styling git +color_detect" "THAG_GIT_REF:"
    expect_file_has <(manifest) "thag_styling = { features = [\"color_detect\"], git = \"file://$TMP/thag-git\", branch = \"main\" }" \
        "THAG_GIT_REF:"
    # THAG_DEV_PATH wins over THAG_GIT_REF, as in thag.
    THAG_DEV_PATH=$TMP/thag-one THAG_GIT_REF=main THAG_GIT_REPO=file://$TMP/thag-git \
        run_cthag -q "${R[@]}" demo/auto.rs
    expect_out "thag_rs one / thag_styling one +color_detect" "THAG_DEV_PATH before THAG_GIT_REF:"
else
    echo "SKIP [$TEST_NAME]: THAG_GIT_REF (git is not installed)"
fi

# ---- neither: the registry, at the version before the comma (target tables too) ----
copy_registry reg
publish_crate reg thag_rs 1.0.0 'pub fn id() -> String { "thag_rs registry".into() }'
publish_crate reg thag_styling 1.2.0 'pub fn id() -> String { format!("thag_styling registry{}", if cfg!(feature = "color_detect") { " +color_detect" } else { "" }) }' \
    $'\n[features]\ncolor_detect = []\n'
write_script demo/auto_target.rs <<'EOF_RS'
/*[toml]
[dependencies]
thag_rs = { version = "1, thag-auto", default-features = false }
tinydep = { version = "0.1, thag-auto" }

[target.'cfg(unix)'.dependencies]
thag_styling = { version = "1, thag-auto", features = ["color_detect"] }
*/
fn main() {
    println!("{} / {} / {}", thag_rs::id(), thag_styling::id(), tinydep::answer());
}
EOF_RS
run_cthag -q --registry-dir "$TMP/reg" demo/auto_target.rs
expect_status 0 "registry:"
expect_out "thag_rs registry / thag_styling registry +color_detect / 42" "registry:"
expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/auto_target-*/Cargo.toml)" \
    'thag_styling = { version = "1", features = ["color_detect"] }' "registry (target table):"

# ---- thag's own test_manifest_merge_manifest: a [patch] table keeps its entries ----
# (thag's block as thag's tests/manifest.rs writes it, indented; the path entry resolved against
# the script's directory, as a Cargo.toml beside the script would have it.)
mkdir -p demo/my/local/bar/src
printf '[package]\nname = "tinydep"\nversion = "0.1.0"\nedition = "2021"\n' > demo/my/local/bar/Cargo.toml
printf 'pub fn answer() -> u32 { 7 }\n' > demo/my/local/bar/src/lib.rs
write_script demo/merge.rs <<'EOF_RS'
/*[toml]
    [package]
    name = "toml_block_name"
    version = "0.0.1"
    edition = "2021"

    [dependencies]
    tinydep = "0.1"

    [patch.crates-io]
    toml_block_foo = { git = 'https://github.com/example/foo.git' }
    tinydep = { path = 'my/local/bar' }

    [workspace]
    */
fn main() { println!("patched {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" -g demo/merge.rs
expect_status 0 "[patch] with a path entry:"
expect_eq "$(sed -n '/^\[patch/,/^$/p' "$(out)/Cargo.toml")" "[patch.crates-io]
toml_block_foo = { git = \"https://github.com/example/foo.git\" }
tinydep = { path = \"$TMP/demo/my/local/bar\" }" "[patch] entries kept:"
# cargo uses it (without the git entry, which cargo would fetch even unused).
sed -i '/toml_block_foo/d' demo/merge.rs
run_cthag -q "${R[@]}" demo/merge.rs
expect_status 0 "[patch] with a path entry, built:"
expect_out "patched 7" "[patch] with a path entry (cargo used it):"

# ---- thag's local proc-macro crate ----
# proc_macro_crate DIR ANSWER: a proc-macro crate thag_demo_proc_macros whose answer!() is ANSWER.
proc_macro_crate() {
    mkdir -p "$1"
    printf '[package]\nname = "thag_demo_proc_macros"\nversion = "1.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\npath = "lib.rs"\n\n[workspace]\n' \
        > "$1/Cargo.toml"
    printf 'use proc_macro::TokenStream;\n#[proc_macro]\npub fn answer(_: TokenStream) -> TokenStream { "%s".parse().unwrap() }\n' \
        "$2" > "$1/lib.rs"
}
proc_macro_crate demo/proc_macros 42
write_script demo/pm.rs <<'EOF_RS'
use thag_demo_proc_macros::answer;
println!("answer {}", answer!());
EOF_RS
run_cthag -q "${R[@]}" demo/pm.rs
expect_status 0 "proc_macros beside the script:"
expect_out "answer 42" "proc_macros beside the script:"
expect_file_has "$(echo "$CTHAG_CACHE_DIR"/projects/pm-*/Cargo.toml)" \
    "thag_demo_proc_macros = { path = \"$TMP/demo/proc_macros\" }" "proc_macros beside the script:"
# Its files are inputs of the entry: an edit rebuilds.
proc_macro_crate demo/proc_macros 43
run_cthag -q "${R[@]}" demo/pm.rs
expect_out "answer 43" "an edit of the proc-macro crate:"

# The config file's key, relative to the current directory as in thag's config.
mkdir -p other "$XDG_CONFIG_HOME/cthag"
cp demo/pm.rs other/pm.rs
proc_macro_crate pmcrate 7
printf '[proc_macros]\ndemo_proc_macro_crate_path = "pmcrate"\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
run_cthag -q "${R[@]}" other/pm.rs
expect_status 0 "[proc_macros] demo_proc_macro_crate_path:"
expect_out "answer 7" "[proc_macros] demo_proc_macro_crate_path:"
run_cthag --print-config
expect_eq "$(grep '^proc_macros.demo' "$TMP/out" | tr -s ' ')" \
    "proc_macros.demo_proc_macro_crate_path pmcrate (config file)" "--print-config:"

# Neither: one line saying where it looked and what to set, before cargo.
rm "$XDG_CONFIG_HOME/cthag/config.toml"
cp demo/pm.rs other/pm2.rs
reset_cargo_log
run_cthag -q "${R[@]}" other/pm2.rs
expect_status 2 "no proc-macro crate:"
expect_err "cthag: other/pm2.rs: thag_demo_proc_macros is thag's local proc-macro crate, looked for in $TMP/other/proc_macros: not a directory (give its path as [proc_macros] demo_proc_macro_crate_path in the config file, cthag --config-path)" \
    "no proc-macro crate:"
expect_cargo_calls 0 "no proc-macro crate:"

# The marker outside thag's block is no version cargo can read: said as such, before cargo, and
# nothing about the network (issue 24 item 4: every thag-auto demo got "is crates.io reachable").
printf '//! ```cargo\n//! [dependencies]\n//! thag_styling = { version = "1, thag-auto" }\n//! ```\nfn main() {}\n' \
    > demo/rs_marker.rs
reset_cargo_log
run_cthag -q demo/rs_marker.rs  # (crates.io: base cthag blamed the network here)
expect_err_lacks "reachable" "the marker in rust-script's block:"
expect_err_has "1, thag-auto" "the marker in rust-script's block:"

finish
