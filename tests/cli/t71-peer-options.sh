#!/bin/bash
# What thag and rust-script users type (issue 23): bare cthag prints the usage; -M takes a full
# manifest or bare `name = "req"` lines (and --help's example works as shown); rust-script's
# --dep/-d NAME[=VER], -p, -w; thag's --iter, -X, -C, -u BOOL, -d alone; rust-script's letters
# that thag gives another meaning answered with the command to type; make demo builds both
# programs.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
printf 'fn main() { println!("{:?}", std::env::args().skip(1).collect::<Vec<_>>()); }\n' > args.rs

# Bare cthag: the usage on stderr, status 2 (thag and rust-script print theirs).
run_cthag
expect_status 2 "bare cthag:"
expect_out ""
expect_eq "$(head -1 "$TMP/err")" "Usage: cthag [+TOOLCHAIN] [OPTIONS] SCRIPT[.rs] [--] [ARGS...]" "usage first:"
expect_eq "$(tail -1 "$TMP/err")" "The options: cthag --help"

# -M: a [table] header followed by a key on one line (the old --help example's shape), bare
# lines as [dependencies], a full fragment; each resolves tinydep from the registry.
run_cthag -q "${R[@]}" -i none -M '[dependencies] tinydep = "0.1"' -e 'tinydep::answer()'
expect_status 0 "-M one line with a header:"
expect_out "42"
run_cthag -q "${R[@]}" -i none -M 'tinydep = "0.1"' -e 'tinydep::answer() + 1'
expect_status 0 "-M bare lines:"
expect_out "43"
run_cthag -q "${R[@]}" -i none -M $'[dependencies]\ntinydep = "0.1"' -e 'tinydep::answer() + 2'
expect_out "44" "-M a full fragment:"
expect_eq "$(cat "$CTHAG_CACHE_DIR"/projects/expr-*/Cargo.toml | grep -c '^tinydep = "0.1"$')" \
    "$(ls -d "$CTHAG_CACHE_DIR"/projects/expr-* | wc -l)" "each manifest declares it once:"
# --help's -M example, word for word, works.
example=$("$CTHAG" --help | sed -n "s/.*-M '\(regex = \"1\"\)'.*/\1/p")
expect_eq "$example" 'regex = "1"' "--help shows -M 'regex = \"1\"':"
# (Offline, regex cannot be fetched: the build fails, but the manifest it was given is the one
# cthag wrote, and no TOML error stopped it first.)
run_cthag -q --offline -i none -M "$example" -e 'regex::Regex::new("a").is_ok()'
expect_status 1 "--help's -M example, offline:"
expect_err_lacks "bad manifest"
expect_eq "$(grep -l '^regex = "1"$' "$CTHAG_CACHE_DIR"/projects/expr-*/Cargo.toml | wc -l)" 1 \
    "--help's -M example is [dependencies] regex = \"1\":"

# rust-script's --dep NAME[=VER] (repeatable) and -d NAME[=VER]; thag's -d stays --edit.
run_cthag -q "${R[@]}" -i none --dep tinydep=0.1 --dep otherdep -e 'tinydep::answer() + otherdep::twice(1)'
expect_status 0 "--dep twice:"
expect_out "44"
run_cthag -q "${R[@]}" -i none -d tinydep -e 'tinydep::answer() * 2'
expect_out "84" "-d NAME before -e:"
run_cthag -q "${R[@]}" -i none -dtinydep=0.1 -e 'tinydep::answer() * 3'
expect_out "126" "-dNAME=VER:"
printf 'fn main() { println!("{}", tinydep::greet("dep")); }\n' > depped.rs
run_cthag -q "${R[@]}" -i none -d tinydep=0.1 depped.rs
expect_out "hello, dep" "-d NAME=VER before a script:"
run_cthag -q "${R[@]}" -i none depped.rs
expect_status 1 "without --dep the crate is missing (-i none):"
run_cthag --dep 'not a crate' -e 1
expect_status 2
expect_err "cthag: --dep: \`not a crate\` is not NAME or NAME=VERSION (e.g. regex or regex=1.10) (see cthag --help)"
EDITOR=touch run_cthag -q -d args.rs -- x
expect_status 0 "-d SCRIPT is still thag's --edit:"
expect_out '["x"]'
# thag's -d alone: a new snippet, written in the editor, then run.
printf '#!/bin/sh\nprintf "6 * 7\\n" > "$1"\n' > "$TMP/bin/write-snippet"
chmod +x "$TMP/bin/write-snippet"
EDITOR="$TMP/bin/write-snippet" run_cthag -q -d
expect_status 0 "-d alone:"
expect_out "42"

