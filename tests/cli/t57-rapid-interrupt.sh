#!/bin/bash
# cthag -r on a terminal: cargo's progress while an entry builds and nothing of cthag's when it is
# cached; Ctrl-C during a slow build (a dependency whose build script sleeps) and during a running
# entry stops it and leaves the session usable, keeping nothing of the interrupted entry; :edit
# on a terminal.
. "$(dirname "$0")/lib.sh"
. "$TESTS_DIR/pty-lib.sh"
export XDG_STATE_HOME="$TMP/state"
export EDITOR="sed -i s/3/5/" # for :edit, at the end

pty_start "$CTHAG -r --registry-dir $REGISTRY"
pty_wait_idle
pty_type '2 + 3'
pty_wait_idle "5"
# cargo's lines show only when a build takes more than a second (t73 checks both ways).
built=$(pty_screen | grep -c 'Compiling expr')
pty_type '2 + 3'
pty_wait_idle
expect_eq "$(pty_screen | tail -4)" '5
>> 2 + 3
5
>>' "a cached entry shows its value only:"
expect_eq "$(pty_screen | grep -c 'Compiling expr')" "$built" "no build for a cached entry:"

# Ctrl-C during a slow build: cargo stops, nothing is installed, the session goes on.
pty_type '/*[toml]'
pty_type '[dependencies]'
pty_type 'slowdep = "0.1"'
pty_type '*/'
pty_type 'slowdep::ready()'
pty_wait_for "Compiling slowdep" 60
pty_send C-c
pty_wait_idle "cthag: <expr>: interrupted; nothing was installed"
expect_eq "$(ls "$CTHAG_CACHE_DIR/bins" | wc -l)" 1 "nothing installed for the interrupted entry:"
pgrep -f "$CTHAG_CACHE_DIR/projects" > /dev/null && fail "cargo still runs" || pass
pty_type ':list'
pty_wait_idle "(no toml, no items yet)"
pty_type '6 * 7'
pty_wait_idle "42"

# Ctrl-C while an entry runs: the program stops, the session says so and goes on.
pty_type '{ println!("running {}", 1); std::thread::sleep(std::time::Duration::from_secs(60)); }'
pty_wait_for "running 1" 60
pty_send C-c
pty_wait_idle "[interrupted]"
pty_type '"still here"'
pty_wait_idle '"still here"'

# The slow entry again, left alone this time, builds and runs.
pty_slow_entry
# :edit opens the last entry in $EDITOR and evaluates it when saved.
pty_type '"ab".repeat(3)'
pty_wait_idle '"ababab"'
pty_type ':edit'
pty_wait_idle '"ababababab"'
pty_type ':quit'
pty_wait_for "[exit 0]" 10

finish
