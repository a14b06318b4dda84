#!/bin/bash
# -A: fmt formats the script itself (programs, frontmatter included) and refuses snippets; fixes
# never land in cthag's copy; -q never hides -A's output; clippy's and tests' messages are shown
# against the script, as build diagnostics are.
. "$(dirname "$0")/lib.sh"
export RUST_BACKTRACE=0

have() { "$REAL_CARGO" "$1" --version > /dev/null 2>&1; }

write_script prog.rs <<'EOF_RS'
fn main() {
    let x=1;println!("{}",x);
}
EOF_RS
write_script front.rs <<'EOF_RS'
---
[package]
edition = "2021"
---
fn main() {
    let x=1;println!("{}",x);
}
EOF_RS
write_script snip.rs <<'EOF_RS'
let x=1;println!("{}",x);
EOF_RS
formatted='fn main() {
    let x = 1;
    println!("{}", x);
}'
if have fmt; then
    run_cthag -A prog.rs -- fmt
    expect_status 0 "-A fmt:"
    expect_eq "$(cat prog.rs)" "$formatted" "the program itself is formatted:"
    expect_file_has "$CARGO_LOG" " fmt --manifest-path "
    run_cthag -A front.rs -- fmt
    expect_status 0 "-A fmt on a frontmatter script:"
    expect_eq "$(cat front.rs)" "---
[package]
edition = \"2021\"
---
$formatted" "formatted, frontmatter kept:"
    cp snip.rs snip.orig
    run_cthag -A snip.rs -- fmt
    expect_status 2 "-A fmt on a snippet:"
    expect_err "cthag: snip.rs: -A fmt: snip.rs is a snippet, which rustfmt cannot format (only programs with fn main are formatted, in place)"
    expect_eq "$(cat snip.rs)" "$(cat snip.orig)" "the snippet is untouched:"
    # -q: -A's own output is what was asked for.
    printf 'fn main() {  }\n' > unformatted.rs
    run_cthag -q -A unformatted.rs -- fmt --check
    expect_status 1 "-A fmt --check on unformatted code:"
    expect_file_has "$TMP/out" "fn main() {}"
else
    echo "SKIP t42-cargo-actions: -A fmt (no cargo fmt)"
fi

# -q: the subcommand's output is shown.
run_cthag -q -A prog.rs -- tree
expect_status 0 "-q -A tree:"
expect_file_has "$TMP/out" "prog v0.1.0 (prog.rs)"

if have clippy; then
    # Fixes would go to the copy of a snippet: refused, nothing changed.
    run_cthag -A snip.rs -- clippy --fix --allow-no-vcs
    expect_status 2 "-A clippy --fix on a snippet:"
    expect_err "cthag: snip.rs: -A clippy: cthag compiles a copy of this script (a snippet, a program with a frontmatter manifest, or a script from a URL), so fixes would not reach it; -A snip.rs -- clippy shows the suggestions"
    expect_eq "$(cat snip.rs)" "$(cat snip.orig 2> /dev/null || cat snip.rs)" "unchanged:"
    run_cthag -A front.rs -- fix --allow-no-vcs
    expect_status 2 "-A fix on a frontmatter script:"
    # A program compiled where it lives: fixed in place.
    write_script fixme.rs <<'EOF_RS'
fn one() -> i32 {
    return 1;
}
fn main() {
    println!("{}", one());
}
EOF_RS
    run_cthag -q -A fixme.rs -- clippy --fix --allow-no-vcs
    expect_status 0 "-A clippy --fix on a program:"
    expect_eq "$(sed -n 2p fixme.rs)" "    1" "the program itself is fixed:"
    # Clippy's messages against the snippet's own lines, nothing of cthag's.
    write_script lint.rs <<'EOF_RS'