# rust-script's -p (--package) and -w (--wrapper).
run_cthag -q -p args.rs
expect_status 0
expect_eq "$(out)" "$(ls -d "$CTHAG_CACHE_DIR"/projects/args-*)" "-p prints the project:"
printf '#!/bin/sh\necho "wrapped: $*" | sed "s|[^ ]*/bins/|BIN/|"\n' > "$TMP/bin/show"
chmod +x "$TMP/bin/show"
run_cthag -q -w "$TMP/bin/show" args.rs -- a
expect_out "wrapped: BIN/args-$(ls "$CTHAG_CACHE_DIR/bins" | sed -n 's/^args-//p') a" "-w CMD:"

# thag's --iter is -r; -X is refused with the command to type; -C edits the config file.
printf '1 + 2\n' > one.txt
STDIN=one.txt run_cthag -q --iter
expect_status 0 "--iter:"
expect_out "3"
run_cthag -X args.rs
expect_status 2
expect_err "cthag: thag's -X/--expand is not cthag's: cthag -A args.rs -- expand runs cargo expand (cargo install cargo-expand)"
printf '#!/bin/sh\ngrep -q "^# \\[cache\\]" "$1" && printf "[cache]\\nmax-age-days = 7\\n" > "$1"\n' > "$TMP/bin/ed-config"
chmod +x "$TMP/bin/ed-config"
EDITOR="$TMP/bin/ed-config" run_cthag -C
expect_status 0 "-C:"
expect_eq "$(cat "$XDG_CONFIG_HOME/cthag/config.toml")" "[cache]
max-age-days = 7" "-C wrote the config file:"
run_cthag --print-config
expect_file_has "$TMP/out" "$XDG_CONFIG_HOME/cthag/config.toml"
printf '#!/bin/sh\nprintf "[cache]\\nmax-age-days = \\"x\\"\\n" > "$1"\n' > "$TMP/bin/ed-bad"
chmod +x "$TMP/bin/ed-bad"
EDITOR="$TMP/bin/ed-bad" run_cthag --config
expect_status 2 "-C with a mistake:"
expect_err_has "config.toml:2:"
rm "$XDG_CONFIG_HOME/cthag/config.toml"
EDITOR=true run_cthag -C
expect_status 0 "-C left unsaved:"
[ -e "$XDG_CONFIG_HOME/cthag/config.toml" ] && fail "an unsaved example was kept" || pass

# thag's -u takes true or false.
run_cthag -q -u false -e '"quoted"'
expect_out '"quoted"' "-u false:"
run_cthag -q --unquote=true -e '"bare"'
expect_out 'bare' "--unquote=true:"

# rust-script's letters with values, where thag's letter is a flag: the command to type.
run_cthag -t nightly args.rs
expect_status 2
expect_err "cthag: -t is --timings here (thag's letter), so \`nightly\` would be the script; rust-script's -t nightly is: cthag +nightly args.rs"
run_cthag -x regex args.rs
expect_status 2
expect_err "cthag: -x is --executable here (thag's letter), so \`regex\` would be the script; rust-script's --extern is not cthag's: write \`use NAME;\` or \`extern crate NAME;\` in the code (and --dep NAME if it is not inferred)"
run_cthag -b /tmp args.rs
expect_status 2
expect_err_has "cthag: -b is --build here (thag's letter), so \`/tmp\` would be the script; rust-script's --base-path"
run_cthag -q -t args.rs
expect_status 0 "-t before a script is still --timings:"

# The first command of the README builds both programs.
if command -v make > /dev/null; then
    make -s -C "$SOURCE_DIR" -n -B demo > demo.txt 2>&1
    grep -Eq -- "-o ([^ ]*/)?cthag-rapid( |$)" demo.txt && pass || fail "make demo does not build cthag-rapid: $(tail -3 demo.txt)"
fi

finish
