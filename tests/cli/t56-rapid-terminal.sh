#!/bin/bash
# cthag -r on a real terminal (tmux): an expression, a multi-line block, an item reused by a later
# entry, a [toml] dependency from the local registry, Ctrl-C on a line being typed, :save (and
# cthag runs the script), history kept in $XDG_STATE_HOME and recalled (Up, Ctrl-R) after a
# restart, Ctrl-D on an empty line.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/pty-lib.sh"
export XDG_STATE_HOME="$TMP/state"
SESSION="$CTHAG -q -r --registry-dir $REGISTRY --infer none"

pty_start "$SESSION"
pty_wait_idle "cthag -r: an entry runs once complete; :help for commands, Ctrl-D to quit"
pty_type '1 + 2'
pty_wait_idle "3"
# A block over several lines: Enter continues while a brace is open.
pty_type '{'
pty_type '    let a = 2;'
pty_type '    a * 21'
pty_type '}'
pty_wait_idle "42"
# An item, then an entry that uses it.
pty_type 'fn shout(s: &str) -> String {'
pty_type '    s.to_uppercase() + "!"'
pty_type '}'
pty_wait_idle
pty_type 'shout("hey")'
pty_wait_idle '"HEY!"'
# A dependency from a [toml] block (inference is off: the block is what declares it).
pty_type '/*[toml]'
pty_type '[dependencies]'
pty_type 'tinydep = "0.1"'
pty_type '*/'
pty_type 'tinydep::greet("pty")'
pty_wait_idle '"hello, pty"'
# The dependency stays for later entries.
pty_type 'tinydep::answer() + 1'
pty_wait_idle "43"
# Ctrl-C cancels the line being typed; the session goes on.
pty_send -l 'this line is cancelled'
pty_send C-c
pty_wait_idle "this line is cancelled^C"
pty_type ':save saved.rs'
pty_wait_idle "saved saved.rs (run it with: cthag saved.rs)"
pty_type ':quit'
pty_wait_for "[exit 0]" 10
expect_eq "$(pty_screen)" 'cthag -r: an entry runs once complete; :help for commands, Ctrl-D to quit
>> 1 + 2
3
>> {
..     let a = 2;
..     a * 21
.. }
42
>> fn shout(s: &str) -> String {
..     s.to_uppercase() + "!"
.. }
>> shout("hey")
"HEY!"
>> /*[toml]
.. [dependencies]
.. tinydep = "0.1"
.. */
.. tinydep::greet("pty")
"hello, pty"
>> tinydep::answer() + 1
43
>> this line is cancelled^C
>> :save saved.rs
saved saved.rs (run it with: cthag saved.rs)
>> :quit
[exit 0]' "the session's terminal:"

expect_eq "$(cat saved.rs)" '/*[toml]
[dependencies]
tinydep = "0.1"
*/
fn shout(s: &str) -> String {
    s.to_uppercase() + "!"
}
tinydep::answer() + 1' "the saved script:"
run_cthag -q --registry-dir "$REGISTRY" --infer none saved.rs
expect_status 0
expect_out "43" "cthag runs the saved script:"

# History: kept in $XDG_STATE_HOME/cthag/history (private), recalled after a restart.
expect_eq "$(stat -c %a "$XDG_STATE_HOME/cthag/history")" 600 "history file mode:"
expect_file_has "$XDG_STATE_HOME/cthag/history" 'shout("hey")'
expect_eq "$(grep -c 'this line is cancelled' "$XDG_STATE_HOME/cthag/history")" 0 \
    "a cancelled line is not in the history:"
pty_start "$SESSION"
pty_wait_idle
pty_send Up Up
pty_wait_for '>> :save saved.rs' 10
pty_send Enter
pty_wait_idle "cthag: nothing to save yet" # the new session has no items
# Ctrl-R searches the history; Enter evaluates the line found.
pty_send C-r
pty_send -l 'greet'
pty_wait_for 'tinydep::greet("pty")' 10
pty_send Enter
pty_wait_idle
# (The new session has no [toml]: the entry fails to build, as it should without a dependency.)
pty_screen | grep -qF 'unresolved' && pass || fail "Ctrl-R recalled the tinydep entry: $(pty_screen | tail -5)"
pty_type ':history'
pty_wait_idle ':history'
pty_screen | grep -qE '^ +[0-9]+  shout\("hey"\)$' && pass || fail ":history lists the lines"
# Ctrl-D on an empty line ends the session.
pty_send C-d
pty_wait_for "[exit 0]" 10

# A Ctrl-D typed ahead, before the first prompt (the session starts only once it waits in the
# terminal's input queue, the terminal in cooked mode, which reads it as end of file: bash's
# "read -t 0" sees it there without reading it): it ends the session as well. (It reached
# libedit's raw read as a NUL byte, and the session then took every later key literally: no
# Ctrl-D ended it.)
pty_start "bash -c 'until read -t 0; do sleep 0.02; done'; $SESSION"
pty_send C-d
pty_wait_for "[exit 0]" 10

finish
