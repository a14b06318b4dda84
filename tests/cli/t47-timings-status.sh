#!/bin/bash
# -t reports timings and otherwise changes nothing: all 256 exit codes and death by the common
# signals are the same with and without it.  (Exit codes 129..192 used to become death by that
# signal under -t; 147..150 stopped cthag, which then hung.)
. "$(dirname "$0")/lib.sh"
ulimit -c 0

write_script code.rs <<'EOF_RS'
fn main() {
    let code: i32 = std::env::args().nth(1).unwrap().parse().unwrap();
    std::process::exit(code);
}
EOF_RS
write_script die.rs <<'EOF_RS'
fn main() {
    let signal = std::env::args().nth(1).unwrap();
    if signal == "SEGV" {
        // A real fault: Rust's own SIGSEGV handler lets it kill the process (a SEGV sent by
        // kill would only be caught and dropped, as SIGBUS; SIGPIPE is ignored by Rust).
        unsafe { std::ptr::null_mut::<i32>().write_volatile(1) };
    }
    let me = std::process::id().to_string();
    std::process::Command::new("kill").args(["-s", &signal, &me]).status().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(10));
    std::process::exit(3);
}
EOF_RS
for s in code die; do
    run_cthag -q -b "$s.rs"
    expect_status 0 "build $s.rs:"
done

# status ARGS...: cthag's exit status as the shell sees it (a hang ends after 10 s as 124).
status() {
    ( timeout -k 2 10 "$CTHAG" "$@" > /dev/null 2> "$TMP/err" ) 2> /dev/null
    echo $?
}

differ=()
for code in $(seq 0 255); do
    plain=$(status code.rs -- "$code")
    timed=$(status -t code.rs -- "$code")
    [ "$plain" = "$code" ] && [ "$timed" = "$code" ] || differ+=("$code:$plain/$timed")
done
expect_eq "${differ[*]}" "" "exit codes whose status differs with -t (code:plain/-t):"
expect_err_has "cthag: timings: cached lookup " "-t still reports:"

differ=()
for signal in HUP INT QUIT ILL TRAP ABRT FPE KILL USR1 SEGV USR2 ALRM TERM; do
    expected=$((128 + $(kill -l "$signal")))
    plain=$(status die.rs -- "$signal")
    timed=$(status -t die.rs -- "$signal")
    [ "$plain" = "$expected" ] && [ "$timed" = "$expected" ] || differ+=("$signal:$plain/$timed")
done
expect_eq "${differ[*]}" "" "signals whose status differs with -t (signal:plain/-t):"

finish
