#!/bin/bash
# Issue 11, the racy-clean rule: on a file system with 1-second timestamps (ext4 with 128-byte
# inodes), a same-size edit within the same second as the build leaves the stat data as they
# were; the content must decide.  Five same-size, same-second edits in a row each run the new
# code; an input beside the script (mod helper;) too.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.ext4 > /dev/null; then
    echo "SKIP t27-coarse-timestamps: needs root and mkfs.ext4 to mount a 1-second-timestamp file system"
    exit 0
fi
truncate -s 32M coarse.img && mkfs.ext4 -q -I 128 -F coarse.img 2> /dev/null
mkdir coarse
if ! mount -o loop coarse.img coarse 2> /dev/null; then
    echo "SKIP t27-coarse-timestamps: mounting a loop device is not permitted here"
    exit 0
fi
trap 'umount "$TMP/coarse" 2>/dev/null; cleanup' EXIT
touch coarse/probe
expect_eq "$(stat -c %y coarse/probe | sed 's/.*\.\([0-9]*\) .*/\1/')" "000000000" "1-second timestamps:"

# The edit happens in the same second as the previous build's reading of the file: its size,
# inode and (truncated) times are the same as recorded.
# (The sleeps in this file make time pass for the 1-second timestamps under test: they wait for
# the clock, not for another process.)
same_second() { # wait until the start of a second, so a run and an edit fit in it
    local ns=$(date +%N)
    sleep "0.$(printf '%09d' $((1000000000 - 10#$ns)))"
}
for i in 1 2 3 4 5; do
    same_second
    printf 'fn main() { println!("version %s"); }\n' "$i" > coarse/s.rs
    run_cthag -q coarse/s.rs
    expect_out "version $i" "same-second edit $i, first run:"
    printf 'fn main() { println!("version %s"); }\n' "$((i + 5))" > coarse/s.rs
    run_cthag -q coarse/s.rs
    expect_out "version $((i + 5))" "same-second edit $i, same size, run again:"
done
# Once the file is older than the granularity, at most one run checks its content (no build;
# none when the last build was stamped late enough) and stamps the record anew; from then on
# its stat data are trusted: no hashing.
sleep 2.1
reset_cargo_log
run_cthag -v coarse/s.rs
expect_out "version 10"
expect_err_lacks "s.rs: building"
expect_cargo_calls 0 "after the granularity:"
run_cthag -v coarse/s.rs
expect_out "version 10"
expect_err_has "fresh (unchanged since the build of key"
expect_cargo_calls 0 "old enough: trusted by its stat data:"

# An input beside the script, edited within the same second.
printf 'mod helper;\nfn main() { println!("{}", helper::X); }\n' > coarse/m.rs
for i in 1 2 3; do
    same_second
    printf 'pub const X: u32 = %s;\n' "$i" > coarse/helper.rs
    run_cthag -q coarse/m.rs
    expect_out "$i" "helper edit $i:"
    printf 'pub const X: u32 = %s;\n' "$((i + 5))" > coarse/helper.rs
    run_cthag -q coarse/m.rs
    expect_out "$((i + 5))" "helper same-size same-second edit $i:"
done

finish
