#!/bin/bash
# Bad input gets one clear line naming the file, exit 2 (1 for a failed build), nothing cached.
. "$(dirname "$0")/lib.sh"

run_cthag missing.rs
expect_status 2 "missing file:"
expect_err "cthag: missing.rs: no such file"

mkdir dir.rs
run_cthag dir.rs
expect_status 2 "directory:"
expect_err "cthag: dir.rs: is a directory, not a script"

printf 'fn main() {}\n\0\1\2' > binary.rs
run_cthag binary.rs
expect_status 2 "binary file:"
expect_err "cthag: binary.rs:2: binary file (contains NUL bytes), not a Rust script"

: > empty.rs
run_cthag empty.rs
expect_status 2 "empty file:"
expect_err "cthag: empty.rs: empty script"

printf 'fn main() { println!("\xff"); }\n' > latin1.rs
run_cthag latin1.rs
expect_status 2 "invalid UTF-8:"
expect_err "cthag: latin1.rs:1: invalid UTF-8 (Rust source must be UTF-8)"
expect_cargo_calls 0 "no cargo for bad input:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" 2>/dev/null | wc -l)" 0 "no project for bad input:"

# A syntax error: cargo's own diagnostic is shown, cthag says the build failed, exit 1.
write_script syntax.rs <<'EOF_RS'
fn main() {
    let x = ;
}
EOF_RS
run_cthag syntax.rs
expect_status 1 "syntax error:"
expect_err_has "error: expected expression, found \`;\`"
expect_err_has "cthag: syntax.rs: build failed (cargo exited with status 101)"
expect_eq "$(bins_count)" 0 "nothing installed after a failed build:"
# -q hides cargo's output unless the build fails: here it fails, so it is shown.
run_cthag -q syntax.rs
expect_status 1
expect_err_has "expected expression"

# Usage errors (bare cthag prints the usage: t71).
run_cthag -q
expect_status 2
expect_err "cthag: no script given (see cthag --help)"
run_cthag --bogus x.rs
expect_status 2
expect_err "cthag: unknown option --bogus (see cthag --help)"
run_cthag -Z x.rs
expect_status 2
expect_err "cthag: unknown option -Z (see cthag --help)"
run_cthag --features
expect_status 2
expect_err "cthag: option --features needs a value (see cthag --help)"
run_cthag --infer sometimes x.rs
expect_status 2
expect_err "cthag: unknown inference level \`sometimes\` (expected none, min, config or max) (see cthag --help)"
run_cthag --registry-dir /nonexistent x.rs
expect_status 2
expect_err "cthag: --registry-dir /nonexistent: No such file or directory"
run_cthag -g -b x.rs
expect_status 2
expect_err "cthag: -g/--gen and -b/--build cannot be combined (see cthag --help)"
run_cthag + x.rs
expect_status 2

# cargo missing.
write_script ok.rs <<'EOF_RS'
fn main() {}
EOF_RS
printf 'me:x:%s:%s::%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$TMP/nohome" > "$TMP/passwd"
CARGO= PATH=/usr/bin:/bin CTHAG_TEST_PASSWD=$TMP/passwd run_cthag ok.rs
expect_status 1 "no cargo:"
expect_err "cthag: cargo not found (not in \$CARGO, on PATH or in ~/.cargo/bin): install Rust from https://rustup.rs or your system's cargo package"

# --help and --version.
run_cthag --help
expect_status 0
case "$(out)" in "Usage: cthag "*"--clean [WHAT]"*) pass ;; *) fail "--help: $(out)" ;; esac
run_cthag -V
expect_out "cthag $(cthag_release) (cache format 3)"

finish
