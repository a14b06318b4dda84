#!/bin/bash
# Script names that are not valid crate names still build, and run with argv[0] as given.
. "$(dirname "$0")/lib.sh"

body='fn main() { println!("{}", std::env::args().next().unwrap()); }'
for name in 2fast.rs my-script.rs type.rs self.rs main.rs build.rs lib.rs test.rs "h€llo wörld.rs" \
    "with space.rs" UPPER.rs noext; do
    printf '%s\n' "$body" > "$name"
    run_cthag -q "./$name"
    expect_status 0 "$name:"
    expect_out "./$name" "$name:"
done
expect_eq "$(bins_count)" 12 "one executable each:"
ls "$CTHAG_CACHE_DIR/bins" > names.txt
expect_eq "$(grep -c '^s_2fast-' names.txt)" 1 "2fast sanitised:"
expect_eq "$(grep -c '^my_script-' names.txt)" 1 "dash sanitised:"
expect_eq "$(grep -c '^h_llo_w_rld-' names.txt)" 1 "unicode sanitised:"

finish
