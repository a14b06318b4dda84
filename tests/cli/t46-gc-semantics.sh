#!/bin/bash
# GC semantics: -e/-s/-l entries are listed as such and go by last use like scripts; ties go by
# name; a cap that entries alone cannot reach also sweeps the dependency builds no remaining entry
# uses; an entry being built is never removed and GC says how far it got; the daily trim never
# removes the entry it just built, and with a cap it cannot reach removes nothing for it.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
export XDG_CONFIG_HOME="$TMP/config"
now=$(date +%s)

# set_used NAME-PREFIX SECONDS_AGO
set_used() {
    sed -i "s/^used .*/used $((now - $2))/" "$CTHAG_CACHE_DIR"/projects/"$1"-*/entry
}
json() { "$CTHAG" --cache-stats=json; }
total() { json | sed -n 's/.*"entries": [0-9]*, "bytes": \([0-9]*\)}}/\1/p'; }
entries() { ls "$CTHAG_CACHE_DIR/projects" | sed 's/-[0-9a-f]*$//' | sort | tr '\n' ' '; }

printf 'fn main() { println!("a {}", tinydep::answer()); }\n' > a.rs
printf 'fn main() { println!("b {}", otherdep::twice(2)); }\n' > b.rs
for s in a b; do
    run_cthag -q "${R[@]}" "$s.rs"
    expect_status 0 "build $s:"
done
run_cthag -q -e '6 * 7'
expect_out "42"
STDIN=a.rs run_cthag -q "${R[@]}" -s
expect_out "a 42"
run_cthag -q -l 'line.len()' < /dev/null
expect_status 0

# Listed as what they are, never as a missing script.
run_cthag --cache-stats
expect_eq "$(grep -c 'script missing' "$TMP/out")" 0 "no content entry is a missing script:"
# Each with the start of its text (issue 23): the entries a user typed are told apart.
expect_eq "$(grep -c '  ok              -e 6 \* 7$' "$TMP/out")" 1 "-e listed:"
expect_eq "$(grep -F '  ok  ' "$TMP/out" | grep -cF -- '  -s fn main() { println!("a {}", tinydep::answer());...')" 1 \
    "-s listed (its text cut at 48 characters):"
expect_eq "$(grep -c '  ok              -l line.len()$' "$TMP/out")" 1 "-l listed:"
json > stats.json
expect_file_has stats.json '"kind": "expr", "script": null, "text": "-e 6 * 7",'
expect_file_has stats.json '"kind": "stdin", "script": null, "text": "-s fn main() {'
expect_file_has stats.json '"kind": "loop", "script": null,'
expect_file_has stats.json "\"kind\": \"script\", \"script\": \"$TMP/a.rs\","

# By last use like scripts: the script file unused for 20 days goes before the expression used
# yesterday (which used to go first, as a "missing script").
set_used a $((20 * 86400))
set_used b $((5 * 86400))
set_used expr 86400
set_used stdin 3600
set_used loop 60
run_cthag --gc --max-size $(( $(total) - 1024 ))
expect_status 0
expect_eq "$(entries)" "b expr loop stdin " "the oldest script went first:"
run_cthag --gc --max-size $(( $(total) - 1024 ))
expect_eq "$(entries)" "expr loop stdin " "then the next by last use:"

# Ties go by name, whatever order the directory lists them in.
printf 'fn main() { println!("tie"); }\n' > tie2.rs
printf 'fn main() { println!("tie"); }\n' > tie1.rs
for s in tie2 tie1; do run_cthag -q "$s.rs"; done
set_used tie1 $((9 * 86400))
set_used tie2 $((9 * 86400))
run_cthag --gc --max-size $(( $(total) - 1024 ))
expect_eq "$(entries)" "expr loop stdin tie2 " "equal last use: by name:"
run_cthag --cache-stats
expect_eq "$(sed -n 2p "$TMP/out" | grep -c ' -l line.len()$')" 1 "stats: most recent first:"
"$CTHAG" --clean all > /dev/null

