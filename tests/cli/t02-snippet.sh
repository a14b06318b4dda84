#!/bin/bash
# Snippets: statements wrapped into a main that returns Result, items and uses kept at the top,
# a final expression printed with {:?} unless it is ().
. "$(dirname "$0")/lib.sh"

write_script tail.rs <<'EOF_RS'
use std::collections::BTreeMap;
let mut m = BTreeMap::new();
m.insert("b", 2);
m.insert("a", 1);
fn double(x: i32) -> i32 { x * 2 }
#[derive(Debug)]
struct Point { x: i32, y: i32 }
println!("len {}", m.len());
(Point { x: double(m["a"]), y: 3 }, "text")
EOF_RS
run_cthag -q tail.rs
expect_status 0
expect_out 'len 2
(Point { x: 2, y: 3 }, "text")'

# A final () is not printed; `?` works on errors and propagates as main's error.
write_script qmark.rs <<'EOF_RS'
let n: i32 = "12".parse()?;
println!("n = {n}");
let bad: Result<i32, _> = "x".parse::<i32>();
let m: i32 = bad?;
println!("unreachable {m}")
EOF_RS
run_cthag -q qmark.rs
expect_status 1 "error from ?:"
expect_out "n = 12"
expect_err "Error: ParseIntError { kind: InvalidDigit }"

write_script unit.rs <<'EOF_RS'
let v = vec![3, 1, 2];
for x in &v {
    print!("{x} ");
}
EOF_RS
run_cthag -q unit.rs
expect_out "3 1 2 "

# An Ok(..) at the end is main's result, not something to print.
write_script ok.rs <<'EOF_RS'
println!("fine");
Ok(())
EOF_RS
run_cthag -q ok.rs
expect_status 0
expect_out "fine"

# A block-like expression at the end is printed; inner attributes stay first.
write_script match.rs <<'EOF_RS'
#![allow(unused_variables)]
let x = 7;
match x % 2 { 0 => "even", _ => "odd" }
EOF_RS
run_cthag -q match.rs
expect_out '"odd"'

# Snippets get their arguments too.
write_script args.rs <<'EOF_RS'
std::env::args().skip(1).collect::<Vec<_>>()
EOF_RS
run_cthag -q args.rs -- a b
expect_out '["a", "b"]'

# Items only, the last a braced macro call that expands to items (thag's demo
# test_profile_extract_timestamp.rs ends in `generate_tests! { .. }`): no value is printed, as in
# thag, where such a snippet parses as a file of items.
write_script items.rs <<'EOF_RS'
use std::fmt::Write;
macro_rules! items {
    ($($name:ident),*) => { $(fn $name() -> &'static str { stringify!($name) })* };
}
items! { foo, bar }
EOF_RS
run_cthag -q items.rs
expect_status 0 "items only, ending in a braced macro call:"
expect_out "" "items only, ending in a braced macro call:"
expect_err "" "items only, ending in a braced macro call (no warning about the wrapper):"
# After a statement, a final braced macro call is the value (thag prints it too).
write_script braced_value.rs <<'EOF_RS'
macro_rules! twice { ($e:expr) => { $e * 2 }; }
let x = 21;
twice! { x }
EOF_RS
run_cthag -q braced_value.rs
expect_out "42" "a braced macro call after a statement:"

finish
