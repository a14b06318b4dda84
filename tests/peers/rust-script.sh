#!/bin/bash
# rust-script's own test suite, through cthag: its 39 tests (tests/tests/*.rs, the online and
# #[ignore]d ones included) with each test's command and assertion, and its 7 shell scripts
# (tests/scripts/*.script against *.expected), run with `rust-script` on PATH being cthag.
#
#   bash tests/peers/rust-script.sh RUST_SCRIPT_SOURCE
#
# RUST_SCRIPT_SOURCE is rust-script's source (e.g. cargo's copy of the crate,
# ~/.cargo/registry/src/*/rust-script-0.36.0).  Needs crates.io (the online tests' crates) and
# a nightly toolchain for test_nightly_toolchain.  Prints one line per test and "N of M agree";
# exit 0 when all do.
set -u
[ $# -eq 1 ] && [ -d "$1/tests/data" ] || { echo "usage: $0 RUST_SCRIPT_SOURCE" >&2; exit 2; }
src=$(cd "$1" && pwd)
CTHAG=${CTHAG:-$(cd "$(dirname "$0")/../.." && pwd)/cthag}
work=$(mktemp -d "${TMPDIR:-/tmp}/rust-script-suite.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
export CTHAG_CACHE_DIR=$work/cache XDG_CONFIG_HOME=$work/config VISUAL=false EDITOR=false
mkdir -p "$work/bin" "$work/tree"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$CTHAG" > "$work/bin/rust-script"
chmod +x "$work/bin/rust-script"
cp -R "$src/tests" "$work/tree/"
cd "$work/tree" || exit 2
agree=0 total=0

# rs ARGS...: run it as the test's rust_script!() does; $out, $errout, $status.
rs() {
    out=$("$work/bin/rust-script" "$@" 2> "$work/stderr" < /dev/null)
    status=$?
    errout=$(cat "$work/stderr")
}
# after_marker: stdout after the "--output--" line, blanks squeezed (scan!'s view of it).
after_marker() { printf '%s\n' "$out" | sed -n '/^--output--$/,$p' | sed 1d | tr -s ' \n' ' ' | sed 's/ $//'; }
verdict() { # NAME OK [WHY]
    total=$((total + 1))
    if [ "$2" -eq 0 ]; then
        agree=$((agree + 1))
        printf 'agree     %s\n' "$1"
    else
        printf 'DISAGREE  %s: %s\n' "$1" "${3:-}"
        [ -n "$errout" ] && printf '          stderr: %s\n' "$(printf '%s' "$errout" | tail -1 | cut -c1-150)"
    fi
}
# scan NAME EXPECTED ARGS...: succeeds, and the output after the marker is EXPECTED.
scan() {
    local name=$1 want=$2
    shift 2
    rs "$@"
    local got
    got=$(after_marker)
    [ "$status" -eq 0 ] && [ "$got" = "$want" ]
    verdict "$name" $? "exit $status, output [$got], expected [$want]"
}
# succeeds NAME GREP ARGS...: exit 0 and stdout contains GREP ("" for none).
succeeds() {
    local name=$1 want=$2
    shift 2
    rs "$@"
    [ "$status" -eq 0 ] && { [ -z "$want" ] || grep -qF -- "$want" <<< "$out"; }
    verdict "$name" $? "exit $status, stdout lacks [$want]"
}
fails() { # NAME ARGS...
    local name=$1
    shift
    rs "$@"
    [ "$status" -ne 0 ]
    verdict "$name" $? "exit 0"
}

D=tests/data
# ---- tests/tests/script.rs ----
scan test_script_explicit "Some(1)" -d boolinator $D/script-explicit.rs
scan test_script_full_block "Some(1)" $D/script-full-block.rs
scan test_script_full_line "Some(1)" $D/script-full-line.rs
scan test_script_full_line_without_main "Some(1)" $D/script-full-line-without-main.rs
scan test_script_main_with_space "Hello, World!" $D/script-main-with-spaces.rs
scan test_script_invalid_doc_comment "Hello, World!" $D/script-invalid-doc-comment.rs
scan test_script_no_deps "Hello, World!" $D/script-no-deps.rs
scan test_script_short "Some(1)" $D/script-short.rs
scan test_script_short_without_main "Some(1)" $D/script-short-without-main.rs
succeeds test_script_test "running 1 test" --test $D/script-test.rs
succeeds test_script_test_extra_args_for_cargo "Execute all unit and integration tests" \
    --test $D/script-test-extra-args.rs --help
succeeds test_script_test_extra_args_for_test "Hello, world!" \
    --test $D/script-test-extra-args.rs -- --nocapture
# (scan!'s pattern takes any quoted string as [0]: only [1] is checked.)
for form in with without; do
    if [ $form = with ]; then rs -- $D/script-args.rs -NotAnArg; else rs $D/script-args.rs -NotAnArg; fi
    [ "$status" -eq 0 ] && after_marker | grep -qE '^\[0\]: "[^"]*" \[1\]: "-NotAnArg"$'
    verdict "test_script_hyphens$([ $form = with ] || echo _without_separator)" $? "[$(after_marker)]"
done
succeeds test_script_has_weird_chars "" "$D/script-has.weird§chars!.rs"
scan test_script_cs_env "Ok" $D/script-cs-env.rs
scan test_script_including_relative "hello, including script" $D/script-including-relative.rs
scan script_with_same_name_as_dependency "Hello" $D/time.rs
rs $D/question-mark
[[ "$errout" == "Error: Os { code: 2, kind: NotFound, message:"* ]]
verdict script_without_main_question_mark $? "stderr [$errout]"
scan test_script_async_main "Some(1)" $D/script-async-main.rs
scan test_pub_fn_main "Some(1)" $D/pub-fn-main.rs
scan test_cargo_target_dir_env "true" $D/cargo-target-dir-env.rs
scan test_outer_line_doc "Some(1)" $D/outer-line-doc.rs
scan test_whitespace_before_main "hello, world" $D/whitespace-before-main.rs
# test_force_rebuild: a changed option_env! value is used only after -f (rust-script's cache
# does not see it; cthag rebuilds at once: a deliberate difference, see README).
force_ok=0
for option in -f --force; do
    unset _RUST_SCRIPT_TEST_MESSAGE
    rs "$option" $D/script-using-env.rs && [ "$(after_marker)" = "msg = undefined" ] || force_ok=1
    export _RUST_SCRIPT_TEST_MESSAGE=hello
    rs $D/script-using-env.rs && [ "$(after_marker)" = "msg = undefined" ] || force_ok=1
    rs "$option" $D/script-using-env.rs && [ "$(after_marker)" = "msg = hello" ] || force_ok=1
done
unset _RUST_SCRIPT_TEST_MESSAGE
verdict test_force_rebuild $force_ok "the second run printed [msg = hello]: cthag rebuilds when the value changes"
rs --toolchain stable $D/script-unstable-feature.rs
[ "$status" -ne 0 ] && grep -qF '`#![feature]` may not be used' <<< "$errout"
verdict test_stable_toolchain $? "exit $status"
scan test_nightly_toolchain '`#![feature]` *may* be used!' --toolchain nightly $D/script-unstable-feature.rs
scan test_same_flags "Argument: --help" $D/same-flags.rs --help
scan test_extern_c_main "hello, world" $D/extern-c-main.rs
scan test_script_multiple_deps "Ok" -d serde_json=1.0.96 -d anyhow=1.0.71 \
    $D/script-using-anyhow-and-serde.rs

# ---- tests/tests/expr.rs ----
M='println!("--output--");'
scan test_expr_0 "0" -e "${M}0"
scan test_expr_comma "[1, 2, 3]" -e "${M}[1, 2, 3]"
fails test_expr_dnc -e "swing begin"
succeeds test_expr_temporary "" -e "[1].iter().max()"
scan test_expr_dep "Some(1)" -d boolinator=0.1.0 -e "use boolinator::Boolinator;${M}true.as_some(1)"
fails test_expr_panic -e "${M}panic!()"
scan test_expr_qmark "43" -e "${M}\"42\".parse::<i32>()?.wrapping_add(1)"

# ---- tests/tests/others.rs ----
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" | head -1)
succeeds test_version "rust-script $version" --version
succeeds test_clear_cache "" --clear-cache

# ---- tests/scripts/*.script: the scripts as they are, rust-script on PATH ----
for script in tests/scripts/*.script; do
    name=$(basename "$script")
    expected=${script%.script}.expected
    out=$(cd tests/scripts && PATH="$work/bin:$PATH" sh "./$name" 2> "$work/stderr")
    errout=$(tail -3 "$work/stderr")
    [ "$out" = "$(cat "$expected")" ]
    verdict "$name" $? "stdout [$(printf '%s' "$out" | tr '\n' '|')]"
done

echo "$agree of $total agree"
[ "$agree" -eq "$total" ]
