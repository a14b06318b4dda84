#!/bin/bash
# A full file system or an unwritable cache: a clear one-line error naming the path and the
# cause, a non-zero exit, and the existing entries untouched (they still run).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP t13-disk-full: needs root to mount a small tmpfs"
    exit 0
fi
mkdir small
if ! mount -t tmpfs -o size=24m tmpfs small 2> /dev/null; then
    echo "SKIP t13-disk-full: cannot mount a tmpfs here"
    exit 0
fi
trap 'umount "$TMP/small" 2>/dev/null; cleanup' EXIT
export CTHAG_CACHE_DIR="$TMP/small/cache"

printf 'fn main() { println!("one"); }\n' > one.rs
run_cthag -q one.rs
expect_status 0 "build before the disk fills:"
expect_out "one"
bin=$(ls "$CTHAG_CACHE_DIR"/bins/one-*)
inode=$(stat -c %i "$bin")
record=$(cat "$CTHAG_CACHE_DIR"/projects/one-*/entry)

# Fill the file system to the last block.
dd if=/dev/zero of=small/filler bs=64k > /dev/null 2>&1
for i in $(seq 1 200); do echo x > "small/f$i" 2>/dev/null || break; done

# A new script cannot be built: cthag (or cargo) says so, and cthag exits non-zero.
printf 'fn main() { println!("two"); }\n' > two.rs
run_cthag -q two.rs
case "$status" in 0) fail "new script on a full disk: exit 0" ;; *) pass ;; esac
expect_err_has "No space left on device" "new script on a full disk:"
expect_eq "$(ls "$CTHAG_CACHE_DIR"/bins | grep -c '^two-')" 0 "nothing installed:"

# An edit of the built script fails the same way; its entry stays as it was.
printf 'fn main() { println!("one, edited"); }\n' > one.rs
run_cthag -q one.rs
case "$status" in 0) fail "edited script on a full disk: exit 0" ;; *) pass ;; esac
expect_err_has "No space left on device"
expect_eq "$(stat -c %i "$bin")" "$inode" "old executable untouched:"
expect_eq "$(cat "$CTHAG_CACHE_DIR"/projects/one-*/entry)" "$record" "old record untouched:"
printf 'fn main() { println!("one"); }\n' > one.rs
run_cthag one.rs
expect_status 0 "the old entry still runs:"
expect_out "one"

# cthag's own writes: the project files.  Make the project directory the thing that fails.
rm -f small/filler
run_cthag -q two.rs
expect_status 0 "with space again:"
expect_out "two"

umount small
export CTHAG_CACHE_DIR="$TMP/cache"

# A read-only cache: the error names the path and the cause.
mkdir -p ro && mount -t tmpfs -o size=1m tmpfs ro && mkdir -m 700 ro/cache && mount -o remount,ro ro
export CTHAG_CACHE_DIR="$TMP/ro/cache"
run_cthag -q one.rs
expect_status 2 "read-only cache:"
expect_err "cthag: cannot write $TMP/ro/cache/CACHEDIR.TAG: Read-only file system"
umount ro
trap cleanup EXIT

finish