#!/usr/bin/env cthag
let v = vec![1, 2, 3];
let n = v.iter().count();
if n == 3 { return Ok(()); }
n
EOF_RS
    run_cthag -q -A lint.rs -- clippy
    expect_status 0 "-A clippy:"
    expect_err_has " --> lint.rs:3:9"
    expect_err_has "3 | let n = v.iter().count();"
    expect_err_lacks "__cthag"
    expect_err_lacks "fn main()"
    # A final value that starts with ( or *: cthag's &( around it is not the script's
    # double parentheses or needless re-borrow (clippy::double_parens, borrow_deref_ref).
    printf 'let (a, b) = (1, 2);\n(a, b)\n' > tuple.rs
    printf 'let x = 5;\nlet r = &x;\n*r\n' > deref.rs
    printf 'let y = ((1));\n(y, y)\n' > own-parens.rs
    for s in tuple deref; do
        run_cthag -q -A $s.rs -- clippy
        expect_status 0 "-A clippy on $s.rs:"
        expect_err_lacks "warning"
    done
    # ... while the script's own double parentheses (outside the final value) are still reported.
    run_cthag -q -A own-parens.rs -- clippy
    expect_err_has "warning: unnecessary parentheses"
    expect_err_has " --> own-parens.rs:1:9"
    expect_err_has "warning: unnecessary parentheses around assigned value"
    expect_eq "$(grep -c '^warning' "$TMP/err")" 2 "rustc's and clippy's, on the script's own:"
else
    echo "SKIP t42-cargo-actions: -A clippy (no cargo clippy)"
fi

# -T: a failing test's panic names the script, as build diagnostics do.
mkdir -p sub
write_script sub/tested.rs <<'EOF_RS'
fn add(a: i32, b: i32) -> i32 { a + b }
fn main() { println!("{}", add(1, 2)); }
#[test]
fn wrong() { assert_eq!(add(2, 2), 5); }
EOF_RS
run_cthag -q -T sub/tested.rs
expect_status 101 "-T:"
expect_file_has "$TMP/out" "panicked at sub/tested.rs:4:14"

# Messages about what cthag wraps around a snippet are in the script's terms.
run_cthag -q -e 'struct S; S'
expect_status 1
expect_err_has "error[E0277]: \`S\` doesn't implement \`Debug\`"
expect_err_has " --> <expr>:1:11"
expect_eq "$(grep -c '^1 |' "$TMP/err")" 1 "one line 1 shown:"
expect_err_has "1 | struct S; S"
expect_err_lacks "__cthag_show"
expect_err_lacks "__CthagShow"
seq 2 > two.txt
STDIN=two.txt run_cthag -q -B 'let x = 5;' -l 'line' -E 'x'
expect_status 0 "-E's value is printed:"
expect_out '"1"
"2"
5'
STDIN=two.txt run_cthag -q -l 'line' -E 'let a = 1 let b = 2;'
expect_status 1
expect_err_has " --> <end>:1:11"
expect_err_lacks "Ok(())"
run_cthag -q -e '1 +'
expect_status 1
expect_err_has "error: expected expression, found the end of the expression"
expect_err_has " --> <expr>:1:4"
# A set of broken snippets: never cthag's names, main, its Ok(()) or its lines.
i=0
while IFS= read -r code; do
    i=$((i + 1))
    printf '%b' "$code" > "broken$i.rs"
    run_cthag -q "broken$i.rs"
    expect_status 1 "broken$i.rs ($code):"
    for internal in __cthag __Cthag "fn main()" "Ok(())" "$CTHAG_CACHE_DIR"; do
        if grep -qF -- "$internal" "$TMP/err"; then
            fail "broken$i.rs ($code) shows [$internal]"
        else
            pass
        fi
    done
    expect_err_has "broken$i.rs:"
done <<'EOF_CASES'
let x = 1;\nx +
fn f() {\nlet y = 2;
let a = 1;\n}\na
return 5;
let v: Option<u8> = None;\nv?
"unterminated
loop { let z = 1;
break;
let s = String::new();\n&s[..] + 1
use std::collections::HashMap;\nlet m: HashMap<u8, u8> = HashMap::new();\nm.missing()
struct P;\nvec![P]
let x: u8 = 300;\nx
EOF_CASES

finish
