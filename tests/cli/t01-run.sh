#!/bin/bash
# Running programs: arguments, argv[0], stdin/stdout/stderr, exit status and signals pass through.
. "$(dirname "$0")/lib.sh"

write_script prog.rs <<'EOF_RS'
use std::io::Read;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    println!("argv={:?}", args);
    println!("stdin={:?}", input);
    eprintln!("to stderr");
    std::process::exit(args.len() as i32 + 10);
}
EOF_RS
echo "some input" > input.txt
STDIN=input.txt run_cthag prog.rs -- one "two words" --flag
expect_status 14 "first (building) run:"
expect_out 'argv=["prog.rs", "one", "two words", "--flag"]
stdin="some input\n"'
expect_err_has "to stderr"
expect_err_has "Compiling" "cargo's progress is shown when building:"
expect_cargo_calls 1

# The cached run: same behaviour, no cargo, and nothing from cthag on stderr.
STDIN=input.txt run_cthag prog.rs one
expect_status 12 "cached run:"
expect_out 'argv=["prog.rs", "one"]
stdin="some input\n"'
expect_err "to stderr" "cached run prints nothing of its own:"
expect_cargo_calls 0

# Arguments without "--" work too, and a "--" after it is the script's.
run_cthag prog.rs -- -- x
expect_out 'argv=["prog.rs", "--", "x"]
stdin=""'

# The script path as given is argv[0]; a path through a directory works.
mkdir -p sub && cp prog.rs sub/prog.rs
run_cthag ./sub/prog.rs
expect_out 'argv=["./sub/prog.rs"]
stdin=""'

# Signals: the script's death by SIGABRT is the shell's 128+6.
write_script abort.rs <<'EOF_RS'
fn main() { println!("before"); std::process::abort(); }
EOF_RS
run_cthag abort.rs
expect_status 134 "killed by SIGABRT:"
expect_out "before"
run_cthag abort.rs
expect_status 134 "cached, killed by SIGABRT:"

# main returning an error: Rust prints it and exits 1.
write_script fails.rs <<'EOF_RS'
fn main() -> Result<(), String> { Err("it failed".into()) }
EOF_RS
run_cthag -q fails.rs
expect_status 1
expect_err 'Error: "it failed"'

# Attributes before main, pub fn main, a shebang line.
write_script attrs.rs <<'EOF_RS'
#!/usr/bin/env cthag
#![allow(dead_code)]
#[allow(unused_variables)]
pub fn main() { let unused = 1; println!("attrs ok"); }
EOF_RS
run_cthag -q attrs.rs
expect_status 0
expect_out "attrs ok"
expect_err "" "-q build prints nothing:"

finish
