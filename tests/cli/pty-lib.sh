# Driving an interactive program in a real pseudo-terminal (tmux), for the cthag -r tests.
# Sourced after lib.sh.  Each test file gets its own tmux server (socket in $TMP), stopped at exit.
command -v tmux > /dev/null || { echo "SKIP $TEST_NAME: no tmux (apt-get install tmux)"; exit 77; }
PTY_SOCKET= PTY_COUNT=0
trap 'pty_stop; cleanup' EXIT

# pty_start COMMAND: run the command (a shell command line) in a fresh 100x40 terminal
# (environment: this shell's), under a new tmux server.  When it ends, "[exit STATUS]" is shown
# (and the pane stays, its sleep ended by pty_stop).
pty_start() {
    pty_stop
    PTY_COUNT=$((PTY_COUNT + 1))
    PTY_SOCKET="$TMP/tmux.$PTY_COUNT.sock"
    tmux -S "$PTY_SOCKET" -f /dev/null new-session -d -x 100 -y 40 "$1; echo \"[exit \$?]\"; sleep 600"
    tmux -S "$PTY_SOCKET" set-option -g history-limit 5000 > /dev/null
}

pty_stop() {
    [ -z "$PTY_SOCKET" ] || tmux -S "$PTY_SOCKET" kill-server 2> /dev/null
    return 0
}

# pty_send KEYS...: tmux send-keys (a word like Enter or C-c is a key; -l sends text literally).
pty_send() { tmux -S "$PTY_SOCKET" send-keys "$@"; }
# pty_type TEXT: type a line and press Enter once the terminal shows it typed, so that what is
# on the screen next is the answer to it.  (tmux reads an argument's final `;` as the end of its
# command unless it is escaped.)
pty_type() {
    local text=$1 shown=${1%"${1##*[! ]}"} i
    pty_wait_bare_prompt
    [[ $text == *";" ]] && text="${text%;}\\;"
    tmux -S "$PTY_SOCKET" send-keys -l "$text"
    for ((i = 0; i < 1200; i++)); do
        [[ $(tmux -S "$PTY_SOCKET" capture-pane -p -J | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | tail -1) == *"$shown" ]] && break
        sleep 0.05
    done
    tmux -S "$PTY_SOCKET" send-keys Enter
}

# The terminal's text, scrollback included, trailing blank lines dropped.
pty_screen() { tmux -S "$PTY_SOCKET" capture-pane -p -S -5000 | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# pty_wait_for TEXT [SECONDS] [COUNT]: wait until the screen has COUNT (default 1) lines holding
# TEXT (a fixed string).  Fails the check (with the screen) after SECONDS (default 60).
pty_wait_for() {
    local text=$1 limit=${2:-60} count=${3:-1} i
    for ((i = 0; i < limit * 20; i++)); do
        [ "$(pty_screen | grep -cF -- "$text")" -ge "$count" ] && { pass; return 0; }
        sleep 0.05
    done
    fail "the terminal did not show [$text] (x$count) within ${limit}s; it shows:
$(pty_screen | tail -25)"
    return 1
}

# Wait (up to a minute) until the last line is a prompt with nothing typed: ">>" or "..", and
# the line editor has the terminal in raw mode.  Typing earlier would be type-ahead, which the
# terminal echoes itself (as for any shell): libedit writes the prompt a moment before it makes
# the terminal raw, and on a loaded machine keys typed in that moment were echoed twice.
pty_wait_bare_prompt() {
    local i last tty
    tty=$(tmux -S "$PTY_SOCKET" display-message -p '#{pane_tty}' 2> /dev/null)
    for ((i = 0; i < 1200; i++)); do
        last=$(pty_screen | tail -1)
        if [ "$last" = ">>" ] || [ "$last" = ".." ]; then
            # (When the tty cannot be asked, the prompt alone decides, as it used to.)
            stty -F "$tty" 2> /dev/null | grep -q -- '-icanon' || ! stty -F "$tty" > /dev/null 2>&1 &&
                return 0
        fi
        sleep 0.05
    done
    fail "no prompt to type at; the terminal shows:
$(pty_screen | tail -25)"
}

# pty_wait_idle: wait until the session shows an empty prompt as its last line, with TEXT
# somewhere on the screen when given.
pty_wait_idle() {
    local text=${1:-} i
    for ((i = 0; i < 1200; i++)); do
        if [ "$(pty_screen | tail -1)" = ">>" ] && { [ -z "$text" ] || pty_screen | grep -qF -- "$text"; }; then
            pass
            return 0
        fi
        sleep 0.05
    done
    fail "the session is not waiting at an empty prompt${text:+ after [$text]}; it shows:
$(pty_screen | tail -25)"
    return 1
}

# pty_slow_entry: enter the session's slow entry (slowdep's build script sleeps two seconds,
# tests/cli/make-registry.sh) and wait for its value.
pty_slow_entry() {
    pty_type '/*[toml]'
    pty_type '[dependencies]'
    pty_type 'slowdep = "0.1"'
    pty_type '*/'
    pty_type 'slowdep::ready()'
    pty_wait_idle '"slow and ready"'
}
