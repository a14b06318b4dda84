#!/bin/bash
# Code cthag wraps in its own fn main (snippets, -e, -s, -l and its -B/-E parts) must pair its
# (), [] and {} up in itself: otherwise rustc pairs them with cthag's braces and points at code
# the script does not have.  cthag says which delimiter, on the script's line, and does not
# start cargo; the status is a failed build's (1), as for any code that does not compile.
# Programs (with their own fn main) are rustc's to judge, as they are.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# refused STDERR ARGS...: exit 1, that one line, no cargo, no project.
refused() {
    local want=$1
    shift
    run_cthag "${R[@]}" "$@"
    expect_status 1 "[$*]:"
    expect_err "$want" "[$*]:"
    expect_cargo_calls 0 "[$*]:"
    expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" 2>/dev/null | wc -l | tr -d ' ')" 0 "[$*] no project:"
}

printf 'let x = 1;\nif x == 1 {\n    println!("one");\n' > open.rs
refused 'cthag: open.rs:2: unclosed `{` (the script ends before it is closed)' open.rs

printf 'let x = 1;\nif x == 1 {\n    println!("one");\n}\n}\n' > extra.rs
refused 'cthag: extra.rs:5: unexpected `}` (nothing open to close)' extra.rs

printf '#!/usr/bin/env cthag\nlet v = [1,\n    2);\nprintln!("{v:?}");\n' > wrong.rs
refused 'cthag: wrong.rs:3: `)` closes the `[` opened on line 2' wrong.rs

refused 'cthag: <expr>:2: unclosed `(` (the expression ends before it is closed)' -e 'let a = 1;
(a + 1'
STDIN=extra.rs refused 'cthag: <stdin>:5: unexpected `}` (nothing open to close)' -s
refused 'cthag: <begin>:1: unclosed `{` (the -B code ends before it is closed)' \
    -B 'let mut n = 0; {' -E '} n' -l 'n += 1;'
refused 'cthag: <loop>:1: `}` closes the `(` opened on line 1' -l 'n += (1;}'
refused 'cthag: <end>:1: unexpected `]` (nothing open to close)' -B 'let n = 0;' -E 'n]' -l '()'

# Delimiters in strings, chars, raw and byte strings, comments and manifest blocks are text;
# lifetimes are no chars; macros take any balanced tokens.
write_script fine.rs <<'EOF_RS'
#!/usr/bin/env cthag
/*[toml]
[dependencies]
*/
let brace = '{';
let s = "}";
let raw = r#"( "[" "#;
let bytes = b"]";
/* a /* nested ( */ comment [ */
// a line comment }
fn first<'a>(x: &'a [u8]) -> &'a u8 { &x[0] }
macro_rules! pair { ($($x:tt)*) => { [$($x)*] } }
println!("{}{}{}{}{}", brace, s, raw, bytes.len(), first(&pair!(7, 8)));
EOF_RS
run_cthag -q "${R[@]}" fine.rs
expect_status 0 "fine.rs:"
expect_out '{}( "[" 17'

# A program is rustc's: cthag does not check it, and rustc names the script's own lines.
printf 'fn main() {\n    println!("open");\n' > prog.rs
reset_cargo_log
run_cthag -q "${R[@]}" prog.rs
expect_status 1 "prog.rs:"
expect_err_has "unclosed delimiter"
expect_err_lacks "cthag: prog.rs:1: unclosed"
[ "$(cargo_calls)" -ge 1 ] && pass || fail "prog.rs: cargo was not started"

finish
