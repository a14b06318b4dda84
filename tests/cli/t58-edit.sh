#!/bin/bash
# -d/--edit: the script (or the -e, -s, -l code, in a temporary file in the cache) is opened in
# $VISUAL/$EDITOR, here small scripts that edit the file, and run only when saved; the session's
# :edit and :toml use the same editor on a terminal (t73), and none outside one.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
unset VISUAL

# Editors: one that changes 21 to 42, one that saves without changing, one that does not save,
# one that fails, and one that writes a whole program.
printf '#!/bin/sh\nsed -i "s/21/42/" "$1"\n' > "$TMP/bin/ed-change"
printf '#!/bin/sh\ntouch "$1"\n' > "$TMP/bin/ed-touch"
printf '#!/bin/sh\nexit 0\n' > "$TMP/bin/ed-leave"
printf '#!/bin/sh\necho "editor failed" >&2\nexit 3\n' > "$TMP/bin/ed-fail"
printf '#!/bin/sh\nprintf "fn main() { println!(\\"new script\\"); }\\n" > "$1"\n' > "$TMP/bin/ed-write"
chmod +x "$TMP"/bin/ed-*
export EDITOR="$TMP/bin/ed-change"

write_script prog.rs <<'EOF_RS'
fn main() { println!("{}", 21); }
EOF_RS
run_cthag -q -d prog.rs
expect_status 0
expect_out "42" "the edited script runs:"
expect_eq "$(cat prog.rs)" 'fn main() { println!("{}", 42); }' "the script was edited in place:"
EDITOR="$TMP/bin/ed-leave" run_cthag -q --edit prog.rs
expect_status 0 "not saved:"
expect_out ""
expect_err "cthag: prog.rs: not saved; nothing run"
expect_cargo_calls 1 "not saved, not built:"
EDITOR="$TMP/bin/ed-touch" run_cthag -d prog.rs
expect_out "42" "saved unchanged: runs (cached):"
expect_cargo_calls 0
# $VISUAL wins over $EDITOR; an editor command may have arguments (run by the shell, as git does).
VISUAL="sed -i s/42/43/" EDITOR="$TMP/bin/ed-fail" run_cthag -q -d prog.rs
expect_out "43" "VISUAL with arguments:"
# A new script: the editor creates it.
EDITOR="$TMP/bin/ed-write" run_cthag -q -d new.rs
expect_status 0
expect_out "new script" "a new script written in the editor:"
# An editor that fails: nothing runs, exit 2.
EDITOR="$TMP/bin/ed-fail" run_cthag -q -d prog.rs
expect_status 2 "a failing editor:"
expect_err_has "cthag: prog.rs: the editor ($TMP/bin/ed-fail) exited with status 3"
expect_out ""
EDITOR="$TMP/bin/no-such-editor" run_cthag -q -d prog.rs
expect_status 2 "no editor:"
expect_err_has "exited with status 127"

# -e, -s and -l: the code is edited in a temporary file in the cache, removed afterwards.
run_cthag -q -d -e '2 * 21'
expect_status 0
expect_out "84" "-d -e runs the edited expression:"
expect_eq "$(find "$CTHAG_CACHE_DIR/edit" -mindepth 1 | wc -l)" 0 "the temporary file is gone:"
EDITOR="$TMP/bin/ed-leave" run_cthag -q -d -e '2 * 21'
expect_out "" "-d -e not saved:"
expect_err "cthag: <expr>: not saved; nothing run"
printf 'let v = vec![21, 1];\nv[0] + v[1]\n' > snippet.txt
STDIN=snippet.txt run_cthag -q -d -s
expect_out "43" "-d -s runs the edited standard input:"
printf 'a\nbb\nccc\n' > lines.txt
STDIN=lines.txt run_cthag -q -d -l 'line.len() * 21'
expect_out "42
84
126" "-d -l edits the filter; the lines still come from standard input:"
run_cthag -d -r
expect_status 2
expect_err_has "does not take -B, -E, --install-dir or -d"

# The session's :edit (the last entry) and :toml outside a terminal: no editor starts (this one
# would leave a mark, vi would draw its screen into standard output), each says why, the session
# goes on, and its status is a usage error's.
printf '#!/bin/sh\ntouch "%s/editor-ran"\n' "$TMP" > "$TMP/bin/ed-mark"
chmod +x "$TMP/bin/ed-mark"
printf '0 + 21\n\n:edit\n\n:toml\n\n1 + 1\n' > edit.txt
EDITOR="$TMP/bin/ed-mark" STDIN=edit.txt run_cthag -q -r
expect_status 2 "piped :edit and :toml:"
expect_out "21
2"
expect_err "cthag: :edit opens an editor, which needs a terminal; give the entry itself
cthag: :toml opens an editor, which needs a terminal; give the dependencies in a /*[toml] block of an entry, or -M"
[ -e "$TMP/editor-ran" ] && fail "a piped session started the editor" || pass
expect_eq "$(grep -c $'\033' "$TMP/out")" 0 "no terminal escapes on standard output:"

finish
