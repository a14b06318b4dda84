#!/bin/bash
# The command line: --help grouped from the one option table, every listed option accepted,
# "did you mean" for a mistyped option, other runners' options refused with what to do instead,
# and +toolchain anywhere but first named as such.
. "$(dirname "$0")/lib.sh"

printf 'fn main() { println!("{:?}", std::env::args().skip(1).collect::<Vec<_>>()); }\n' > args.rs

# ---- --help: the groups, in order ----
run_cthag --help
expect_status 0 "--help:"
expect_eq "$(grep -E '^[A-Z][^:]*:$' "$TMP/out" | tr '\n' '|')" \
    "Processing:|Dynamic (no script file):|Interactive:|No-run:|Output:|Cache:|Config:|Other runners' names (rust-script, thag):|" \
    "--help groups:"
expect_eq "$(grep -c -E '^  (-[a-zA-Z], )?--[a-z]|^      --[a-z]|^  \+TOOLCHAIN' "$TMP/out")" \
    "$(grep -c -E '^ +(-[a-zA-Z], )?--[a-z]|^  \+TOOLCHAIN' "$TMP/out")" "option lines are aligned:"
expect_file_has "$TMP/out" "every argument after it"
run_cthag -h
expect_eq "$(out | head -1)" "Usage: cthag [+TOOLCHAIN] [OPTIONS] SCRIPT[.rs] [--] [ARGS...]" "-h:"

# Every option --help lists is one the parser takes (and the man page lists no other).
"$CTHAG" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*' | sort -u > listed
sed -n '/^\.SH OPTIONS/,/^\.SH CACHE/p' "$SOURCE_DIR/cthag.1" | grep -oE '\\-\\-[a-z][a-z\\-]*' |
    sed 's/\\//g' | sort -u > documented
for opt in $(cat listed documented | sort -u); do
    "$CTHAG" "$opt" < /dev/null > /dev/null 2> err.txt
    if grep -q "unknown option" err.txt; then fail "$opt: $(cat err.txt)"; else pass; fi
done
expect_eq "$(comm -13 listed documented | tr '\n' ' ')" \
    "--base-path --bench --count --expand --extern --gen-pkg-only --pkg-path --unstable-feature " \
    "man page options not in --help (refused ones, an old alias):"

# ---- did you mean ----
bad_usage() { # bad_usage MESSAGE ARGS...
    local want=$1
    shift
    run_cthag "$@"
    expect_status 2 "[$*]:"
    expect_err "$want" "[$*]:"
}
bad_usage "cthag: unknown option --relase; did you mean --release? (see cthag --help)" --relase args.rs
bad_usage "cthag: unknown option --verbsoe; did you mean --verbose? (see cthag --help)" --verbsoe args.rs
bad_usage "cthag: unknown option --multi; did you mean --multimain? (see cthag --help)" --multi args.rs
bad_usage "cthag: unknown option --registry; did you mean --registry-dir? (see cthag --help)" --registry=x args.rs
bad_usage "cthag: unknown option --chekc; did you mean --check? (see cthag --help)" --chekc args.rs
bad_usage "cthag: unknown option -release; did you mean --release? (see cthag --help)" -release args.rs
bad_usage "cthag: unknown option --c (see cthag --help)" --c args.rs
bad_usage "cthag: unknown option --jobs (see cthag --help)" --jobs 4 args.rs
bad_usage "cthag: unknown option -P (see cthag --help)" -P args.rs
bad_usage "cthag: option -f/--force takes no value (see cthag --help)" --force=yes args.rs
bad_usage "cthag: option --features needs a value (see cthag --help)" --features
# Other runners' options cthag does not have: what to do instead.
bad_usage "cthag: rust-script's --base-path is not cthag's: a script's relative paths resolve against its own directory (RUST_SCRIPT_BASE_PATH), as cargo resolves them" --base-path /tmp args.rs
bad_usage "cthag: rust-script's --count is not cthag's: with -l, \`i\` is the line's number" --count -l line
bad_usage "cthag: thag's -X/--expand is not cthag's: cthag -A args.rs -- expand runs cargo expand (cargo install cargo-expand)" --expand args.rs

# ---- +toolchain must come first ----
bad_usage "cthag: \`+nightly\`: a +toolchain must be the first argument, as for cargo (see cthag --help)" -q +nightly args.rs
bad_usage "cthag: \`+\`: a toolchain name must follow + (see cthag --help)" + args.rs
# After the script it is the script's argument; a file of that name is a script.
run_cthag -q args.rs +nightly
expect_status 0 "+nightly after the script:"
expect_out '["+nightly"]'
printf 'fn main() { println!("plus"); }\n' > +odd.rs
run_cthag -q +odd.rs
expect_out "plus" "a script named +odd.rs:"

# ---- values, as before ----
run_cthag -q -inone args.rs a
expect_out '["a"]' "-inone:"
run_cthag -q --infer=none -- args.rs -- b
expect_out '["b"]' "-- before and after the script:"
run_cthag -q --infer=none -- args.rs -- -- c
expect_out '["--", "c"]' "a second -- is the script's:"
run_cthag -qNf args.rs
expect_err_has "Compiling args v0.1.0 (args.rs)" "-N cancels -q (cargo's output shows):"

finish
