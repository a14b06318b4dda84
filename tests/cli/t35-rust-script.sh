#!/bin/bash
# rust-script's scripts run unchanged: its manifest forms as rust-script reads them (a ```cargo
# block in the leading //!, /// or /*! doc comment, the fence's info string in any case, a
# `// cargo-deps:` first line), `cthag NAME` finding NAME.ers or NAME.rs, and its options.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY" --infer none)

# ---- manifest forms ----
# An outer doc comment, as rust-script's own tests/data/outer-line-doc.rs has it.
write_script outer.rs <<'EOF_RS'
/// ```cargo
/// [dependencies]
/// tinydep = "0.1"
/// ```
pub fn main() {
    println!("outer {}", tinydep::answer());
}
EOF_RS
run_cthag -q "${R[@]}" outer.rs
expect_status 0 "/// block:"
expect_out "outer 42"

# The fence's info string in any case, after prose, behind a shebang.
write_script upper.rs <<'EOF_RS'
#!/usr/bin/env rust-script
//! Doubles.
//!
//! ```Cargo
//! [dependencies]
//! otherdep = "0.2"
//! ```
fn main() { println!("upper {}", otherdep::twice(4)); }
EOF_RS
run_cthag -q "${R[@]}" upper.rs
expect_status 0 "\`\`\`Cargo fence:"
expect_out "upper 8"

# A block comment with a tilde fence, and an earlier code block that is not the manifest.
write_script tilde.rs <<'EOF_RS'
/*!
 * Example:
 *
 * ```text
 * ```cargo
 * ```
 *
 * ~~~CARGO
 * [dependencies]
 * tinydep = "0.1"
 * ~~~
 */
