#!/bin/bash
# Compiler errors and warnings point at the script's own path, line and column: for programs,
# snippets (wrapped into main), frontmatter scripts, -e, and with colours on a terminal.
. "$(dirname "$0")/lib.sh"

# A snippet with a shebang and a type error on its line 3 (column 14).
write_script snippet.rs <<'EOF_RS'
#!/usr/bin/env cthag
let a = 1;
let b: i32 = "text";
println!("{}", a + b);
EOF_RS
run_cthag snippet.rs
expect_status 1
expect_err_has " --> snippet.rs:3:14"
expect_err_has '3 | let b: i32 = "text";'
expect_eq "$(grep -c "$CTHAG_CACHE_DIR/projects" "$TMP/err")" 0 "no generated path in the output:"
expect_err_has "Compiling snippet v0.1.0 (snippet.rs)"
expect_err_has "cthag: snippet.rs: build failed (cargo exited with status 101)"

# A snippet whose items move above the generated main: the error still names line 6.
write_script items.rs <<'EOF_RS'
let x = helper();
println!("{x}");

fn helper() -> u32 {
    // the wrong type on line 6
    "not a number"
}
EOF_RS
run_cthag items.rs
expect_status 1
expect_err_has " --> items.rs:6:5"

# A program in a subdirectory: the path as the user wrote it.
mkdir -p sub
write_script sub/prog.rs <<'EOF_RS'
fn main() {
    let unused = 5;
    let n: u8 = 300;
}
EOF_RS
run_cthag sub/prog.rs
expect_status 1
expect_err_has "warning: unused variable: \`unused\`"
expect_err_has " --> sub/prog.rs:2:9"
expect_err_has " --> sub/prog.rs:3:17"

# Frontmatter removed from the compiled source: lines still match the script.
write_script front.rs <<'EOF_RS'
---
[package]
edition = "2021"
---

fn main() {
    let s: String = 5;
}
EOF_RS
run_cthag front.rs
expect_status 1
expect_err_has " --> front.rs:7:21"
expect_err_has '7 |     let s: String = 5;'

# -e: the expression's own lines.
run_cthag -e 'let a = 1;
a + "x"'
expect_status 1
expect_err_has " --> <expr>:2:3"
expect_err_has '2 | a + "x"'

# Warnings of a successful build are shown once, against the script; cached runs are silent.
write_script warn.rs <<'EOF_RS'
let unused = 1;
println!("ok");
EOF_RS
run_cthag warn.rs
expect_status 0
expect_out "ok"
expect_err_has " --> warn.rs:1:5"
run_cthag warn.rs
expect_err "" "cached run after warnings:"

# Colours on a terminal: ANSI escapes kept, positions still rewritten.
if command -v script > /dev/null; then
    script -qec "\"$CTHAG\" snippet.rs" /dev/null < /dev/null > tty.out 2>&1
    expect_file_has tty.out "snippet.rs:3:14"
    expect_file_has tty.out "$(printf '\033[')"
    expect_file_has tty.out "let b: i32 = \"text\";"
    NO_COLOR=1 script -qec "\"$CTHAG\" snippet.rs" /dev/null < /dev/null > plain.out 2>&1
    expect_eq "$(grep -c "$(printf '\033')\[0m\[1m\[38;5;9merror" plain.out)" 0 "NO_COLOR:"
else
    echo "SKIP t17-diagnostics: colour (no script(1) to give cthag a terminal)"
fi

finish
