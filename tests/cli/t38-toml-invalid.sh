#!/bin/bash
# The invalid TOML conformance documents (tests/toml) against cthag and cargo: each one, as a
# script's frontmatter, is refused by cthag with exit 2 and "cthag: SCRIPT:LINE:" naming a line
# of the script, and by cargo, on the same line.  (The valid ones: t38-toml-valid.)
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/toml-cases.sh"

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
echo "$TEST_NAME: $invalid invalid documents"
expect_eq "$([ "$invalid" -ge 200 ] && echo enough)" enough "documents:"

finish
