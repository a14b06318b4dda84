#!/bin/bash
# Inference the user can trust (issue 22): a line per inferred crate on every build that infers
# (not under -q, nothing on a cached run, -v with the reasons); no surprise crate: a module file
# beside the script or a name the registry does not have stops before cargo, with the script's
# line; the input of quoting macros and names a crate's glob import may bring are not crates.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

# ---- a line per inferred crate ----
write_script two.rs <<'EOF_RS'
use foo_bar::id;
fn main() {
    println!("{} {}", id(), tinydep::answer());
}
EOF_RS
run_cthag "${R[@]}" two.rs
expect_status 0 "a build that infers:"
expect_out "foo-bar 42"
expect_eq "$(grep '^cthag: ' "$TMP/err")" "cthag: two.rs:1: crate foo-bar 1 (inferred from use foo_bar::id)
cthag: two.rs:3: crate tinydep 0.1 (inferred from tinydep::answer)" "one line per crate, before cargo's:"
expect_eq "$(sed -n 1p "$TMP/err")" "cthag: two.rs:1: crate foo-bar 1 (inferred from use foo_bar::id)"
run_cthag "${R[@]}" two.rs
expect_out "foo-bar 42"
expect_err "" "a cached run says nothing:"
run_cthag -q -f "${R[@]}" two.rs
expect_out "foo-bar 42"
expect_err "" "-q hides them:"
run_cthag -v -f "${R[@]}" two.rs
expect_err_has "cthag: two.rs:3: crate tinydep 0.1 (inferred from tinydep::answer)"
expect_err_has "cthag: two.rs:3: inferred crate tinydep from the path \`tinydep::answer\` (nothing in scope is called tinydep)"
expect_err_has "cthag: two.rs: crate tinydep 0.1: the range of the entry's first build (--update asks the registry again)"
run_cthag -v -f --update "${R[@]}" two.rs
expect_err_has "cthag: two.rs: crate tinydep 0.1: its newest release is 0.1.0"
run_cthag "${R[@]}" -e 'tinydep::answer()'
expect_out "42"
expect_err_has "cthag: <expr>:1: crate tinydep 0.1 (inferred from tinydep::answer)"

# ---- no surprise crate ----
mkdir -p proj/helpers2
printf 'pub fn g() -> u32 { 7 }\n' > proj/helpers.rs
printf 'pub struct S;\n' > proj/helpers2/mod.rs
write_script proj/forgot.rs <<'EOF_RS'
fn main() {
    println!("{}", helpers::g());
}
EOF_RS
reset_cargo_log
run_cthag "${R[@]}" proj/forgot.rs
expect_status 1 "a forgotten mod helpers;:"
expect_err "cthag: proj/forgot.rs:2: helpers is a file beside the script: add mod helpers;"
expect_cargo_calls 0 "stopped before cargo:"
write_script proj/forgot2.rs <<'EOF_RS'
use helpers2::S;
fn main() { let _ = S; }
EOF_RS
run_cthag "${R[@]}" proj/forgot2.rs
expect_status 1 "a forgotten mod helpers2; (helpers2/mod.rs):"
expect_err "cthag: proj/forgot2.rs:1: helpers2 is a module directory beside the script (helpers2/mod.rs): add mod helpers2;"
# With the mod, the same code builds; a script beside named like a crate is no module.
write_script proj/fixed.rs <<'EOF_RS'
mod helpers;
fn main() { println!("{} {}", helpers::g(), tinydep::answer()); }
EOF_RS
printf 'fn main() { println!("{}", tinydep::answer()); }\n' > proj/tinydep.rs
run_cthag -q "${R[@]}" proj/fixed.rs
expect_status 0 "with mod helpers;:"
expect_out "7 42"
run_cthag -q "${R[@]}" proj/tinydep.rs
expect_out "42" "a script named like the crate it uses:"

write_script typo.rs <<'EOF_RS'
use tinydeb::answer;
fn main() { println!("{}", answer()); }
EOF_RS
reset_cargo_log
run_cthag "${R[@]}" typo.rs
expect_status 1 "a typo:"
expect_err "cthag: typo.rs:1: no crate tinydeb in $REGISTRY (inferred from use tinydeb::answer); did you mean tinydep?"
expect_cargo_calls 0 "a typo stops before cargo:"
run_cthag "${R[@]}" -e 'zzqqxx::f()'
expect_status 1
# Nothing near it: perhaps no crate at all (a module a macro makes), which inference cannot see.
expect_err "cthag: <expr>:1: no crate zzqqxx in $REGISTRY (inferred from zzqqxx::f); if it is not a crate, run with --infer none and declare the crates the script needs"

# Quoting macros hold code as data (a script's own quote! stands in for the quote crate's);
# other macro calls are code.
write_script quoting.rs <<'EOF_RS'
macro_rules! quote { ($($t:tt)*) => { stringify!($($t)*) } }
macro_rules! twice { ($e:expr) => { ($e, $e) } }
fn main() {
    println!("{}", quote! { nosuch::call(regex::Regex::new(".")) });
    println!("{:?}", twice!(tinydep::answer()));
}
EOF_RS
run_cthag -q "${R[@]}" quoting.rs
expect_status 0 "quote! bodies are not searched:"
expect_out 'nosuch::call(regex::Regex::new("."))
(42, 42)'
expect_eq "$(sed -n '/^\[dependencies\]/,/^$/p' "$CTHAG_CACHE_DIR"/projects/quoting-*/Cargo.toml | sed '/^$/d')" '[dependencies]
tinydep = "0.1"' "only tinydep:"

# A crate's glob import may bring modules: those are not crates.
write_script glob.rs <<'EOF_RS'
use globby::*;
fn main() { println!("{} {}", character::digit1(), top()); }
EOF_RS
run_cthag -v "${R[@]}" glob.rs
expect_status 0 "use globby::*; then character::digit1:"
expect_out "digit1 top"
expect_err_has "cthag: glob.rs:2: not inferring a crate character from \`character::digit1\`: it may be a name \`use globby::*;\` brings"
expect_err_lacks "cthag: glob.rs:2: crate character"
finish
