#!/bin/bash
# cthag -r outside a terminal: entries separated by blank lines from standard input, each result
# printed; items and `use` kept for later entries, and the statements of the entries that ran
# replayed before later ones, their output discarded (let bindings persist); a [toml] block's
# dependency from the local registry; :list, :forget, :save (and the saved script runs); an
# entry evaluated again is a cached -e entry (no cargo); usage errors.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
RAPID="$(dirname "$CTHAG")/cthag-rapid"
[ -x "$RAPID" ] || { echo "SKIP t55-rapid-batch: no cthag-rapid beside $CTHAG"; exit 77; }

# An expression, a multi-line block (a blank line inside braces does not end it), an item used
# by a later entry, and a statement replayed (silently) before the last.
cat > session.txt <<'EOF_IN'
1 + 2

fn square(x: i32) -> i32 {

    x * x
}

let forgotten = 5;
square(7)

square(3) + 1
EOF_IN
STDIN=session.txt run_cthag -q -r
expect_status 0
expect_out "3
49
10"
# One build per entry: the first by cargo, the others by rustc alone, with its command.
expect_cargo_calls 1 "cargo builds the first entry only:"
# The same session again: every entry is cached, as -e entries are.
STDIN=session.txt run_cthag -r
expect_out "3
49
10"
expect_err "" "cached entries print nothing of cthag's:"
expect_cargo_calls 0 "entries already evaluated are cached:"
# ... and they are the entries plain -e makes (with -B, what runs before): the same code
# evaluated with -B and -e is cached too.
run_cthag -B '#![allow(dead_code, unused_imports, unused_variables, unused_mut, unused_assignments, unused_must_use, unused_parens, path_statements, redundant_semicolons)]
' -e '1 + 2'
expect_out "3"
expect_cargo_calls 0 "an entry is a cached -e entry:"

# let bindings persist: an entry's statements run again before later entries, their output
# discarded (the line printed once); an entry that failed is not replayed; the error of a later
# entry is at its own line.
printf 'println!("printed once"); let kept = 1;\n\nkept + 1\n\nlet boom: Option<i32> = None; boom.unwrap()\n\nkept * 10\n\nlet x: i32 = "no";\n\nkept\n' > bound.txt
STDIN=bound.txt run_cthag -q -r
expect_status 1 "a failed entry:"
expect_out "printed once
2
10
1"
expect_err_has "called \`Option::unwrap()\` on a \`None\` value"
expect_eq "$(grep -c 'called `Option::unwrap()`' "$TMP/err")" 1 "the failed entry is not replayed:"
expect_err_has " --> <expr>:1:14"

# A [toml] block at an entry's top: its dependency comes from the local registry and stays for
# later entries; items using it too.  :list shows the toml and the items.
cat > deps.txt <<'EOF_IN'
/*[toml]
[dependencies]
otherdep = "0.2"
*/
fn four() -> u32 { otherdep::twice(2) }
four()

otherdep::twice(21)

:list

:forget four

:list
EOF_IN
STDIN=deps.txt run_cthag -q -r "${R[@]}" --infer none
expect_status 0
expect_out '4
42
/*[toml]
[dependencies]
otherdep = "0.2"
*/
fn four() -> u32 { otherdep::twice(2) }
forgot 1 item
/*[toml]
[dependencies]
otherdep = "0.2"
*/'

# -M seeds the session's manifest; :save writes a script cthag runs; :save refuses to overwrite,
# :save! overwrites.
cat > save.txt <<'EOF_IN'
use std::collections::BTreeMap;

fn greeting() -> String { tinydep::greet("session") }

let mut m = BTreeMap::new();
m.insert(greeting(), tinydep::answer());
m

:save saved.rs

:save saved.rs

2 + 2

:save! saved.rs
EOF_IN
STDIN=save.txt run_cthag -q -r "${R[@]}" --infer none -M '[dependencies]
tinydep = "0.1"'
expect_status 0
expect_out '{"hello, session": 42}
saved saved.rs (run it with: cthag saved.rs)
4
saved saved.rs (run it with: cthag saved.rs)'
expect_err "cthag: saved.rs exists; :save! saved.rs overwrites it"
expect_eq "$(cat saved.rs)" '/*[toml]
[dependencies]
tinydep = "0.1"
*/
use std::collections::BTreeMap;
fn greeting() -> String { tinydep::greet("session") }
let mut m = BTreeMap::new();
m.insert(greeting(), tinydep::answer());
let _ = (m);
2 + 2'
run_cthag -q "${R[@]}" --infer none saved.rs
expect_status 0
expect_out "4" "the saved script runs:"
printf ':save first.rs\n\nlet mut m = std::collections::BTreeMap::new();\nm.insert(1, 2);\nm\n\n:save first.rs\n' > save2.txt
STDIN=save2.txt run_cthag -q -r
expect_err_has "cthag: nothing to save yet"
run_cthag -q first.rs
expect_out "{1: 2}" "a saved entry's statements run:"

# :save over a symbolic link writes through it, as an editor does: a dangling link gets its file
# created (the link stays a link), a link to a file needs :save! like the file.
mkdir -p linked
ln -s linked/target.rs dangling.rs
printf 'target\n' > linked/there.rs
ln -s linked/there.rs tothere.rs
printf '2 * 2\n\n:save dangling.rs\n\n:save tothere.rs\n\n:save! tothere.rs\n' > links.txt
STDIN=links.txt run_cthag -q -r
expect_status 0 ":save through links:"
expect_out "4
saved dangling.rs, through its link, in linked/target.rs (run it with: cthag dangling.rs)
saved tothere.rs, through its link, in linked/there.rs (run it with: cthag tothere.rs)"
expect_err "cthag: tothere.rs exists; :save! tothere.rs overwrites it"
expect_eq "$(readlink dangling.rs):$(readlink tothere.rs)" "linked/target.rs:linked/there.rs" "the links stay links:"
expect_eq "$(cat linked/target.rs):$(cat linked/there.rs)" "2 * 2:2 * 2" "the files they name were written:"

# The program's arguments after --, its exit status, commands outside an entry.
printf 'std::env::args().skip(1).collect::<Vec<_>>()\n\n:frob\n\nstd::process::exit(3)\n' > args.txt
STDIN=args.txt run_cthag -q -r -- one two
expect_status 3 "the last failing entry's status:"
expect_out '["one", "two"]'
expect_err_has "cthag: unknown command :frob (:help lists them)"
reset_cargo_log
printf ':help\n' > help.txt
STDIN=help.txt run_cthag -r
expect_status 0
grep -q '^  :save FILE ' out && pass || fail ":help lists :save"
expect_cargo_calls 0 "commands build nothing:"

# Usage errors: -r takes no script, no -e/-s/-l, no -b.
run_cthag -r x.rs
expect_status 2
expect_err "cthag: -r/--rapid takes no script file (use :save FILE in the session to write one) (see cthag --help)"
run_cthag -r -e 1
expect_status 2
expect_err_has "takes no -e, -s or -l"
run_cthag --repl -b
expect_status 2
expect_err_has "-g, -b, -c, -T, -A and -x do not apply"
# Without the companion beside it (and none on PATH), -r says what is missing.
cp "$CTHAG" alone-cthag
status=$( { PATH=/usr/bin:/bin ./alone-cthag -r < /dev/null > out 2> err; echo $?; } 2>/dev/null)
expect_status 2 "no companion:"
expect_err_has "cthag: -r needs cthag-rapid, the interactive companion installed beside cthag"

finish
