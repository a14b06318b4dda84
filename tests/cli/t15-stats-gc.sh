#!/bin/bash
# --cache-stats and --gc: entries by age and by size cap (missing scripts first), each entry's own
# target artifacts removed and nobody else's, --deep for unused dependency builds, the daily
# automatic trim, last-used times refreshed at most hourly, config file and environment.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
export XDG_CONFIG_HOME="$TMP/config"
now=$(date +%s)

# set_used SCRIPT_STEM SECONDS_AGO: pretend the entry was last used that long ago.
set_used() {
    sed -i "s/^used .*/used $((now - $2))/" "$CTHAG_CACHE_DIR"/projects/"$1"-*/entry
}
json() { "$CTHAG" --cache-stats=json; }

for s in old mid new gone; do
    printf 'fn main() { println!("%s {}", tinydep::answer()); }\n' "$s" > "$s.rs"
    run_cthag -q "${R[@]}" "$s.rs"
    expect_out "$s 42"
done
printf 'fn main() { println!("{}", otherdep::twice(4)); }\n' > other.rs
run_cthag -q "${R[@]}" other.rs
expect_out "8"
reset_cargo_log

# Last-used: not rewritten by a run within the hour; refreshed after it.
used=$(grep '^used ' "$CTHAG_CACHE_DIR"/projects/new-*/entry)
run_cthag "${R[@]}" new.rs
expect_eq "$(grep '^used ' "$CTHAG_CACHE_DIR"/projects/new-*/entry)" "$used" "used kept within the hour:"
set_used new 7200
run_cthag "${R[@]}" new.rs
used=$(grep '^used ' "$CTHAG_CACHE_DIR"/projects/new-*/entry | cut -d' ' -f2)
expect_eq "$([ "$used" -ge "$now" ] && echo refreshed)" refreshed "used refreshed after two hours:"

# Stats: one line per entry, totals; JSON for tools.
rm gone.rs
run_cthag --cache-stats
expect_status 0
expect_eq "$(head -1 "$TMP/out")" "LAST USED            BINARY  STATUS          SCRIPT"
expect_eq "$(grep -c ' ok  ' "$TMP/out")" 4 "four ok entries:"
expect_eq "$(grep -c "script missing  $TMP/gone.rs" "$TMP/out")" 1 "gone.rs missing:"
expect_eq "$(grep -cE '^(projects|bins|target|total) ' "$TMP/out")" 4 "totals:"
json > stats.json
expect_eq "$(grep -o '"script_exists": false' stats.json | wc -l)" 1
expect_eq "$(grep -o '"name": "' stats.json | wc -l)" 5
expect_file_has stats.json "\"script\": \"$TMP/gone.rs\""
expect_file_has stats.json '"totals": {"projects": {"bytes": '

# Age: entries unused for more than max-age days go; the others keep running without cargo.
set_used old $((40 * 86400))
set_used mid $((10 * 86400))
# An entry's own files in the shared target: its package's (mid_<id>-*: fingerprints) and its
# binary's, named for the script (mid-<hash>, mid-<hash>.d).
artifacts() { find "$CTHAG_CACHE_DIR/target" -name "$1_*" -o -name "$1-*" | wc -l; }
mid_artifacts=$(artifacts mid)
expect_eq "$([ "$mid_artifacts" -ge 3 ] && echo some)" some "mid has artifacts in the target:"
run_cthag --gc --max-age 30
expect_status 0
case "$(out)" in "cthag: gc: removed 1 of 5 entries; cache "*" (max 2.0 GiB, 30 days)") pass ;;
    *) fail "gc report: $(out)" ;; esac
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c '^old-')" 0 "old entry removed:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/bins" "$CTHAG_CACHE_DIR/locks" | grep -c '^old-')" 0
expect_eq "$(artifacts old)" 0 "its target artifacts removed:"
expect_eq "$(artifacts mid)" "$mid_artifacts" \
    "another entry's artifacts kept:"
for s in mid new; do
    run_cthag "${R[@]}" "$s.rs"
    expect_out "$s 42"
done
expect_cargo_calls 0 "remaining entries run without cargo:"
# ...and an edit of a remaining script rebuilds only itself: tinydep is still there.
echo "// edit" >> mid.rs
run_cthag "${R[@]}" mid.rs
expect_eq "$(count_lines "$TMP/err" "Compiling tinydep")" 0 "shared dependency kept:"
reset_cargo_log

