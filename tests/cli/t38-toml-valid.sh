#!/bin/bash
# The valid TOML conformance documents (tests/toml) against cthag and cargo: each one, as a
# script's frontmatter, generates a project, and cargo reads it.  (Their decoded values and round
# trips are checked by the unit test test_toml_suite; the invalid ones by t38-toml-invalid.)
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/toml-cases.sh"

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
echo "$TEST_NAME: $valid valid documents"
expect_eq "$([ "$valid" -ge 200 ] && echo enough)" enough "documents:"

finish