# A cap that entries alone cannot reach: the dependency builds they leave unused go too, and the
# cache gets under the cap (it used to remove every entry and stay far above it).
for s in a b; do run_cthag -q "${R[@]}" "$s.rs"; done
deps=$(find "$CTHAG_CACHE_DIR/target" -name '*tinydep*' -o -name '*otherdep*' | wc -l)
expect_eq "$([ "$deps" -ge 6 ] && echo some)" some "dependency builds in the target ($deps):"
own=$(json | sed -n 's/.*"entry_bytes": \([0-9]*\),.*/\1/p' | awk '{s += $1} END {print s}')
cap=$(( $(total) - own - 4096 ))
run_cthag --gc --max-size "$cap"
expect_status 0
case "$(out)" in "cthag: gc: removed 2 of 2 entries and unused dependency builds; cache "*) pass ;;
    *) fail "sweep report: $(out)" ;; esac
expect_eq "$(find "$CTHAG_CACHE_DIR/target" -name '*tinydep*' -o -name '*otherdep*' | wc -l)" 0 \
    "unused dependency builds swept:"
after=$(total)
expect_eq "$([ "$after" -le "$cap" ] && echo under)" under "under the cap ($after <= $cap):"

# An entry being built is never removed; GC removes the others and says how far it got.
for s in a b; do run_cthag -q "${R[@]}" "$s.rs"; done
gated_cargo slow-cargo # (builds once gc is done)
printf 'fn main() { println!("slow {}", tinydep::answer()); }\n' > slow.rs
CARGO="$TMP/bin/slow-cargo" "$CTHAG" -q "${R[@]}" slow.rs > slow.out 2> slow.err &
slow_pid=$!
wait_until "the build's cargo to start" test -e "$TMP/slow-cargo.started"
run_cthag --gc --max-size 1
touch "$TMP/slow-cargo.go"
expect_status 0 "gc beside a build:"
expect_eq "$(sed -n 2p "$TMP/out")" "cthag: gc: cannot get under max 1 B: the rest is 1 entry in use, the dependency builds they use and the cache's own files" \
    "says how far it got:"
expect_eq "$(entries)" "slow " "the entry being built stays, the others went:"
wait "$slow_pid"
expect_eq "$?" 0 "the build beside gc succeeded:"
expect_eq "$(cat slow.out)" "slow 42"
run_cthag "${R[@]}" slow.rs
expect_out "slow 42" "and its entry runs from the cache:"
"$CTHAG" --clean all > /dev/null

# The daily trim never removes the entry it just built: with a cap below what that entry and its
# dependencies need it removes nothing for the cap and says so (it used to remove every entry,
# the new one included, and the run failed).
for s in a b; do run_cthag -q "${R[@]}" "$s.rs"; done
mkdir -p "$XDG_CONFIG_HOME/cthag"
printf '[cache]\nmax-size = "64 KiB"\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
touch -d '2 days ago' "$CTHAG_CACHE_DIR/gc-stamp"
printf 'fn main() { println!("fresh {}", tinydep::answer()); }\n' > fresh.rs
run_cthag "${R[@]}" fresh.rs
expect_status 0 "the run after the trim:"
expect_out "fresh 42"
expect_err_has "cthag: gc: cannot get under max 64.0 KiB: the rest is 1 entry in use, the dependency builds they use and the cache's own files; removed no entry for the cap"
expect_eq "$(entries)" "a b fresh " "nothing removed for an unreachable cap:"
# With a cap it can reach, the trim removes the least recently used, never the entry it built.
printf 'fn main() { println!("fresh2"); }\n' > fresh2.rs
run_cthag -q fresh2.rs
set_used a $((3 * 86400))
set_used b $((2 * 86400))
set_used fresh2 $((4 * 86400))
printf '[cache]\nmax-size = "%s"\n' "$(( $(total) - 1024 ))" > "$XDG_CONFIG_HOME/cthag/config.toml"
touch -d '2 days ago' "$CTHAG_CACHE_DIR/gc-stamp"
run_cthag -f fresh2.rs
expect_out "fresh2"
expect_err_has "cthag: gc: removed 1 of 4 entries; cache "
expect_eq "$(entries)" "b fresh fresh2 " "the trim removed the least recently used but not its own:"

finish
