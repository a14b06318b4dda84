#!/bin/bash
# Frontmatter scripts follow cargo's rules (RFC 3503 as cargo 1.95's -Zscript reads it) and get
# cargo's words for what cargo refuses: each case asserts cthag's status and one-line message,
# that nothing was built, and, where cargo -Zscript can run (RUSTC_BOOTSTRAP=1 on a stable
# cargo), that cargo refuses the same file with the same words (or accepts what cthag accepts).
. "$(dirname "$0")/lib.sh"

# Is cargo's script mode usable here?  (No network needed: the cases have no dependencies.)
printf -- '---\n---\nfn main() {}\n' > probe.rs
if RUSTC_BOOTSTRAP=1 CARGO_HOME="$TMP/cargo-home" "$REAL_CARGO" -Zscript -q probe.rs \
        > /dev/null 2>&1; then
    have_zscript=1
else
    have_zscript=0
    echo "SKIP t36-cargo-script: cargo -Zscript does not run here; cthag's side only"
fi

cargo_script() {
    RUSTC_BOOTSTRAP=1 CARGO_HOME="$TMP/cargo-home" "$REAL_CARGO" -Zscript -q "$1" \
        > "$TMP/cargo-out" 2> "$TMP/cargo-err" < /dev/null
}

# refused FILE LINE MESSAGE: cthag says "cthag: FILE:LINE: MESSAGE" (exit 2, no cargo) and
# cargo says MESSAGE.
refused() {
    local file=$1 line=$2 message=$3
    reset_cargo_log
    run_cthag "$file"
    expect_status 2 "[$file]:"
    expect_err "cthag: $file:$line: $message" "[$file]:"
    expect_cargo_calls 0 "[$file]:"
    if [ "$have_zscript" = 1 ]; then
        cargo_script "$file"
        if grep -qF -- "$message" "$TMP/cargo-err"; then pass; else
            fail "[$file] cargo -Zscript says: $(grep -m1 -e error -e '^  ' "$TMP/cargo-err")"
        fi
    fi
}

# refused_toml FILE LINE MESSAGE: malformed TOML, in cthag's words; cargo refuses it too.
refused_toml() {
    local file=$1 line=$2 message=$3
    run_cthag "$file"
    expect_status 2 "[$file]:"
    expect_err "cthag: $file:$line: $message" "[$file]:"
    if [ "$have_zscript" = 1 ]; then
        cargo_script "$file"
        expect_eq "$(cat "$TMP/cargo-out")" "" "[$file] under cargo -Zscript:"
        expect_file_has "$TMP/cargo-err" "$file:$line:" "[$file] under cargo -Zscript:"
    fi
}

# accepted FILE OUTPUT: both run it.
accepted() {
    local file=$1 want=$2
    run_cthag -q "$file"
    expect_status 0 "[$file]:"
    expect_out "$want" "[$file]:"
    if [ "$have_zscript" = 1 ]; then
        cargo_script "$file"
        expect_eq "$(cat "$TMP/cargo-out")" "$want" "[$file] under cargo -Zscript:"
    fi
}

main='fn main() { println!("ran"); }'
dashes() { printf -- '-%.0s' $(seq "$1"); }

# ---- fences ----
printf '%s\n[package]\n%s\n%s\n' "$(dashes 255)" "$(dashes 255)" "$main" > d255.rs
accepted d255.rs ran
printf '%s\n[package]\n%s\n%s\n' "$(dashes 256)" "$(dashes 256)" "$main" > d256.rs
refused d256.rs 1 'too many `-` symbols: frontmatter openings may be delimited by up to 255 `-` symbols, but found 256'
printf -- '--\n[package]\n--\n%s\n' "$main" > d2.rs
refused d2.rs 1 'found 2 `-` in rust frontmatter, expected at least 3'
printf -- '----\n[package]\n---\n%s\n' "$main" > short-close.rs
refused short-close.rs 3 'closing code fence has 1 less `-` than the opening fence'
printf -- '---\n[package]\n-----\n%s\n' "$main" > long-close.rs
refused long-close.rs 3 'closing code fence has 2 more `-` than the opening fence'
printf -- '---\n[package]\n--- x\n%s\n' "$main" > after-close.rs
refused after-close.rs 3 'unexpected characters after frontmatter close'
printf -- '---\n[package]\n%s\n' "$main" > open.rs
refused open.rs 1 'unclosed frontmatter; expected `---`'
printf -- '---\n---\n\n---\n---\n%s\n' "$main" > two.rs
refused two.rs 4 'only one frontmatter is supported'
# Dashes indented, or after other lines than blank ones (a comment, code), open no
# frontmatter: cargo reads no manifest there (its fixtures fence-indented, location-after-tokens)
# and rustc refuses the file; so does cthag, through rustc.
printf -- '  ---\n---\n%s\n' "$main" > indented.rs
printf -- '// a comment\n---\n---\n%s\n' "$main" > after-comment.rs
for file in indented.rs after-comment.rs; do
    run_cthag -q -g "$file"
    expect_status 0 "[$file] is no frontmatter (-g):"
    run_cthag -q "$file"
    expect_status 1 "[$file], rustc refuses it:"
    expect_err_lacks "cthag: $file:1:" "[$file]:"
    if [ "$have_zscript" = 1 ]; then
        cargo_script "$file"
        expect_eq "$(cat "$TMP/cargo-out")" "" "[$file] under cargo -Zscript:"
        expect_file_has "$TMP/cargo-err" "could not compile" "[$file] under cargo -Zscript:"
    fi
