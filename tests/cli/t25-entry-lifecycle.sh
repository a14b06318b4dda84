#!/bin/bash
# Issue 10, items 1, 3, 6, 7, 8: the entry lifecycle.
# - A record refresh never puts an older record over a newer one (no resurrected stale record).
# - -x never destroys: not the script itself, not a file cthag did not install; $CARGO_HOME.
# - A script named build.rs is not also cargo's build script.
# - A damaged or missing executable is rebuilt once, with a note.
# - The user's CARGO_TARGET_DIR & co. and a rust-toolchain.toml in the cwd change nothing.
. "$(dirname "$0")/lib.sh"

# clean_done_or_waiting CLEANER BUILDER: the cleaner has exited, or it holds the root lock's gate
# (byte 0, exclusively) while the builder holds the root lock (byte 1, shared).
clean_done_or_waiting() {
    local inode
    [ -d "/proc/$1" ] || return 0
    inode=$(stat -c %i "$CTHAG_CACHE_DIR/lock") || return 1
    awk -v c="$1" -v b="$2" -v ino=":$inode" '
        $2 == "POSIX" && $5 == c && $6 ~ ino "$" && $4 == "WRITE" && $7 == 0 { gate = 1 }
        $2 == "POSIX" && $5 == b && $6 ~ ino "$" && $4 == "READ" && $7 == 1 { lock = 1 }
        END { exit !(gate && lock) }' /proc/locks
}

# ---- no resurrection ----
write_script v.rs <<'EOF_RS'
fn main() { println!("one"); }
EOF_RS
cp v.rs v1.rs.saved
run_cthag -q v.rs
expect_out "one"
record=$(ls "$CTHAG_CACHE_DIR"/projects/v-*/entry)
# A cached run whose last-used time is old refreshes its record: make it pause before writing.
sed -i 's/^used .*/used 0/' "$record"
CTHAG_TEST_PAUSE_AT=refresh CTHAG_TEST_PAUSE_FILE="$TMP/paused" "$CTHAG" v.rs > paused.out 2>&1 &
paused=$!
wait_until "the cached run to pause before its refresh" test -e "$TMP/paused"
# Meanwhile the script changes and is rebuilt: a newer record.
printf 'fn main() { println!("two"); }\n' > v.rs
run_cthag -q v.rs
expect_out "two" "rebuilt while another run paused:"
rm -f "$TMP/paused"
wait $paused
expect_eq "$(cat paused.out)" "one" "the paused run ran the program it found:"
expect_file_has "$record" "$(grep '^key ' "$record")" "the newer record is still there:"
# Back to the first content: it must run "one", never the newer executable under the old key.
cp v1.rs.saved v.rs
run_cthag -q v.rs
expect_out "one" "reverted content runs its own program:"
run_cthag v.rs
expect_out "one"

# An entry belongs to the cthag release that built it: another release generates other code
# for the same text (its wrapper, its profile defaults), so its identity names the release.
version=$("$CTHAG" --version | cut -d' ' -f2)
expect_eq "$(grep -c "^opts cthag=$version profile=" "$record")" 1 "the record names cthag's release:"

# A --clean all between a build's making of the cache's directories and its check of them: the
# build waits for the root lock before it checks, and makes them again (t45 once saw "cache
# directory .../bins: No such file or directory" when they were checked before the lock).
printf 'fn main() { println!("after clean"); }\n' > ac.rs
CTHAG_TEST_PAUSE_AT=subdirs-made CTHAG_TEST_PAUSE_FILE="$TMP/paused" "$CTHAG" -q ac.rs > ac.out 2> ac.err &
builder=$!
wait_until "the build to pause with the cache's directories made" test -e "$TMP/paused"
"$CTHAG" --clean all > clean.out 2>&1 &
cleaner=$!
# The build resumes once the cleaner is through, or waits behind the build (holds the gate of
# the root lock, byte 0, while the build holds byte 1: see /proc/locks).
wait_until "--clean all to finish or to wait for the build" clean_done_or_waiting $cleaner $builder
rm -f "$TMP/paused"
wait $builder; status=$?
expect_status 0 "a build beside --clean all:"
expect_eq "$(cat ac.out)" "after clean" "a build beside --clean all prints:"
expect_eq "$(cat ac.err)" "" "a build beside --clean all says nothing:"
wait $cleaner
expect_eq "$?" 0 "--clean all beside a build:"

