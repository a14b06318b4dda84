#!/bin/bash
# The TOML conformance documents (tests/toml, see make-cases.py) against cthag and cargo: each
# valid one, as a script's frontmatter, generates a project, and cargo reads it; each invalid
# one is refused by cthag with exit 2 and "cthag: SCRIPT:LINE:" naming a line of the script,
# and by cargo, on the same line.  (Their decoded values and round trips are checked by the
# unit test test_toml_suite.)
. "$(dirname "$0")/lib.sh"
CASES="$SOURCE_DIR/tests/toml"

# Refused by cthag, but by cargo only where the value is used (cargo's TOML reader leaves the
# range of integers, and these malformed inline tables, to the fields that read them): for an
# unused key cargo accepts them.  An underscore after a sign (+_1) cargo accepts even where used.
deferred=" $(echo int-too-big int-too-small int-very-big int-hex-too-big int-octal-too-big \
    int-binary-too-big int-sign-underscore inline-key-only inline-no-value inline-bare-value) "
# Where cargo names a later line: its reader recovers from the broken line and reports what
# follows (a string or value cut by a newline), or reads on into the [package] appended after
# the document.  cthag names the line where the problem is.
line_differs=" $(echo key-value-next-line literal-newline string-newline mlstring-unterminated \
    mlliteral-unterminated array-unterminated array-unterminated-after-comma \
    array-comment-eats-close) "

mkdir -p cargo/src && echo 'fn main() {}' > cargo/src/main.rs
if "$REAL_CARGO" --version > /dev/null 2>&1; then have_cargo=1; else
    have_cargo=0
    echo "SKIP t38-toml: no cargo to compare with; cthag's side only"
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

valid=0
for doc in "$CASES"/valid/*.toml; do
    name=$(basename "$doc" .toml)
    script_of "$doc" "v_$valid"
    run_cthag -q -g "v_$valid.rs"
    if [ "$status" -eq 0 ]; then pass; else fail "valid/$name.toml: $(err)"; fi
    if [ "$have_cargo" = 1 ]; then
        if cargo_reads "$doc"; then pass; else fail "valid/$name.toml: cargo: $(grep -m1 error "$TMP/cargo-err")"; fi
    fi
    valid=$((valid + 1))
done

invalid=0
for doc in "$CASES"/invalid/*.toml; do
    name=$(basename "$doc" .toml)
    script_of "$doc" "i_$invalid"
    run_cthag -q -g "i_$invalid.rs"
    line=$(sed -n "s/^cthag: i_$invalid\.rs:\([0-9]*\): .*/\1/p" "$TMP/err")
    lines=$(($(wc -l < "$doc") + 3)) # the script's lines up to the closing fence
    if [ "$status" -eq 2 ] && [ -n "$line" ] && [ "$line" -ge 2 ] && [ "$line" -le "$lines" ] &&
        [ "$(wc -l < "$TMP/err")" -eq 1 ]; then pass; else
        fail "invalid/$name.toml: exit $status, [$(err)]"
    fi
    if [ "$have_cargo" = 1 ]; then
        if [[ $deferred == *" $name "* ]]; then
            cargo_reads "$doc" && pass || fail "invalid/$name.toml: cargo now refuses it: move it out of \$deferred"
        elif cargo_reads "$doc"; then
            fail "invalid/$name.toml: cargo accepts it"
        elif [ -n "$cargo_line" ] && [ "$cargo_line" -lt "$((lines - 2))" ] &&
            [[ $line_differs != *" $name "* ]]; then
            expect_eq "$((line - 1))" "$cargo_line" "invalid/$name.toml: cthag's line vs cargo's:"
        else
            pass
        fi
    fi
    invalid=$((invalid + 1))
done
echo "t38-toml: $valid valid and $invalid invalid documents"
expect_eq "$([ "$valid" -ge 200 ] && [ "$invalid" -ge 200 ] && echo enough)" enough "documents:"

finish