# Size cap: the missing script's entry goes first, then the least recently used.
set_used new 60
set_used other 120
set_used mid 3600
total=$(json | sed -n 's/.*"entries": [0-9]*, "bytes": \([0-9]*\)}}/\1/p')
cap=$((total - 1024))
run_cthag --gc --max-size "$cap"
expect_status 0 "gc to a cap:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c '^gone-')" 0 "missing script's entry went first:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c -e '^mid-' -e '^new-' -e '^other-')" 3 \
    "one removal was enough:"
after=$(json | sed -n 's/.*"entries": [0-9]*, "bytes": \([0-9]*\)}}/\1/p')
expect_eq "$([ "$after" -le "$cap" ] && echo under)" under "cache under the cap ($after <= $cap):"
cap=$((after - 1024))
run_cthag --gc --max-size "$cap"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c '^mid-')" 0 "then the least recently used:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c -e '^new-' -e '^other-')" 2
run_cthag "${R[@]}" new.rs
expect_out "new 42"
expect_cargo_calls 0

# --deep: dependency builds no remaining entry uses go; used ones stay.
set_used new $((40 * 86400))
run_cthag --gc --deep
expect_status 0
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps | grep -c '^libtinydep-')" 0 "unused tinydep swept:"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/target/debug/deps | grep -c '^libotherdep-')" 2 "used otherdep kept:"
run_cthag "${R[@]}" other.rs
expect_out "8"
echo "// edit" >> other.rs
run_cthag "${R[@]}" other.rs
expect_out "8"
expect_eq "$(count_lines "$TMP/err" "Compiling otherdep")" 0 "otherdep not rebuilt after --deep:"
reset_cargo_log

# The daily automatic trim: runs after a build when the stamp is a day old, removes what --gc
# would, and is silent; not again the same day.
set_used other $((40 * 86400))
touch -d '2 days ago' "$CTHAG_CACHE_DIR/gc-stamp"
printf 'fn main() { println!("fresh"); }\n' > fresh.rs
run_cthag -q fresh.rs
expect_out "fresh"
expect_err "" "automatic trim is silent under -q:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c '^other-')" 0 "automatic trim removed the old entry:"
expect_eq "$(find "$CTHAG_CACHE_DIR/gc-stamp" -mmin -1 | wc -l)" 1 "stamp renewed:"
set_used fresh $((40 * 86400))
printf 'fn main() { println!("fresh2"); }\n' > fresh2.rs
run_cthag fresh2.rs
expect_err_lacks "cthag: gc:" "no trim message the same day:"
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c '^fresh-')" 1 "no second trim the same day:"
touch -d '2 days ago' "$CTHAG_CACHE_DIR/gc-stamp"
printf 'fn main() { println!("fresh3"); }\n' > fresh3.rs
run_cthag fresh3.rs
expect_out "fresh3"
expect_err_has "cthag: gc: removed 1 of 3 entries; cache " "the daily trim says what it removed:"

# Config file and environment.
mkdir -p "$XDG_CONFIG_HOME/cthag"
printf '[cache]\nmax-size = "1 MiB"\nmax-age-days = 400\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
run_cthag --gc
case "$(out)" in *"(max 1.0 MiB, 400 days)") pass ;; *) fail "config caps: $(out)" ;; esac
CTHAG_MAX_CACHE_SIZE=3GiB run_cthag --gc
case "$(out)" in *"(max 3.0 GiB, 400 days)") pass ;; *) fail "env cap: $(out)" ;; esac
printf '[cache]\nmax-size = "lots"\n' > "$XDG_CONFIG_HOME/cthag/config.toml"
run_cthag --gc
expect_status 2 "bad config:"
expect_err "cthag: $XDG_CONFIG_HOME/cthag/config.toml:2: [cache] max-size must be a size such as \"2GiB\" or \"500MB\""
rm "$XDG_CONFIG_HOME/cthag/config.toml"

# Bad arguments.
run_cthag --gc --max-size 12QB
expect_status 2
expect_err "cthag: --max-size: \`12QB\` is not a size (e.g. 2GiB, 500MB, 1000000) (see cthag --help)"
run_cthag --gc --max-age soon
expect_status 2
run_cthag --deep
expect_status 2
expect_err "cthag: --max-size, --max-age and --deep go with --gc (see cthag --help)"
run_cthag --cache-stats=xml
expect_status 2

finish