done
printf -- '-----\n---\n-----\n%s\n' "$main" > escaped.rs
refused_toml escaped.rs 2 'bad manifest: expected `=` after key `---`'
printf -- '#!/usr/bin/env cthag\n\n  \n---\t \n[package]\n---  \n\n%s\n' "$main" > shebang.rs
accepted shebang.rs ran
printf -- '\xef\xbb\xbf---\r\n[package]\r\n---\r\n%s\r\n' "$main" > bom-crlf.rs
accepted bom-crlf.rs ran

# ---- info strings ----
printf -- '--- cargo \n---\n%s\n' "$main" > info-cargo.rs
accepted info-cargo.rs ran
printf -- '---Cargo\n---\n%s\n' "$main" > info-case.rs
refused info-case.rs 1 'unsupported frontmatter infostring `Cargo`; specify `cargo` for embedding a manifest'
printf -- '---toml\n---\n%s\n' "$main" > info-toml.rs
refused info-toml.rs 1 'unsupported frontmatter infostring `toml`; specify `cargo` for embedding a manifest'
printf -- '---cargo,x\n---\n%s\n' "$main" > info-attr.rs
refused info-attr.rs 1 'unsupported frontmatter infostring attributes: `x`'

# ---- manifest keys cargo refuses in a script ----
for key in workspace lib bin example test bench build-dependencies; do
    case $key in
    workspace | build-dependencies) printf -- '---\n[%s]\n---\n%s\n' "$key" "$main" ;;
    lib) printf -- '---\n[lib]\npath = "key-lib.rs"\n---\n%s\n' "$main" ;;
    *) printf -- '---\n[[%s]]\nname = "x"\n---\n%s\n' "$key" "$main" ;;
    esac > "key-$key.rs"
    refused "key-$key.rs" 2 "\`$key\` is not allowed in embedded manifests"
done
for key in workspace build links autolib autobins autoexamples autotests autobenches default-run; do
    case $key in auto*) value=false ;; *) value='"x"' ;; esac
    printf -- '---\n[package]\n%s = %s\n---\n%s\n' "$key" "$value" "$main" > "pkg-$key.rs"
    refused "pkg-$key.rs" 3 "\`package.$key\` is not allowed in embedded manifests"
done
printf -- '---\npackage.links = "y"\npackage.build = "z"\n[[bin]]\nname = "x"\n[workspace]\n---\n%s\n' \
    "$main" > keys-many.rs
refused keys-many.rs 2 '`workspace`, `bin`, `package.build`, `package.links` are not allowed in embedded manifests'
# What cargo allows stays allowed.
printf -- '---\n[package]\nname = "given"\nedition = "2021"\n[dev-dependencies]\n[features]\nx = []\n[profile.dev]\nopt-level = 1\n[lints.rust]\nunused = "allow"\n---\n%s\n' \
    "$main" > allowed.rs
accepted allowed.rs ran

# ---- no edition: cargo's default for embedded manifests (2024 in 1.95), with cargo's warning ----
# (let chains compile in edition 2024 only)
printf -- '---\n[package]\n---\nfn main() { let a = Some(1); if let Some(x) = a && x > 0 { println!("ran 2024"); } }\n' \
    > no-edition.rs
accepted no-edition.rs "ran 2024"
rm -rf "$CTHAG_CACHE_DIR"
run_cthag no-edition.rs
expect_status 0 "no edition:"
expect_err_has 'cthag: warning: no-edition.rs: `package.edition` is unspecified, defaulting to `2024`' "no edition:"
if [ "$have_zscript" = 1 ]; then
    RUSTC_BOOTSTRAP=1 CARGO_HOME="$TMP/cargo-home" "$REAL_CARGO" -Zscript -v no-edition.rs \
        > /dev/null 2> "$TMP/cargo-err"
    expect_file_has "$TMP/cargo-err" 'warning: `package.edition` is unspecified, defaulting to `2024`' \
        "no edition, cargo -Zscript -v:"
fi
grep -q 'edition = "2024"' "$CTHAG_CACHE_DIR"/projects/no_edition-*/Cargo.toml
expect_eq $? 0 "no edition: 2024 in the generated manifest:"
# A thag block without an edition keeps thag's (2021), silently.
printf '/*[toml]\n[package]\n*/\nfn main() { println!("ran"); }\n' > thag-no-edition.rs
run_cthag thag-no-edition.rs
expect_err_lacks 'package.edition' "thag block without an edition:"
grep -q 'edition = "2021"' "$CTHAG_CACHE_DIR"/projects/thag_no_edition-*/Cargo.toml
expect_eq $? 0 "thag block without an edition: 2021:"
# The config file's edition is the user's choice for every format.
mkdir -p "$XDG_CONFIG_HOME/cthag"
printf '[build]\nedition = "2021"\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
cp no-edition.rs no-edition-config.rs
sed -i 's/ && x > 0 {/ {/' no-edition-config.rs
run_cthag no-edition-config.rs
expect_status 0 "no edition, config edition 2021:"
expect_err_lacks 'package.edition' "no edition, config edition 2021:"
rm "$XDG_CONFIG_HOME/cthag/config.toml"

# ---- the other formats stay as lenient as their own tools ----
printf '/*[toml]\n[workspace]\n[[bin]]\nname = "x"\n*/\n%s\n' "$main" > thag-keys.rs
run_cthag -q thag-keys.rs
expect_status 0 "thag block with [[bin]]:"
expect_out ran
printf '//! ```cargo\n//! [workspace]\n//! [package]\n//! autobins = true\n//! ```\n%s\n' "$main" > rs-keys.rs
run_cthag -q rs-keys.rs
expect_status 0 "rust-script block with [workspace]:"
expect_out ran

finish