# ---- -x ----
mkdir -p cargohome/bin dir
write_script dir/greet <<'EOF_RS'
#!/usr/bin/env cthag
fn main() { println!("greetings"); }
EOF_RS
cp dir/greet greet.saved
run_cthag -q -x --install-dir "$TMP/dir" dir/greet
expect_status 1 "-x onto the script itself:"
expect_err "cthag: -x: $TMP/dir/greet is the script itself; refusing to overwrite it (--install-dir DIR installs the executable elsewhere)"
cmp -s dir/greet greet.saved && pass || fail "the script was overwritten"
run_cthag -q -f -x --install-dir "$TMP/dir" dir/greet
expect_status 1 "-x -f onto the script itself:"
cmp -s dir/greet greet.saved && pass || fail "the script was overwritten with -f"
# Someone else's program of the same name: refused unless forced.
printf '#!/bin/sh\necho theirs\n' > cargohome/bin/greet && chmod 755 cargohome/bin/greet
CARGO_HOME="$TMP/cargohome" run_cthag -q -x dir/greet
expect_status 1 "-x over a foreign program:"
expect_err "cthag: -x: $TMP/cargohome/bin/greet exists and was not installed by cthag; refusing to replace it (-f/--force replaces it)"
expect_eq "$(cargohome/bin/greet)" "theirs" "foreign program untouched:"
CARGO_HOME="$TMP/cargohome" run_cthag -q -f -x dir/greet
expect_status 0 "-x -f over a foreign program:"
expect_eq "$(cargohome/bin/greet)" "greetings"
expect_err_has "cthag: installed $TMP/cargohome/bin/greet"
expect_err_has "is not on PATH"
# What cthag installed itself it may replace without -f.
printf '#!/usr/bin/env cthag\nfn main() { println!("greetings 2"); }\n' > dir/greet
CARGO_HOME="$TMP/cargohome" PATH="$TMP/cargohome/bin:$PATH" run_cthag -q -x dir/greet
expect_status 0 "-x over its own earlier install:"
expect_err "cthag: installed $TMP/cargohome/bin/greet"
expect_eq "$(cargohome/bin/greet)" "greetings 2"

# ---- build.rs is a script like any other ----
mkdir sub
write_script sub/build.rs <<'EOF_RS'
use std::io::Write;
fn main() {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open("ran.log").unwrap();
    writeln!(f, "ran").unwrap();
    println!("build.rs ran");
}
EOF_RS
(cd sub && "$CTHAG" -q build.rs > ../out 2> ../err)
expect_eq "$?:$(cat out)" "0:build.rs ran" "a script named build.rs:"
expect_eq "$(cat sub/ran.log)" "ran" "its side effect happened once:"
expect_file_has "$(ls "$CTHAG_CACHE_DIR"/projects/build-*/Cargo.toml)" "build = false"

# ---- damaged executables heal ----
write_script heal.rs <<'EOF_RS'
fn main() { println!("healthy"); }
EOF_RS
run_cthag -q heal.rs
bin=$(ls "$CTHAG_CACHE_DIR"/bins/heal-*)
reset_cargo_log
: > "$bin" # truncated, as a power cut before the data reached the disk leaves it
run_cthag -q heal.rs
expect_status 0 "truncated executable:"
expect_out "healthy"
expect_err_has "cthag: heal.rs: the cached executable cannot be run (Exec format error); rebuilding it"
expect_cargo_calls 1 "one rebuild:"
run_cthag heal.rs
expect_out "healthy"
expect_err ""
expect_cargo_calls 0 "then cached again:"
head -c 100 "$bin" > "$bin.part" && mv "$bin.part" "$bin" && chmod 755 "$bin"
run_cthag -q -v heal.rs
expect_out "healthy" "half-written executable (a new inode: the record does not vouch for it):"
expect_builds 1 "half-written executable:"
rm "$(ls "$CTHAG_CACHE_DIR"/bins/heal-*)"
run_cthag -q -v heal.rs
expect_out "healthy" "missing executable:"
expect_builds 1 "missing executable:"

# ---- the user's environment does not redirect builds ----
write_script env.rs <<'EOF_RS'
fn main() { println!("built where cthag builds"); }
EOF_RS
mkdir work && echo '[toolchain]
channel = "no-such-toolchain-1.0"' > work/rust-toolchain.toml
(cd work && CARGO_TARGET_DIR=target CARGO_BUILD_TARGET_DIR=target2 CARGO_BUILD_TARGET=no-such-target \
    "$CTHAG" -q ../env.rs > ../out 2> ../err)
expect_eq "$?:$(cat out)" "0:built where cthag builds" "CARGO_TARGET_DIR & co. and a toolchain file:"
expect_eq "$(ls work)" "rust-toolchain.toml" "nothing created in the cwd:"
# Built in the cache: by rustc alone (src/direct.h) with the command of an earlier script, so
# its executable is in bins/ only.
ls "$CTHAG_CACHE_DIR"/bins/env-* > /dev/null 2>&1 && pass || fail "not built in the cache"

finish
