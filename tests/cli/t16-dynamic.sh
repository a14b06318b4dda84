#!/bin/bash
# Dynamic modes: -e, -s, -l with -B/-E/-M, -u; -c, -T, -A, -x, -t, -i levels, -m; bad input.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# -e: the value is printed; use statements allowed; cached by content.
run_cthag -q -e '1 + 2'
expect_status 0
expect_out "3"
expect_cargo_calls 1 "-e builds once:"
run_cthag -e '1 + 2'
expect_out "3"
expect_err "" "cached -e is silent:"
expect_cargo_calls 0 "the same expression twice builds once:"
run_cthag -q -e 'use std::collections::BTreeMap; let mut m = BTreeMap::new(); m.insert("k", 2); m'
expect_out '{"k": 2}'
run_cthag -q -e '"text".to_string()'
expect_out '"text"'
run_cthag -q -u -e '"text".to_string()'
expect_out "text" "-u unquotes a String:"
run_cthag -q -u -e '"slice"'
expect_out "slice" "-u unquotes a &str:"
run_cthag -q -u -e '42'
expect_out "42" "-u leaves other values alone:"
run_cthag -q -e 'println!("no value")'
expect_out "no value"
run_cthag -q -e 'std::env::args().collect::<Vec<_>>()' -- a b
expect_out '["expr", "a", "b"]' "-e arguments after --:"
run_cthag -q "${R[@]}" -e 'tinydep::answer()'
expect_out "42" "-e infers dependencies:"
run_cthag -q "${R[@]}" --infer none -M '[dependencies]
otherdep = "0.2"' -e 'otherdep::twice(5)'
expect_out "10" "-M gives -e a manifest:"

# -s: the script from standard input, program or snippet.
reset_cargo_log
printf 'fn main() { println!("program from stdin"); }\n' > prog.txt
STDIN=prog.txt run_cthag -q -s
expect_out "program from stdin"
printf 'let v = vec![1, 2, 3];\nv.iter().sum::<i32>()\n' > snip.txt
STDIN=snip.txt run_cthag -q -s
expect_out "6"
expect_cargo_calls 0 "-s, built by rustc alone with the command of an -e like them:"
STDIN=snip.txt run_cthag -s
expect_out "6"
expect_cargo_calls 0 "-s is cached by content:"

# -l: like awk.
seq 5 > five.txt
STDIN=five.txt run_cthag -q -l 'line.parse::<i32>().unwrap() * 2'
expect_out "2
4
6
8
10"
STDIN=five.txt run_cthag -q -B 'let mut total = 0;' -l 'total += line.parse::<i32>()?;' \
    -E 'println!("total {total}");'
expect_out "total 15" "-B/-E:"
STDIN=five.txt run_cthag -q -u -l 'if i % 2 == 1 { format!("{i}: {line}") } else { String::new() }'
expect_out "1: 1

3: 3

5: 5" "i and line in scope, -u:"
STDIN=five.txt run_cthag -q "${R[@]}" -M '[dependencies]
tinydep = "0.1"' -l 'tinydep::answer() + line.parse::<u32>().unwrap()'
expect_out "43
44
45
46
47" "-l with -M:"

# -c: cargo check only; -T: the script's tests; -A: a cargo subcommand.
write_script tested.rs <<'EOF_RS'
fn add(a: i32, b: i32) -> i32 { a + b }
fn main() { println!("{}", add(1, 2)); }
#[test]
fn adds() { assert_eq!(add(2, 2), 4); }
#[test]
fn wrong() { assert_eq!(add(2, 2), 5); }
EOF_RS
run_cthag -q -c tested.rs
expect_status 0 "-c:"
expect_out ""
expect_eq "$(ls "$CTHAG_CACHE_DIR/bins" | grep -c "^tested-")" 0 "-c installs nothing:"
run_cthag -q -T tested.rs -- adds
expect_status 0 "-T with a filter:"
expect_file_has "$TMP/out" "test adds ... ok"
run_cthag -q -T tested.rs
expect_status 101 "-T with a failing test:"
expect_file_has "$TMP/out" "test wrong ... FAILED"
run_cthag -A tested.rs -- tree
expect_status 0 "-A tree:"
expect_file_has "$TMP/out" "tested v0.1.0 (tested.rs)"
expect_eq "$(grep -c 'tested_' "$TMP/out")" 0 "-A tree names the script, not the generated package:"
printf 'fn main() { let x: i32 = "no"; }\n' > broken.rs
run_cthag -q -c broken.rs
expect_status 1 "-c on a type error:"
expect_err_has "broken.rs:1:"

