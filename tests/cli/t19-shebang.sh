#!/bin/bash
# #!/usr/bin/env cthag scripts run by their own name, with arguments and exit status.
. "$(dirname "$0")/lib.sh"

mkdir bin-dir
ln -s "$CTHAG" bin-dir/cthag
write_script greet <<'EOF_RS'
#!/usr/bin/env cthag
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("hello {}", args.join(" "));
    std::process::exit(args.len() as i32);
}
EOF_RS
chmod +x greet
PATH="$TMP/bin-dir:$PATH" ./greet big world > out 2> err
status=$?
expect_status 2 "exit status through a shebang:"
expect_out "hello big world"
PATH="$TMP/bin-dir:$PATH" ./greet > out 2> err
status=$?
expect_status 0
expect_out "hello "
expect_err "" "the cached run through a shebang is silent:"

# A snippet with a shebang, and a script without .rs in its name.
write_script calc <<'EOF_RS'
#!/usr/bin/env cthag
let x: u64 = std::env::args().nth(1).unwrap().parse()?;
x * x
EOF_RS
chmod +x calc
PATH="$TMP/bin-dir:$PATH" ./calc 12 > out 2> err
status=$?
expect_status 0 "snippet with a shebang:"
expect_out "144"
PATH="$TMP/bin-dir:$PATH" ./calc nope > out 2> err
status=$?
expect_status 1 "the snippet's error from ?:"
expect_err "Error: ParseIntError { kind: InvalidDigit }"

finish
