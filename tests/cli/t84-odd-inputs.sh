#!/bin/bash
# Issue 21, problems 7 and 11: inputs dep-info cannot name, and inputs with a future mtime.
# A tab in a directory name is tracked (rustc writes it as it is, between space separators); a
# newline cannot be (the dep-info no longer parses): the entry is built on every run and a
# warning says so, never silently tracking the script alone.  A file whose mtime is ahead of the
# clock (an archive from a machine ahead, clock skew) is judged by its content once, then
# trusted: cached runs do not start cargo for it again.
. "$(dirname "$0")/lib.sh"

expect_run() { # expect_run LABEL BUILDS OUTPUT ARGS... (by cargo or by rustc alone)
    local label=$1 calls=$2 want=$3
    shift 3
    run_cthag -v "$@"
    expect_status 0 "$label:"
    expect_out "$want" "$label:"
    expect_builds "$calls" "$label:"
}

# module DIR VALUE: DIR/main.rs uses DIR/m.rs, which says VALUE.
module() {
    mkdir -p "$1"
    printf 'mod m;\nfn main() { println!("{}", m::V); }\n' > "$1/main.rs"
    printf 'pub const V: &str = "%s";\n' "$2" > "$1/m.rs"
}

# ---- 7. a tab: tracked ----
tab=$(printf 'a\tb')
module "$tab" one
expect_run "tab: first" 1 one -q "$tab/main.rs"
expect_run "tab: cached" 0 one -q "$tab/main.rs"
printf 'pub const V: &str = "two";\n' > "$tab/m.rs"
expect_run "tab: module edited" 1 two -q "$tab/main.rs"
expect_run "tab: cached" 0 two -q "$tab/main.rs"

# ---- 7. a newline: not trackable, so never cached, and said ----
nl=$(printf 'c\nd')
module "$nl" one
expect_run "newline: first" 1 one "$nl/main.rs"
expect_err_has "cthag: $nl/main.rs: cannot track " "newline: said:"
expect_err_has "it is built again on every run" "newline: said:"
expect_run "newline: built again" 1 one -q "$nl/main.rs"
printf 'pub const V: &str = "two";\n' > "$nl/m.rs"
expect_run "newline: module edited" 1 two -q "$nl/main.rs"
expect_file_has "$(grep -l '^source .*/c%0Ad/main.rs$' "$CTHAG_CACHE_DIR"/projects/main-*/entry)" \
    "uncacheable cannot track"

# ---- 11. a future mtime ----
module future one
touch -d '+2 days' future/m.rs future/main.rs
expect_run "future mtime: first" 1 one -q future/main.rs
expect_run "future mtime: cached" 0 one -q future/main.rs
expect_run "future mtime: cached again" 0 one -q future/main.rs
# A change to it still shows (its ctime is the kernel's), even with the same future mtime.
mtime=$(stat -c %y future/m.rs)
printf 'pub const V: &str = "two";\n' > future/m.rs
touch -d "$mtime" future/m.rs
expect_run "future mtime: edited, the same mtime put back" 1 two -q future/main.rs
expect_run "future mtime: cached" 0 two -q future/main.rs
# An archive from a machine ahead: every file's mtime in the future.
mkdir -p ahead
printf 'fn main() { println!("{}", include_str!("data.txt").trim()); }\n' > ahead/main.rs
echo ahead > ahead/data.txt
tar -C ahead -cf ahead.tar . && rm -rf ahead && mkdir ahead
touch -d '+1 year' ahead.tar
tar --mtime='+1 year' -C ahead -xf ahead.tar 2> /dev/null || tar -C ahead -xf ahead.tar
touch -d '+1 year' ahead/main.rs ahead/data.txt
expect_run "archive from ahead: first" 1 ahead -q ahead/main.rs
expect_run "archive from ahead: cached" 0 ahead -q ahead/main.rs

finish
