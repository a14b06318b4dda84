#!/bin/bash
# rust-script's scripts run unchanged: its manifest forms as rust-script reads them (a ```cargo
# block in the leading //!, /// or /*! doc comment, the fence's info string in any case, a
# `// cargo-deps:` first line), `cthag NAME` finding NAME.ers or NAME.rs, and its options.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY" --infer none)

# ---- manifest forms ----
# An outer doc comment, as rust-script's own tests/data/outer-line-doc.rs has it.
write_script outer.rs <<'EOF_RS'
/// ```cargo
/// [dependencies]
/// tinydep = "0.1"
/// ```
pub fn main() {
    println!("outer {}", tinydep::answer());
}
EOF_RS
run_cthag -q "${R[@]}" outer.rs
expect_status 0 "/// block:"
expect_out "outer 42"

# The fence's info string in any case, after prose, behind a shebang.
write_script upper.rs <<'EOF_RS'
#!/usr/bin/env rust-script
//! Doubles.
//!
//! ```Cargo
//! [dependencies]
//! otherdep = "0.2"
//! ```
fn main() { println!("upper {}", otherdep::twice(4)); }
EOF_RS
run_cthag -q "${R[@]}" upper.rs
expect_status 0 "\`\`\`Cargo fence:"
expect_out "upper 8"

# A block comment with a tilde fence, and an earlier code block that is not the manifest.
write_script tilde.rs <<'EOF_RS'
/*!
 * Example:
 *
 * ```text
 * ```cargo
 * ```
 *
 * ~~~CARGO
 * [dependencies]
 * tinydep = "0.1"
 * ~~~
 */
fn main() { println!("tilde {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" tilde.rs
expect_status 0 "~~~CARGO in /*!:"
expect_out "tilde 42"

# A block left open runs to the end of the comment, as rust-script's Markdown reads it.
write_script open.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! tinydep = "0.1"
fn main() { println!("open {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" open.rs
expect_status 0 "unclosed block:"
expect_out "open 42"

# rust-script's cargo-deps pattern: any case, blanks allowed.
write_script deps.rs <<'EOF_RS'
//Cargo-Deps : tinydep="0.1"
fn main() { println!("deps {}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" deps.rs
expect_status 0 "//Cargo-Deps :"
expect_out "deps 42"

# A manifest error in the block names the script's line.
write_script badblock.rs <<'EOF_RS'
/// Docs.
/// ```cargo
/// [dependencies]
/// tinydep = 0.1.0
/// ```
fn main() {}
EOF_RS
run_cthag badblock.rs
expect_status 2 "bad TOML in /// block:"
expect_err "cthag: badblock.rs:4: bad manifest: invalid value \`0.1.0\` (strings need quotes)"

finish
