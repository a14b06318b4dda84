# The TOML conformance documents (tests/toml, see make-cases.py) as scripts' frontmatter, and
# cargo's verdict on each: sourced after lib.sh by t38-toml-valid.sh and t38-toml-invalid.sh
# (two files, so that the suite runs the halves side by side).
CASES="$SOURCE_DIR/tests/toml"

mkdir -p cargo/src && echo 'fn main() {}' > cargo/src/main.rs
if "$REAL_CARGO" --version > /dev/null 2>&1; then have_cargo=1; else
    have_cargo=0
    echo "SKIP $TEST_NAME: no cargo to compare with; cthag's side only"
fi

# cargo_reads DOC: cargo's verdict on DOC as a Cargo.toml's beginning; $cargo_line is the line
# it names (empty when it names none).
cargo_reads() {
    { cat "$1"; printf '\n[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n'; } \
        > cargo/Cargo.toml
    (cd cargo && "$REAL_CARGO" metadata --offline --no-deps --format-version 1 \
        > /dev/null 2> "$TMP/cargo-err")
    local status=$?
    cargo_line=$(sed -n 's/.*--> Cargo\.toml:\([0-9]*\):.*/\1/p' "$TMP/cargo-err" | head -1)
    return $status
}

# script_of DOC NAME: DOC as the frontmatter of NAME.rs (its line N is the script's N+1).
script_of() {
    { printf -- '---\n'; cat "$1"; printf -- '\n---\nfn main() {}\n'; } > "$2.rs"
}