# -x: a release build installed as a command.
PATH="$TMP/inst/bin:$PATH" run_cthag -q -x --install-dir "$TMP/inst/bin" tested.rs
expect_status 0 "-x:"
expect_err "cthag: installed $TMP/inst/bin/tested"
expect_eq "$("$TMP/inst/bin/tested")" "3" "the installed command runs:"
expect_file_has "$CARGO_LOG" "--release"

# -t: timings of each step.
run_cthag -t tested.rs
expect_status 0
case "$(err)" in *"cthag: timings: "*"run "*" ms") pass ;; *) fail "-t: $(err)" ;; esac

# -i levels: min = names only; config = with [infer.features]; max = with [infer.max-features].
export XDG_CONFIG_HOME="$TMP/config"
mkdir -p "$XDG_CONFIG_HOME/cthag"
printf '[infer.features]\nfeatured = ["loud"]\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
printf 'fn main() { println!("{}", featured::msg()); }\n' > feat.rs
run_cthag -q "${R[@]}" -i min feat.rs
expect_out "quiet" "-i min:"
run_cthag -q "${R[@]}" feat.rs
expect_out "LOUD" "-i config (the default):"
expect_eq "$(cat "$CTHAG_CACHE_DIR"/projects/feat-*/Cargo.toml |
    grep -c '^featured = { version = "0.2", features = \["loud"\] }$')" 1 "configured features:"
printf '[infer.max-features]\nfeatured = ["loud"]\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
# (The config file is not read on the cached path: a change applies to the next build.)
run_cthag -q -f "${R[@]}" -i config feat.rs
expect_out "quiet" "-i config without [infer.features]:"
run_cthag -q "${R[@]}" -i max feat.rs
expect_out "LOUD" "-i max:"
rm -r "$XDG_CONFIG_HOME"

# -m: a second fn main is an error unless asked for.
printf 'fn main() { println!("top"); }\nmod inner { pub fn main() {} }\n' > two.rs
run_cthag two.rs
expect_status 2
expect_err "cthag: two.rs:2: a second \`fn main\` (the first is at line 1); use -m/--multimain if that is intended"
run_cthag -q -m two.rs
expect_out "top" "-m:"

# Bad input: each a clear one-line error, exit 2.
check_usage() {
    local expected=$1
    shift
    STDIN=${STDIN:-/dev/null} run_cthag "$@"
    expect_status 2 "$*:"
    expect_err "$expected" "$*:"
}
check_usage "cthag: -e: empty expression (see cthag --help)" -e ''
check_usage "cthag: \`tested.rs\`: -e, -s and -l take no script file; put the arguments for the code after -- (see cthag --help)" -e '1' tested.rs
check_usage "cthag: -g, -x and -A need a script file, not -e, -s or -l (see cthag --help)" -g -e '1'
check_usage "cthag: -e/--expr and -l/--loop cannot be combined (see cthag --help)" -e '1' -l 'line'
"$CTHAG" -l 'line' > "$TMP/out" 2> "$TMP/err" <&-
status=$?
expect_status 2 "-l without stdin:"
expect_err "cthag: -l: no standard input to read lines from (see cthag --help)"
check_usage "cthag: -B/--begin goes with -l/--loop or -e/--expr, -E/--end with -l (see cthag --help)" -B 'let a = 1;' tested.rs
check_usage "cthag: -M/--toml goes with -e, -s or -l; a script file has its own manifest (see cthag --help)" -M '[dependencies]' tested.rs
check_usage "cthag: -c/--check and -T/--test-only cannot be combined (see cthag --help)" -c -T tested.rs
check_usage "cthag: -A needs a cargo subcommand after the script: cthag -A tested.rs -- tree (see cthag --help)" -A tested.rs
check_usage "cthag: --install-dir goes with -x/--executable (see cthag --help)" --install-dir /tmp tested.rs
check_usage "cthag: unknown inference level \`all\` (expected none, min, config or max) (see cthag --help)" -i all tested.rs
if command -v script > /dev/null; then
    script -qec "\"$CTHAG\" -l line" /dev/null < /dev/null > tty.out 2>&1
    expect_file_has tty.out "cthag: -l reads lines from standard input, which is a terminal; pipe some input in"
fi
run_cthag -q -e '1 +'
expect_status 1 "an expression that does not compile:"
expect_err_has "<expr>:1:"
expect_err_has "cthag: <expr>: build failed"

finish
