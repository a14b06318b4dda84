#!/bin/bash
# TOML 1.1 as cargo 1.95 reads it, through a script's manifest and the config file: what cargo
# accepts builds (an inline table over several lines with a trailing comma), what it refuses is
# one line naming the script (or config file) and its line, exit 2, before cargo is started.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY" --infer none)

# ---- accepted ----
write_script multiline.rs <<'EOF_RS'
// A dependency table over several lines, as TOML 1.1 allows.
/*[toml]
[dependencies]
tinydep = {
    version = "0.1", # the only one
}
*/
fn main() { println!("{}", tinydep::answer()); }
EOF_RS
run_cthag -q "${R[@]}" multiline.rs
expect_status 0 "multi-line inline table:"
expect_out "42"

write_script escapes.rs <<'EOF_RS'
---
[package]
description = "\e[1mbold\e[0m \x41"
[package.metadata]
at = 07:32
---
fn main() { println!("{:?}", env!("CARGO_PKG_DESCRIPTION")); }
EOF_RS
run_cthag -q escapes.rs
expect_status 0 "\\e, \\x and a time without seconds:"
expect_out '"\u{1b}[1mbold\u{1b}[0m A"'

# ---- refused, with the script's line ----
reset_cargo_log
refused() { # refused LINE MESSAGE TOML-LINES...: in a /*[toml] block starting on line 3
    local line=$1 message=$2
    shift 2
    { printf '// a script\n\n/*[toml]\n'; printf '%s\n' "$@"; printf '*/\nfn main() {}\n'; } > bad.rs
    run_cthag bad.rs
    expect_status 2 "[$message]:"
    expect_err "cthag: bad.rs:$line: bad manifest: $message" "[$message]:"
}
refused 5 'day 30 of a month with 29 days in `1988-02-30`' '[package.metadata]' 'born = 1988-02-30'
refused 5 'leading zero in `01`' '[profile.dev]' 'opt-level = 01'
refused 5 'digit `2` outside base 2 in `0b012`' '[profile.dev]' 'opt-level = 0b012'
refused 5 'misplaced underscore in `0x_1`' '[profile.dev]' 'opt-level = 0x_1'
refused 5 'integer beyond 64 bits in `9223372036854775808`' '[profile.dev]' 'opt-level = 9223372036854775808'
refused 5 'control character U+0008 in a comment' '[dependencies]' $'# back\bspace'
refused 5 'a carriage return in a string must be followed by a newline' '[package]' $'description = "a\rb"'
refused 5 'unknown escape `\ ` in string' '[package]' 'description = "a\ b"'
refused 7 'table `tinydep` comes from a [header]; dotted keys cannot add to it' \
    '[dependencies.tinydep]' 'version = "0.1"' '[dependencies]' 'tinydep.features = []'
refused 7 'duplicate key `version`' '[dependencies]' 'tinydep = {' '  version = "0.1",' '  version = "0.2",' '}'
expect_cargo_calls 0 "refused manifests:"

# Frontmatter: the same reader, the same lines.
printf -- '#!/usr/bin/env cthag\n---\n[package]\nedition = 2021-01-01x\n---\nfn main() {}\n' > front.rs
run_cthag front.rs
expect_status 2 "frontmatter:"
expect_err "cthag: front.rs:4: bad manifest: unexpected \`x\` after a date in \`2021-01-01x\`"

# ---- the config file: the same reader, a byte-order mark allowed ----
config="$XDG_CONFIG_HOME/cthag/config.toml"
mkdir -p "$(dirname "$config")"
printf '\xef\xbb\xbf# settings\n[cache]\nmax-age-days = 0x1E\nmax-size = 1_000_000_000\n[infer]\nfeatures = {\n  serde = ["derive"],\n}\n' > "$config"
run_cthag --print-config
expect_status 0 "config with a byte-order mark:"
expect_file_has "$TMP/out" "30 days"
expect_file_has "$TMP/out" "(read)"
expect_eq "$(grep -c 'infer.features  *serde = \["derive"\]  *(.*config.toml)' "$TMP/out")" 1 \
    "a multi-line inline table in the config:"
expect_eq "$(grep -c 'cache.max-size  *953.7 MiB  *(' "$TMP/out")" 1 "max-size = 1_000_000_000:"
printf '[cache]\nmax-age-days = 1\n# a bad byte: \xff\n' > "$config"
run_cthag --print-config
expect_status 2 "invalid UTF-8 in the config file:"
expect_err "cthag: $config:3: invalid UTF-8 (TOML is UTF-8)"
printf '[build]\nprofile = "dev"\n[build]\n' > "$config"
run_cthag --print-config
expect_status 2 "config table twice:"
expect_err "cthag: $config:3: table [build] is defined twice"
rm "$config"

finish