fn main() { println!("tilde {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" tilde.rs
expect_status 0 "~~~CARGO in /*!:"
expect_out "tilde 42"

# A block left open runs to the end of the comment, as rust-script's Markdown reads it.
write_script open.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! tinydep = "0.1"
fn main() { println!("open {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" open.rs
expect_status 0 "unclosed block:"
expect_out "open 42"

# rust-script's cargo-deps pattern: any case, blanks allowed.
write_script deps.rs <<'EOF_RS'
//Cargo-Deps : tinydep="0.1"
fn main() { println!("deps {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" deps.rs
expect_status 0 "//Cargo-Deps :"
expect_out "deps 42"

# A manifest error in the block names the script's line.
write_script badblock.rs <<'EOF_RS'
/// Docs.
/// ```cargo
/// [dependencies]
/// tinydep = 0.1.0
/// ```
fn main() {}
EOF_RS
run_cthag badblock.rs
expect_status 2 "bad TOML in /// block:"
expect_err "cthag: badblock.rs:4: bad manifest: invalid value \`0.1.0\` (strings need quotes)"

# ---- rust-script's variables, with rust-script's values ----
# Its tests/data/script-cs-env.rs: the package name is the script's name, not cthag's package.
mkdir -p data
write_script data/script-cs-env.rs <<'EOF_RS'
use std::env;

fn main() {
    println!("--output--");
    let path = env::var("RUST_SCRIPT_PATH").expect("CSSP wasn't set");
    assert!(path.ends_with("script-cs-env.rs"));
    assert_eq!(env::var("RUST_SCRIPT_SAFE_NAME"), Ok("script-cs-env".into()));
    assert_eq!(env::var("RUST_SCRIPT_PKG_NAME"), Ok("script-cs-env".into()));
    let base_path = env::var("RUST_SCRIPT_BASE_PATH").expect("CSBP wasn't set");
    assert!(base_path.ends_with("data"));
    println!("Ok");
}
EOF_RS
run_cthag -q "${R[@]}" data/script-cs-env.rs
expect_status 0 "script-cs-env.rs:"
expect_out "--output--
Ok" "script-cs-env.rs:"
# The names as rust-script derives them: the file stem (up to the last dot), and from it a
# package name with a leading digit guarded, capitals lowered, other characters as `_`; the
# same at compile time (env!).  -e is "expr" with an empty path.
show_names='fn main() { println!("{} {} {}", env!("RUST_SCRIPT_SAFE_NAME"), env!("RUST_SCRIPT_PKG_NAME"), std::env::var("RUST_SCRIPT_PKG_NAME").unwrap()); }'
printf '%s\n' "$show_names" > "data/2Fast Script.v2.rs"
run_cthag -q "${R[@]}" "data/2Fast Script.v2.rs"
expect_out "2Fast Script.v2 _2fast_script_v2 _2fast_script_v2" "a name with digits, capitals, a space, a dot:"
printf '%s\n' "$show_names" > "data/héllo.ers"
run_cthag -q "${R[@]}" "data/héllo.ers"
expect_out "héllo h_llo h_llo" "a name with a non-ASCII letter, .ers:"
run_cthag -q "${R[@]}" -e 'format!("[{}] {} {}", env!("RUST_SCRIPT_PATH"), env!("RUST_SCRIPT_SAFE_NAME"), env!("RUST_SCRIPT_PKG_NAME"))'
expect_out '"[] expr expr"' "-e:"

# ---- cthag NAME finds NAME.ers, then NAME.rs, when NAME is not a file ----
printf 'fn main() { println!("rs {}", std::env::args().nth(1).unwrap_or_default()); }\n' > hello.rs
run_cthag -q hello world
expect_status 0 "NAME finds NAME.rs:"
expect_out "rs world"
printf 'fn main() { println!("ers"); }\n' > hello.ers
run_cthag -q hello
expect_out "ers" "NAME.ers before NAME.rs:"
mkdir -p sub && printf 'fn main() { println!("sub"); }\n' > sub/tool.rs
run_cthag -q sub/tool
expect_out "sub" "a path without extension:"
printf '#!/usr/bin/env cthag\nfn main() { println!("plain file"); }\n' > hello
run_cthag -q hello
expect_out "plain file" "NAME itself when it exists:"
# With an extension, nothing else is tried.
run_cthag -q hello.txt
expect_status 2 "NAME.txt:"
expect_err "cthag: hello.txt: no such file"
run_cthag -q nothing
expect_status 2 "no NAME at all:"
expect_err "cthag: nothing: no such file"

# ---- --wrapper CMD: the built program runs under CMD (rust-script's meaning) ----
printf '#!/bin/sh\nprintf "%%s|" "$@" > "%s/wrapped.log"\nexec "$@"\n' "$TMP" > "$TMP/bin/logrun"
printf '#!/bin/sh\nshift\nexec "$@"\n' > "$TMP/bin/skip1"
chmod +x "$TMP/bin/logrun" "$TMP/bin/skip1"
printf 'fn main() { for a in std::env::args().skip(1) { print!("[{}]", a); } println!(); }\n' > args.rs
reset_cargo_log
run_cthag -q -v --wrapper "$TMP/bin/logrun" args.rs one 'two words'
expect_status 0 "--wrapper:"
expect_out "[one][two words]"
expect_builds 1 "--wrapper builds once:"
bin=$(ls "$CTHAG_CACHE_DIR"/bins/args-*)
expect_eq "$(cat "$TMP/wrapped.log")" "$bin|one|two words|" "wrapper's argv:"
# The same executable with or without a wrapper; the wrapper's words split as a shell would.
rm "$TMP/wrapped.log"
PATH="$TMP/bin:$PATH" run_cthag --wrapper "logrun skip1 'x y'" args.rs three
expect_out "[three]" "--wrapper with words, cached:"
expect_eq "$(cat "$TMP/wrapped.log")" "skip1|x y|$bin|three|" "wrapper words:"
expect_cargo_calls 0 "--wrapper does not change the build:"
run_cthag -q -t --wrapper "$TMP/bin/logrun" args.rs four
expect_out "[four]" "--wrapper with -t:"
expect_err_has "cthag: timings:"
# The wrapper's status is the run's.
printf '#!/bin/sh\nexit 7\n' > "$TMP/bin/fails" && chmod +x "$TMP/bin/fails"
run_cthag --wrapper "$TMP/bin/fails" args.rs
expect_status 7 "the wrapper's status:"
run_cthag --wrapper "no-such-command -q" args.rs
expect_status 2 "missing wrapper command:"
expect_err "cthag: --wrapper: no-such-command: command not found"
run_cthag --wrapper "logrun 'unclosed" args.rs
expect_status 2 "bad wrapper quoting:"
expect_err "cthag: --wrapper: missing closing ' (see cthag --help)"
run_cthag --wrapper " " args.rs
expect_status 2 "empty wrapper:"
expect_err "cthag: --wrapper: the command is empty"
if command -v valgrind > /dev/null; then
    run_cthag -q --wrapper 'valgrind -q --error-exitcode=99' args.rs under-valgrind
    expect_status 0 "--wrapper 'valgrind -q':"
    expect_out "[under-valgrind]"
else
    echo "SKIP t35-rust-script: --wrapper valgrind (no valgrind)"
fi

# ---- rust-script's other option names ----
printf 'fn main() {}\n#[test]\nfn works() { assert_eq!(1 + 1, 2); }\n' > tested.rs
run_cthag -q --test tested.rs
expect_status 0 "--test:"
expect_file_has "$CARGO_LOG" "test --manifest-path"
reset_cargo_log
run_cthag --package args.rs
expect_status 0 "--package:"
expect_eq "$(out)" "$(ls -d "$CTHAG_CACHE_DIR"/projects/args-*)" "--package prints the project:"
run_cthag --gen-pkg-only args.rs
expect_eq "$(out)" "$(ls -d "$CTHAG_CACHE_DIR"/projects/args-*)" "--gen-pkg-only:"
run_cthag --toolchain no-such-toolchain -q args.rs
expect_status 1 "--toolchain NAME:"
expect_file_has "$CARGO_LOG" "cargo +no-such-toolchain build"
reset_cargo_log
run_cthag +a --toolchain b args.rs
expect_status 2 "+a --toolchain b:"
expect_err "cthag: +a and --toolchain b disagree (see cthag --help)"
run_cthag --clear-cache
expect_status 0 "--clear-cache:"
expect_eq "$(bins_count)" 0 "--clear-cache empties bins/:"
# --debug: the dev profile even when the config file asks for release.
mkdir -p "$XDG_CONFIG_HOME/cthag" && printf '[build]\nprofile = "release"\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
run_cthag -q --debug args.rs
expect_status 0 "--debug:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/target" | grep -c -x -e debug -e release)" 1 "one profile built:"
[ -d "$CTHAG_CACHE_DIR/target/debug" ] && pass || fail "--debug did not build the dev profile"
run_cthag -q --debug --release args.rs
[ -d "$CTHAG_CACHE_DIR/target/release" ] && pass || fail "--release after --debug"
rm "$XDG_CONFIG_HOME/cthag/config.toml"
# --cargo-output: cargo's output shows (cthag's default), even after -q (-f: a build by cargo, not
# by rustc alone, which has no output of cargo's to show).
run_cthag -q --cargo-output -f args.rs
expect_err_has "Compiling args v0.1.0 (args.rs)"

# ---- --loop: rust-script's closure ----
# rust-script's documented example: the code's value is a closure, called with each line (a
# &str that keeps its newline: rust-script reads with read_line).
printf 'alpha  \nbeta\ngamma\n' > three.txt
STDIN=three.txt run_cthag -q --loop \
    'let mut n=0; move |l| {n+=1; println!("{:>6}: {}",n,l.trim_end())}'
expect_status 0 "--loop closure:"
expect_out "     1: alpha
     2: beta
     3: gamma" "--loop closure:"
STDIN=three.txt run_cthag -q -l '|l| l.len()' -E 'println!("{i} lines")'
expect_out "8
5
6
3 lines" "-l closure: the newline kept, i for -E:"
# thag's form (a body seeing `line`, without its newline, and `i`) is unchanged.
STDIN=three.txt run_cthag -q -l 'let f = |s: &str| s.len(); (i, f(&line))'
expect_out "(1, 7)
(2, 4)
(3, 5)" "-l body:"

finish
