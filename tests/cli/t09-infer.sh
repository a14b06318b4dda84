#!/bin/bash
# Dependency inference: undeclared crates used by the code are added at their newest release's
# compatible range ("0.1" for 0.1.0, "1" for 1.0.0), with foo_bar mapped to the name the
# registry has; --infer none turns it off.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

write_script uses.rs <<'EOF_RS'
use foo_bar::id;
extern crate otherdep;
mod local { pub fn f() -> u32 { 1 } }
fn main() {
    println!("{} {} {} {}", id(), under_score::id(), otherdep::twice(local::f()), tinydep::answer());
}
EOF_RS
run_cthag -q "${R[@]}" uses.rs
expect_status 0
expect_out "foo-bar under_score 2 42"
manifest=$(cat "$CTHAG_CACHE_DIR"/projects/uses-*/Cargo.toml)
case "$manifest" in
    *'[dependencies]
foo-bar = "1"
otherdep = "0.2"
under_score = "0.3"
tinydep = "0.1"'*) pass ;;
    *) fail "inferred dependencies: $manifest" ;;
esac

# Declared dependencies are not added twice (foo-bar declared, code says foo_bar).
write_script declared.rs <<'EOF_RS'
// cargo-deps: foo-bar="1"
fn main() { println!("{}", foo_bar::id()); }
EOF_RS
run_cthag -q "${R[@]}" declared.rs
expect_out "foo-bar"
expect_eq "$(grep -c foo "$CTHAG_CACHE_DIR"/projects/declared-*/Cargo.toml)" 1 "declared once:"

# -e's -B shares the expression's block: a module (or any name) it declares is no crate, also
# when the registry has a crate of that name.
printf 'pub fn answer() -> u32 { 7 }\n' > local.rs
run_cthag -q "${R[@]}" -B '#[path = "local.rs"] mod localmod;' -e 'localmod::answer()'
expect_status 0 "-B's module:"
expect_out "7" "-B's module:"
run_cthag -q -v "${R[@]}" -B '#[path = "local.rs"] mod tinydep;' -e 'tinydep::answer()'
expect_out "7" "-B's module named like a crate:"
expect_err_lacks "inferred crate tinydep" "-B's module named like a crate:"
expect_eq "$(grep -l '^tinydep' "$CTHAG_CACHE_DIR"/projects/expr-*/Cargo.toml)" "" "-B's module named like a crate, no dependency:"

# --infer none: nothing added, so the build fails on the unknown crate.
run_cthag "${R[@]}" --infer none uses.rs
expect_status 1 "--infer none:"
expect_err_has "foo_bar"
expect_err_has "cthag: uses.rs: build failed"

finish
