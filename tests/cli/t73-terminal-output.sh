#!/bin/bash
# On a real terminal (tmux), issue 23 items 1, 2 and 5: cargo's progress bar is shown while it
# builds and erased before every line, cargo's or cthag's (a compile error is never printed over
# the bar); what cargo says names the script (`Compiling slowerr v0.1.0 (slowerr.rs)`, could not
# compile `slowerr`), never the generated package or the cache; cthag -r keeps let bindings,
# reports an entry's errors at its own lines, shows no cargo line for a quick dependency-free
# entry and cargo's lines (with the script's names) for a slow one; :edit and :toml there.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/pty-lib.sh"
export XDG_STATE_HOME="$TMP/state"
# cargo draws no bar under CI (its rule, which cthag follows: relay_wants_bar); .ci/run sets
# CI=true, and this test is about the terminal a user has.
unset CI TF_BUILD

# pty_start_raw COMMAND: as pty_start, with everything written to the terminal kept in raw.N; the
# command starts once the pipe is in place (it polls the marker written after pipe-pane).
pty_start_raw() {
    local marker="$TMP/piped.$((PTY_COUNT + 1))"
    pty_start "until [ -e $marker ]; do sleep 0.02; done; $1"
    tmux -S "$PTY_SOCKET" pipe-pane -o "cat >> $TMP/raw.$PTY_COUNT"
    touch "$marker"
}
# pty_raw: what the program wrote (escapes and all), from pty_start_raw.
pty_raw() { tr '\r' '\n' < "$TMP/raw.$PTY_COUNT"; }

# ---- a compile error while cargo's bar is up (a dependency whose build script sleeps keeps it
# drawn, and cargo draws it again as the script's own compile starts) ----
write_script slowerr.rs <<'EOF_RS'
/*[toml]
[dependencies]
slowdep = "0.1"
*/
fn main() {
    let b: i32 = slowdep::ready();
}
EOF_RS
pty_start_raw "$CTHAG --registry-dir $REGISTRY slowerr.rs"
pty_wait_for "[exit 1]" 120
[ "$(pty_raw | grep -c 'Building')" -ge 2 ] && pass || fail "cargo's bar was not shown: $(pty_raw | head -5)"
# Item 1 alone: the diagnostic's first line is whole, nothing of the bar is left on any line.
expect_eq "$(pty_screen | grep -c '^error\[E0308\]: mismatched types$')" 1 "the error line is clean:"
expect_eq "$(pty_screen | grep -c 'Building\|\] [0-9]*/[0-9]*')" 0 "no remnant of the bar:"
expect_eq "$(pty_screen)" '     Locking 1 package to latest compatible version
   Compiling slowdep v0.1.0
   Compiling slowerr v0.1.0 (slowerr.rs)
error[E0308]: mismatched types
 --> slowerr.rs:6:18
  |
6 |     let b: i32 = slowdep::ready();
  |            ---   ^^^^^^^^^^^^^^^^ expected `i32`, found `&str`
  |            |
  |            expected due to this

For more information about this error, try `rustc --explain E0308`.
error: could not compile `slowerr` (bin "slowerr") due to 1 previous error
cthag: slowerr.rs: build failed (cargo exited with status 101)
[exit 1]' "the terminal after a failed build:"
# Each line cthag wrote started on a clean line: an erase wherever the bar was up.
expect_eq "$(pty_raw | grep -c 'slowerr_')" 0 "no generated package name, even in the bar:"

# ---- cthag -r: quick entries (a long threshold: no machine is slow enough to reach it) ----
pty_start "CTHAG_RAPID_QUIET_MS=60000 $CTHAG -r"
pty_wait_idle
pty_type 'let x = 5;'
pty_wait_idle
pty_type 'x + 1'
pty_wait_idle "6"
pty_type 'println!("side effect"); let y = x * 2;'
pty_wait_idle "side effect"
pty_type 'y + x'
pty_wait_idle "15"
pty_type 'let s: i32 = "no";'
pty_wait_idle "build failed"
pty_type 'x'
pty_wait_idle "5"
expect_eq "$(pty_screen)" 'cthag -r: an entry runs once complete; :help for commands, Ctrl-D to quit
>> let x = 5;
>> x + 1
6
>> println!("side effect"); let y = x * 2;
side effect
>> y + x
15
>> let s: i32 = "no";
error[E0308]: mismatched types
 --> <expr>:1:14
  |
1 | let s: i32 = "no";
  |        ---   ^^^^ expected `i32`, found `&str`
  |        |
  |        expected due to this

For more information about this error, try `rustc --explain E0308`.
cthag: <expr>: build failed (rustc exited with status 1)
>> x
5
>>' "bindings kept, output not replayed, no cargo lines, errors at the entry's lines:"

# :edit and :toml on a terminal: the editor changes the entry (evaluated when saved), the
# manifest (a malformed one refused, the old one kept).
printf '#!/bin/sh\nif grep -q tinydep "$1"; then echo "not = toml = here" > "$1";\nelif grep -q dependencies "$1"; then printf "[dependencies]\\ntinydep = \\"0.1\\"\\n" > "$1";\nelse sed -i s/21/22/ "$1"; fi\n' > "$TMP/bin/ed-session"
chmod +x "$TMP/bin/ed-session"
pty_type ':quit'
pty_wait_for "[exit 0]" 10
pty_start "CTHAG_RAPID_QUIET_MS=60000 EDITOR=$TMP/bin/ed-session $CTHAG -r --registry-dir $REGISTRY --infer none"
pty_wait_idle
pty_type '0 + 21'
pty_wait_idle "21"
pty_type ':edit'
pty_wait_idle "22"
pty_type ':toml'
pty_wait_idle
pty_type 'tinydep::answer()'
pty_wait_idle "42"
pty_type ':toml'
pty_wait_idle "cthag: toml:1:"
pty_type ':list'
pty_wait_idle 'tinydep = "0.1"'
pty_type ':quit'
pty_wait_for "[exit 0]" 10

# ---- cthag -r: a slow entry (over a second: its dependency's build script sleeps two) shows
# cargo's lines, with the script's names, and its value (a new cache: slowdep not built yet) ----
pty_start_raw "CTHAG_CACHE_DIR=$TMP/fresh-cache $CTHAG -r --registry-dir $REGISTRY --infer none"
pty_wait_idle
pty_slow_entry
pty_screen | grep -qE '^ +Compiling slowdep v0.1.0$' && pass || fail "a slow build shows cargo's lines: $(pty_screen | tail)"
pty_screen | grep -qE '^ +Compiling expr v0.1.0 \(<expr>\)$' && pass || fail "named for the expression: $(pty_screen | tail)"
expect_eq "$(pty_raw | grep -c 'expr_')" 0 "no generated package name:"
pty_type ':quit'
pty_wait_for "[exit 0]" 10

finish
