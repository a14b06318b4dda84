#!/bin/bash
# Real scripts against crates.io: serde (derive), serde_json, clap (derive), regex, rand, anyhow,
# itertools and tokio (#[tokio::main]) resolved and built from crates.io through each embedded
# manifest format and by inference alone.  The first script compiles the dependencies into the
# shared target; every later one compiles only itself.
. "$(dirname "$0")/lib.sh"
require_crates_io

# One program, several ways of declaring what it uses.
body() {
    cat <<'EOF_RS'
use clap::Parser;
use itertools::Itertools;
use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    name: String,
    #[arg(long, default_value_t = 2)]
    count: u32,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Greeting {
    name: String,
    count: u32,
    words: Vec<String>,
}

fn words(text: &str) -> anyhow::Result<Vec<String>> {
    let re = Regex::new(r"[a-z]+")?;
    Ok(re.find_iter(text).map(|m| m.as_str().to_string()).sorted().dedup().collect())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let task = tokio::spawn(async { words("the quick brown fox jumps over the lazy dog, the end") });
    let greeting = Greeting { name: args.name, count: args.count, words: task.await?? };
    let json = serde_json::to_string(&greeting)?;
    println!("{json}");
    let back: Greeting = serde_json::from_str(&json)?;
    anyhow::ensure!(back == greeting, "the JSON round trip changed {:?}", back);
    let roll = rand::random::<u8>() % 6 + 1;
    println!("a die shows 1 to 6: {}", (1..=6).contains(&roll));
    println!("{}", (1..=back.count).map(|i| i * i).join(","));
    Ok(())
}
EOF_RS
}
EXPECTED='{"name":"world","count":3,"words":["brown","dog","end","fox","jumps","lazy","over","quick","the"]}
a die shows 1 to 6: true
1,4,9'
DEPS='serde = { version = "1", features = ["derive"] }
serde_json = "1"
clap = { version = "4", features = ["cargo", "derive"] }
regex = "1"
rand = "0.10"
anyhow = "1"
itertools = "0.15"
tokio = { version = "1", features = ["full"] }'

{ printf '/*[toml]\n[dependencies]\n%s\n*/\n' "$DEPS"; body; } > thag.rs
{ printf '//! ```cargo\n//! [dependencies]\n'; printf '%s\n' "$DEPS" | sed 's|^|//! |'; printf '//! ```\n'; body; } \
    > rust_script.rs
{ printf -- '---\n[dependencies]\n%s\n---\n' "$DEPS"; body; } > frontmatter.rs
body > inferred.rs

# Inference gives serde, clap and tokio the features above.  Until cthag has them built in, the
# config file's [infer.features] (the same mechanism, user-side) supplies them.
write_script probe.rs <<'EOF_RS'
#[derive(serde::Serialize)]
struct A;
fn main() {}
EOF_RS
run_cthag -g probe.rs
if ! grep -q '"derive"' "$(out)/Cargo.toml" 2> /dev/null; then
    echo "$TEST_NAME: note: cthag infers no default features; the config file gives them"
    mkdir -p "$XDG_CONFIG_HOME/cthag"
    printf '[infer.features]\nserde = ["derive"]\nclap = ["derive"]\ntokio = ["full"]\n' \
        > "$XDG_CONFIG_HOME/cthag/config.toml"
fi

# build_and_run SCRIPT WHAT: run it with arguments; stdout must be the program's.
build_and_run() {
    local start
    start=$(now_ns)
    run_cthag "$1" --name world --count 3
    echo "$TEST_NAME: $1 ($2): built and ran in $(seconds_since "$start") s, $(dep_compiles | wc -l) dependency crates compiled"
    expect_status 0 "$1:"
    expect_out "$EXPECTED" "$1:"
}

build_and_run thag.rs "thag's /*[toml] block"
compiled=$(dep_compiles)
for crate in serde serde_derive serde_json clap clap_derive regex rand anyhow itertools tokio tokio-macros; do
    expect_eq "$(printf '%s\n' "$compiled" | grep -c "^$crate v")" 1 "the first script compiles $crate:"
done

for s in rust_script.rs:"rust-script's //! \`\`\`cargo block" frontmatter.rs:"--- frontmatter" \
         inferred.rs:"inference alone, no manifest"; do
    build_and_run "${s%%:*}" "${s#*:}"
    expect_eq "$(dep_compiles | tr '\n' ' ')" "" "${s%%:*} shares every dependency (serde included):"
done
manifest=$(cat "$CTHAG_CACHE_DIR"/projects/inferred-*/Cargo.toml)
for crate in anyhow clap itertools rand regex serde serde_json tokio; do
    case "$manifest" in
        *"
$crate = "*) pass ;;
        *) fail "inferred.rs: $crate not inferred: $manifest" ;;
    esac
done

# rust-script's one-line form names crates and versions only, so no features: it uses the crates
# whose features cargo unifies the same way alone as beside tokio (rand's libc would differ).
write_script cargo_deps.rs <<'EOF_RS'
// cargo-deps: regex="1", anyhow="1", itertools="0.15"
use itertools::Itertools;
fn main() -> anyhow::Result<()> {
    let re = regex::Regex::new(r"\d+")?;
    let sum: u32 = re.find_iter("1 22 333").map(|m| m.as_str().parse::<u32>()).sum::<Result<u32, _>>()?;
    println!("{} {}", sum, [3, 1, 2].iter().sorted().join("-"));
    Ok(())
}
EOF_RS
start=$(now_ns)
run_cthag cargo_deps.rs
echo "$TEST_NAME: cargo_deps.rs (// cargo-deps: line): built and ran in $(seconds_since "$start") s"
expect_status 0 "cargo_deps.rs:"
expect_out "356 1-2-3"
expect_eq "$(dep_compiles | tr '\n' ' ')" "" "cargo_deps.rs shares its dependencies:"

# The cached runs: no cargo at all.
reset_cargo_log
for s in thag.rs rust_script.rs frontmatter.rs inferred.rs; do
    run_cthag "$s" --name world --count 3
    expect_out "$EXPECTED" "cached $s:"
done
expect_cargo_calls 0 "cached runs:"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps | grep -c '^libserde-.*\.rlib$')" 1 "one serde:"
finish
