#!/bin/bash
# Issue 21, problems 9 and 12: a root is cthag's only by cthag's own mark (CACHEDIR.TAG's
# standard signature followed by cthag's line) or when empty.  A directory with an empty
# projects/ beside a target/ of the user's files, or a standard CACHEDIR.TAG (cargo writes one
# into every target/; people add them to keep folders out of backups), is never adopted nor
# cleaned; --clean all on it exits 2, as a run does.  CTHAG_CACHE_DIR ending in /. or /.. is
# resolved before anything is made; under umask 777 the root is still 0700.
. "$(dirname "$0")/lib.sh"

write_script hello.rs <<'EOF_RS'
fn main() { println!("hello"); }
EOF_RS

# refused DIR LABEL: every command refuses DIR (status 2, saying why) and changes nothing.
refused() {
    local dir=$1 label=$2 before cmd
    before=$(find "$dir" -printf '%P %s %T@\n' | sort | md5sum)
    for cmd in "--clean all" "--clean target" "--gc" "--cache-stats" "-q hello.rs"; do
        CTHAG_CACHE_DIR=$dir run_cthag $cmd
        expect_status 2 "$label [$cmd]:"
        expect_err_has "CACHEDIR.TAG of cthag's" "$label [$cmd] says why:"
        expect_eq "$(find "$dir" -printf '%P %s %T@\n' | sort | md5sum)" "$before" \
            "$label [$cmd] left every file:"
    done
}

# An empty projects/ beside a target/ of the user's.
mkdir -p work/projects work/target/release
echo "results" > work/target/release/data.csv
refused "$TMP/work" "empty projects/ and a user's target/"

# A standard CACHEDIR.TAG, as cargo and backup-minded users write it.
mkdir -p backup/photos
printf 'Signature: 8a477f597d28d172789f06886806bc55\n# made by a backup tool\n' > backup/CACHEDIR.TAG
echo "jpeg" > backup/photos/1.jpg
refused "$TMP/backup" "a standard CACHEDIR.TAG"
cp -R backup cargo-target
printf 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cargo.\n# For information about cache directory tags see https://bford.info/cachedir/\n' > cargo-target/CACHEDIR.TAG
refused "$TMP/cargo-target" "cargo's CACHEDIR.TAG"

# A root tagged by an earlier release (the tag has said this since roots were tagged): cthag's.
mkdir -p earlier/projects
printf 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by cthag (a Rust script runner).\n# For information about cache directory tags see https://bford.info/cachedir/\n' > earlier/CACHEDIR.TAG
CTHAG_CACHE_DIR=$TMP/earlier run_cthag -q hello.rs
expect_status 0 "a root an earlier release tagged:"
expect_out "hello"
CTHAG_CACHE_DIR=$TMP/earlier run_cthag --clean all
expect_status 0 "--clean all in it:"

# An empty directory is adopted.
mkdir empty
CTHAG_CACHE_DIR=$TMP/empty run_cthag -q hello.rs
expect_status 0 "an empty directory:"
expect_out "hello"

# ---- 12. CTHAG_CACHE_DIR with . and .. ----
CTHAG_CACHE_DIR=$TMP/dot/. run_cthag -q hello.rs
expect_status 0 "CTHAG_CACHE_DIR=.../dot/.:"
expect_out "hello"
[ -f dot/CACHEDIR.TAG ] && pass || fail "the root is dot/"
mkdir -p parent/sub
CTHAG_CACHE_DIR=$TMP/parent/sub/.. run_cthag -q hello.rs
expect_status 2 "CTHAG_CACHE_DIR=.../parent/sub/.. (not empty):"
expect_err "cthag: cache directory $TMP/parent exists, is not empty and has no CACHEDIR.TAG of cthag's: it is not a cthag cache; refusing to use it (point CTHAG_CACHE_DIR at a new or empty directory)"
expect_eq "$(ls parent | tr '\n' ' ')" "sub " "nothing made in parent/:"
CTHAG_CACHE_DIR=$TMP/missing/.. run_cthag -q hello.rs
expect_status 2 "CTHAG_CACHE_DIR=.../missing/..:"
expect_err "cthag: cache directory $TMP/missing/..: cannot resolve $TMP/missing/..: No such file or directory"
[ -e missing ] && fail "missing/ was created" || pass
mkdir -p fresh/sub
CTHAG_CACHE_DIR=$TMP/fresh/sub/../cache run_cthag -q hello.rs
expect_status 0 "CTHAG_CACHE_DIR=.../fresh/sub/../cache:"
[ -f fresh/cache/CACHEDIR.TAG ] && pass || fail "the root is fresh/cache"

# ---- 12. umask 777 ----
( umask 777; CTHAG_CACHE_DIR=$TMP/masked "$CTHAG" -q hello.rs > "$TMP/out" 2> "$TMP/err"; echo $? > "$TMP/status" )
status=$(cat "$TMP/status")
expect_status 0 "umask 777:"
expect_eq "$(stat -c %a masked)" 700 "the root under umask 777:"
expect_eq "$(stat -c %a masked/projects masked/bins masked/locks masked/target | sort -u)" 700 \
    "its directories under umask 777:"

finish
