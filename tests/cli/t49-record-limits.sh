#!/bin/bash
# The cached path and the record at their limits:
# - a -F list longer than the record's options field still gets a valid record (the options are
#   hashed when they do not fit): the second run starts no cargo, and two long lists that differ
#   only at their end are two entries;
# - a read-only or full cache is quiet on the cached path: the last-used refresh (due an hour
#   after the last use) is best effort (it used to print "cannot write .../entry" on every run).
. "$(dirname "$0")/lib.sh"

# ---- long -F lists ----
features=() toml='' code=''
for i in $(seq -w 1 60); do
    features+=("a-feature-with-a-rather-long-name-number-$i")
    toml+="a-feature-with-a-rather-long-name-number-$i = []"$'\n'
done
code='    if cfg!(feature = "a-feature-with-a-rather-long-name-number-60") { n += 60; }
    if cfg!(feature = "a-feature-with-a-rather-long-name-number-59") { n += 59; }'
printf -- '---\n[features]\n%s---\nfn main() {\n    let mut n = 0;\n%s\n    println!("{}", n);\n}\n' \
    "$toml" "$code" > many.rs
list_a=$(IFS=,; echo "${features[*]}")
list_b=$(IFS=,; echo "${features[*]:0:59}") # all but the last
expect_eq "$([ ${#list_a} -gt 2048 ] && echo long)" long "the list is longer than the record's field:"

run_cthag -q -F "$list_a" many.rs
expect_status 0 "long -F list, first run:"
expect_out "119"
expect_cargo_calls 1 "long -F list, first run:"
run_cthag -F "$list_a" many.rs
expect_out "119" "long -F list, second run:"
expect_err "" "long -F list, second run:"
expect_cargo_calls 0 "long -F list, second run (cached: the record is valid):"
record=$(ls "$CTHAG_CACHE_DIR"/projects/many-*/entry)
expect_eq "$(grep -c '^opts options-xxh3 [0-9a-f]\{32\}$' "$record")" 1 "the options hashed:"

run_cthag -q -F "$list_b" many.rs
expect_out "59" "a list that differs at its end is another entry:"
expect_cargo_calls 1 "the other list:"
run_cthag -F "$list_a" many.rs
expect_out "119" "the first list still has its entry:"
expect_cargo_calls 0 "the first list still cached:"
expect_eq "$(ls -d "$CTHAG_CACHE_DIR"/projects/many-* | wc -l)" 2 "two entries:"

# ---- a read-only or full cache on the cached path ----
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP t49-record-limits: a read-only and a full cache need root to mount a tmpfs"
    finish
fi
mkdir small
if ! mount -t tmpfs -o size=24m tmpfs small 2> /dev/null; then
    echo "SKIP t49-record-limits: cannot mount a tmpfs here"
    finish
fi
trap 'umount "$TMP/small" 2>/dev/null; cleanup' EXIT
export CTHAG_CACHE_DIR="$TMP/small/cache"

printf 'fn main() { println!("quiet"); }\n' > quiet.rs
run_cthag -q quiet.rs
expect_out "quiet" "built in the small cache:"
reset_cargo_log
record=$(ls "$CTHAG_CACHE_DIR"/projects/quiet-*/entry)
# A last use two hours ago: the next cached run refreshes the record, or tries to.
age_record() {
    sed "s/^used .*/used $(( $(date +%s) - 7200 ))/" "$record" > "$TMP/entry.new"
    cat "$TMP/entry.new" > "$record"
}
quiet_run() {
    run_cthag quiet.rs
    expect_status 0 "$1:"
    expect_out "quiet" "$1:"
    expect_err "" "$1:"
    expect_cargo_calls 0 "$1:"
}

age_record
aged=$(cat "$record")
mount -o remount,ro small
quiet_run "read-only cache, last use two hours ago"
quiet_run "read-only cache, again"
expect_eq "$(cat "$record")" "$aged" "the record as it was:"
mount -o remount,rw small

# Full: not one free block (the record's temporary file cannot be written).
dd if=/dev/zero of=small/filler bs=64k > /dev/null 2>&1
for i in $(seq 1 200); do echo x > "small/f$i" 2> /dev/null || break; done
quiet_run "full cache, last use two hours ago"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/projects/quiet-*/ | grep -c '\.tmp\.')" 0 "no temporary file left:"

# With space again, the refresh happens: the last-used time is now.
rm -f small/filler small/f*
run_cthag quiet.rs
expect_out "quiet" "with space again:"
used=$(sed -n 's/^used //p' "$record")
expect_eq "$([ "$used" -ge $(( $(date +%s) - 60 )) ] && echo refreshed)" refreshed \
    "the last-used time refreshed once the cache is writable:"
umount small
trap cleanup EXIT

finish
