#!/bin/bash
# Versions against crates.io (issue 22), as thag's demos and a user's scripts met them: new code
# gets the newest release of what it infers, whatever older major another script compiled
# (rand::rng() after a script declared rand 0.8; clap 4's derive after a clap 2 script); reuse
# never contradicts a requirement in the graph (ratatui 0.29 needs unicode-width =0.2.0 after
# another script locked 0.2.3); a typo stops before cargo with crates.io's nearest name.
. "$(dirname "$0")/lib.sh"
require_crates_io

# build NAME: run it, saying how long the build took.
build() {
    local start
    start=$(now_ns)
    run_cthag "$@"
    echo "$TEST_NAME: $*: $(seconds_since "$start") s, $(dep_compiles | wc -l) dependency crates compiled"
}

# ---- rand 0.8, then today's rand ----
write_script rand08.rs <<'EOF_RS'
/*[toml]
[dependencies]
rand = "0.8"
*/
use rand::Rng;
fn main() { println!("0.8: {}", rand::thread_rng().gen_range(1..2)); }
EOF_RS
build rand08.rs
expect_status 0 "rand 0.8:"
expect_out "0.8: 1"
write_script rng.rs <<'EOF_RS'
fn main() {
    let generator = rand::rng(); // rand 0.9 and later
    drop(generator);
    println!("today: {}", rand::random::<u8>() as u32 <= 255);
}
EOF_RS
build rng.rs
expect_status 0 "rand::rng() after a script declared rand 0.8:"
expect_out "today: true"
expect_err_lacks "E0423"
range=$(sed -n 's/^rand = "\(.*\)"$/\1/p' "$CTHAG_CACHE_DIR"/projects/rng-*/Cargo.toml)
case "$range" in 0.8|0.7|0.6|"*"|"") fail "rand inferred at [$range]" ;; *) pass ;; esac
expect_err_has "cthag: rng.rs:2: crate rand $range (inferred from rand::rng)"

# ---- clap 2, then clap 4's derive ----
write_script clap2.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! clap = "2"
//! ```
fn main() {
    let m = clap::App::new("old").arg(clap::Arg::with_name("name").required(true)).get_matches();
    println!("clap 2 says {}", m.value_of("name").unwrap());
}
EOF_RS
build clap2.rs world
expect_status 0 "clap 2:"
expect_out "clap 2 says world"
write_script clap4.rs <<'EOF_RS'
#[derive(clap::Parser)]
#[command(version, about = "new")]
struct Args {
    #[arg(long)]
    name: String,
}
fn main() {
    let args = <Args as clap::Parser>::parse();
    println!("clap 4 says {}", args.name);
}
EOF_RS
build clap4.rs --name world
expect_status 0 "clap 4 derive code after a clap 2 script:"
expect_out "clap 4 says world"
expect_err_lacks "cannot find attribute"
expect_file_has "$(ls -d "$CTHAG_CACHE_DIR"/projects/clap4-*)/Cargo.toml" \
    'clap = { version = "4", features = ["cargo", "derive"] }'

# ---- unicode-width 0.2.3, then ratatui 0.29 (which requires =0.2.0) ----
write_script uw.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! unicode-width = "=0.2.3"
//! ```
use unicode_width::UnicodeWidthStr;
fn main() { println!("width {}", "ab".width()); }
EOF_RS
build uw.rs
expect_status 0 "unicode-width 0.2.3:"
expect_out "width 2"
write_script tui.rs <<'EOF_RS'
//! ```cargo
//! [dependencies]
//! ratatui = "0.29"
//! unicode-width = "0.2"
//! ```
use ratatui::{buffer::Buffer, layout::Rect, widgets::{Paragraph, Widget}};
fn main() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
    Paragraph::new("ratatui").render(buf.area, &mut buf);
    println!("{:?}", buf.content.iter().map(|c| c.symbol()).collect::<String>().trim_end());
}
EOF_RS
build tui.rs
expect_status 0 "ratatui 0.29 after another script locked unicode-width 0.2.3:"
expect_out '"ratatui"'
expect_err_lacks "failed to select a version"
expect_eq "$(grep -A1 '^name = "unicode-width"' "$CTHAG_CACHE_DIR"/projects/tui-*/Cargo.lock | \
    sed -n 's/^version = "\(0\.2\..*\)"/\1/p')" "0.2.0" "unicode-width 0.2 as ratatui requires:"

# ---- a typo ----
write_script typo.rs <<'EOF_RS'
use serd::Serialize;
#[derive(Serialize)]
struct S;
fn main() {}
EOF_RS
reset_cargo_log
run_cthag typo.rs
expect_status 1 "use serd::Serialize:"
expect_err "cthag: typo.rs:1: no crate serd in crates.io (inferred from use serd::Serialize); did you mean serde?"
expect_eq "$(grep -c ' build ' "$CARGO_LOG")" 0 "stopped before building:"
finish
