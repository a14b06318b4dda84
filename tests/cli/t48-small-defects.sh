#!/bin/bash
# The smaller defects: config integers read as TOML reads them (underscores, 0x), unknown keys and
# tables warned with file:line and a "did you mean"; standard input capped like files; one line
# per entry in --cache-stats whatever the script's path holds; one exit status for out of memory.
. "$(dirname "$0")/lib.sh"
config="$XDG_CONFIG_HOME/cthag/config.toml"
mkdir -p "$XDG_CONFIG_HOME/cthag"

printf 'fn main() { println!("first"); }\n' > first.rs
run_cthag first.rs
expect_out "first"

# Integers as TOML has them (max-age-days = 1_000 used to read as 1).  The caps are far above
# the cache: first.rs stays, whatever size a debug executable has.
printf '[cache]\nmax-age-days = 1_000\nmax-size = 0x4000_0000\n' > "$config"
run_cthag --gc
expect_status 0
case "$(out)" in "cthag: gc: removed 0 of 1 entries; "*"(max 1.0 GiB, 1000 days)") pass ;;
    *) fail "TOML integers: $(out)" ;; esac
printf '[cache]\nmax-age-days = 0b1010\nmax-size = 1_073_741_824\n' > "$config"
run_cthag --gc
case "$(out)" in "cthag: gc: removed 0 of 1 entries; "*"(max 1.0 GiB, 10 days)") pass ;;
    *) fail "TOML integers: $(out)" ;; esac
printf '[cache]\nmax-age-days = 100_001\n' > "$config"
run_cthag --gc
expect_status 2 "an integer out of range:"
expect_err "cthag: $config:2: [cache] max-age-days must be a whole number of days"

# Unknown keys and tables: warned, with the line and the nearest known name; then ignored.
cat > "$config" <<'EOF'
[bulid]
profile = "release"

[build]
profiel = "release"
registry_dir = "/usr/share/cargo/registry"

[infer]
levle = "min"

[cache]
max-size = "2GiB"
colour = "red"
EOF
run_cthag --gc
expect_status 0 "unknown keys are not errors:"
expect_err "cthag: warning: $config:1: unknown table [bulid], ignored; did you mean [build]?
cthag: warning: $config:5: unknown key \`profiel\` in [build], ignored; did you mean \`profile\`?
cthag: warning: $config:6: unknown key \`registry_dir\` in [build], ignored; did you mean \`registry-dir\`?
cthag: warning: $config:9: unknown key \`levle\` in [infer], ignored; did you mean \`level\`?
cthag: warning: $config:13: unknown key \`colour\` in [cache], ignored"
printf 'verbose = true\n[infer.features]\nmy-crate = ["a"]\n' > "$config"
run_cthag --print-config
expect_err "cthag: warning: $config:1: unknown key \`verbose\`, ignored (settings go in [build], [infer] or [cache])"
printf 'fn main() { println!("warned"); }\n' > warned.rs
run_cthag warned.rs
expect_out "warned"
expect_err_has "unknown key \`verbose\`" "a build warns too:"
echo "// again" >> warned.rs
run_cthag -q warned.rs
expect_err "" "not under -q:"
rm "$config"

# Standard input is capped like a file (it used to be read until memory ran out).
start=$(date +%s)
STDIN=/dev/zero run_cthag -s
expect_status 2 "-s < /dev/zero:"
expect_err "cthag: <stdin>: too large for a script (more than 64 MiB)"
expect_eq "$([ $(( $(date +%s) - start )) -lt 30 ] && echo bounded)" bounded "in bounded time:"
run_cthag -s < /dev/null
expect_status 2 "empty standard input:"

# One line per entry whatever the path holds: control characters are escaped (as git quotes).
dir=$(printf 'odd\ndir')
mkdir "$dir"
printf 'fn main() { println!("odd"); }\n' > "$dir/tab$(printf '\t')name.rs"
run_cthag "$dir/tab$(printf '\t')name.rs"
expect_out "odd"
run_cthag --cache-stats
expect_status 0
expect_eq "$(wc -l < "$TMP/out" | tr -d ' ')" 9 "header, 3 entries, blank, 4 totals:"
expect_eq "$(grep -c "  ok              \"$TMP/odd\\\\ndir/tab\\\\tname.rs\"\$" "$TMP/out")" 1 \
    "the path quoted on one line:"
run_cthag --cache-stats=json
expect_eq "$(grep -c "\"script\": \"$TMP/odd\\\\ndir/tab\\\\u0009name.rs\"" "$TMP/out")" 1 "JSON escapes it:"

# Out of memory: one message, one exit status (1), wherever it happens.
head -c $((60 << 20)) /dev/zero | tr '\0' ' ' > big.rs
status=$( { ulimit -v 40000; "$CTHAG" -s < big.rs > "$TMP/out" 2> "$TMP/err"; echo $?; } 2>/dev/null)
expect_status 1 "out of memory:"
expect_err "cthag: out of memory"

finish
