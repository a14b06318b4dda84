#!/bin/bash
# Embedded manifests in all four formats, [package]/[features]/[profile] carried over, and a clear
# one-line error (exit 2, nothing cached) for a malformed block.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")

write_script thag.rs <<'EOF_RS'
/*[toml]
[dependencies]
tinydep = "0.1"
*/
fn main() { println!("thag {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" --infer none thag.rs
expect_status 0 "thag block:"
expect_out "thag 42"

write_script doc.rs <<'EOF_RS'
//! Uses otherdep.
//!
//! ```cargo
//! [dependencies]
//! otherdep = "0.2"
//! ```
fn main() { println!("doc {}", otherdep::twice(21)); }
EOF_RS
run_cthag -q "${R[@]}" --infer none doc.rs
expect_status 0 "//! cargo block:"
expect_out "doc 42"

write_script docblock.rs <<'EOF_RS'
/*!
 * ```cargo
 * [dependencies]
 * otherdep = "0.2"
 * ```
 */
fn main() { println!("block {}", otherdep::twice(2)); }
EOF_RS
run_cthag -q "${R[@]}" --infer none docblock.rs
expect_out "block 4" "/*! cargo block:"

write_script deps.rs <<'EOF_RS'
// cargo-deps: tinydep="0.1", otherdep
fn main() { println!("deps {}", otherdep::twice(tinydep::answer())); }
EOF_RS
run_cthag -q "${R[@]}" --infer none deps.rs
expect_out "deps 84" "cargo-deps line:"

write_script front.rs <<'EOF_RS'
#!/usr/bin/env cthag
---cargo
[dependencies]
tinydep = "0.1"
---

fn main() { println!("frontmatter {}", tinydep::greet("you")); }
EOF_RS
run_cthag -q "${R[@]}" --infer none front.rs
expect_out "frontmatter hello, you" "---cargo frontmatter:"

write_script front2.rs <<'EOF_RS'
---
[package]
edition = "2015"
---
fn main() { let async = 5; println!("edition 2015 {}", async); }
EOF_RS
run_cthag -q front2.rs
expect_status 0 "[package] edition honoured:"
expect_out "edition 2015 5"

# [features] carried over and enabled with --features.
write_script feat.rs <<'EOF_RS'
/*[toml]
[dependencies]
featured = "0.2"
[features]
shout = ["featured/loud"]
*/
fn main() { println!("{}", featured::msg()); }
EOF_RS
run_cthag -q "${R[@]}" feat.rs
expect_out "quiet"
run_cthag -q "${R[@]}" --features shout feat.rs
expect_out "LOUD" "--features:"

# [profile.dev] carried over: overflow checks off makes 255u8 + 1 wrap instead of panic.
write_script profile.rs <<'EOF_RS'
/*[toml]
[profile.dev]
overflow-checks = false
*/
fn main() { let x: u8 = std::hint::black_box(255); println!("{}", x + 1); }
EOF_RS
run_cthag -q profile.rs
expect_status 0 "[profile.dev] honoured:"
expect_out "0"

# Dependencies are built as for a release (compiled once for every script), the script itself
# at the dev level; a key the script sets for its dev profile is its dependencies' too, and its
# own [profile.dev.package."*"] keys win.
write_script optdeps.rs <<'EOF_RS'
fn main() { println!("script {} tinydep {}", cfg!(debug_assertions), tinydep::checked()); }
EOF_RS
run_cthag -q "${R[@]}" optdeps.rs
expect_out "script true tinydep false" "dependencies optimized:"
manifest=$(sed -n '/^\[profile.dev.package."\*"\]$/,/^$/p' "$CTHAG_CACHE_DIR"/projects/optdeps-*/Cargo.toml)
expect_eq "$manifest" "$(printf '[profile.dev.package."*"]\nopt-level = 1\ncodegen-units = 1\ndebug = false\ndebug-assertions = false\noverflow-checks = false')" \
    "the dependencies' profile:"
write_script depsdev.rs <<'EOF_RS'
/*[toml]
[profile.dev]
debug-assertions = true
[profile.dev.package."*"]
opt-level = 2
*/
fn main() { println!("script {} tinydep {}", cfg!(debug_assertions), tinydep::checked()); }
EOF_RS
run_cthag -q "${R[@]}" depsdev.rs
expect_out "script true tinydep true" "the script's [profile.dev] key wins:"
manifest=$(sed -n '/^\[profile.dev.package."\*"\]$/,/^$/p' "$CTHAG_CACHE_DIR"/projects/depsdev-*/Cargo.toml)
expect_eq "$manifest" "$(printf '[profile.dev.package."*"]\nopt-level = 2\ncodegen-units = 1\ndebug = false\noverflow-checks = false')" \
    "the script's [profile.dev.package.\"*\"] wins:"

# Malformed blocks: one line naming the script and the line; exit 2; nothing cached.
reset_cargo_log
write_script bad.rs <<'EOF_RS'
// a comment
/*[toml]
[dependencies]
tinydep = 0.1.0
*/
fn main() {}
EOF_RS
run_cthag bad.rs
expect_status 2 "bad TOML:"
expect_err "cthag: bad.rs:4: bad manifest: invalid value \`0.1.0\` (strings need quotes)"
expect_cargo_calls 0

write_script badshape.rs <<'EOF_RS'
---
dependencies = ["tinydep"]
---
fn main() {}
EOF_RS
run_cthag badshape.rs
expect_status 2
expect_err "cthag: badshape.rs:2: [dependencies] must be a table"

write_script unclosed.rs <<'EOF_RS'
---
[dependencies]
fn main() {}
EOF_RS
run_cthag unclosed.rs
expect_status 2
expect_err "cthag: unclosed.rs:1: unclosed frontmatter; expected \`---\`"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c -e '^bad-' -e '^badshape-' -e '^unclosed-')" 0 "no project for bad scripts:"
expect_cargo_calls 0

finish
