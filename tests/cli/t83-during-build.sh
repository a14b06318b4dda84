#!/bin/bash
# Issue 21, problem 3: a change while cargo runs is never recorded as what was compiled.  A
# compiler wrapper holds the script's rustc after it has read its files until the test has made
# its change (a symlinked module retargeted, a directory swapped, a file replaced): the build
# ran on the old files, so the next run must build again, and then be cached.
. "$(dirname "$0")/lib.sh"

MARK=$TMP/mark
mkdir -p "$MARK"
# The wrapper: the script's crates (crate names starting with "swap") are compiled, then held
# until $MARK/go appears when $MARK/armed exists.
cat > "$TMP/bin/holding-rustc" <<EOF
#!/bin/sh
"\$@"
status=\$?
case " \$* " in
*" --crate-name swap"*)
    if [ -e "$MARK/armed" ]; then
        rm -f "$MARK/armed"
        touch "$MARK/compiled"
        n=0
        while [ ! -e "$MARK/go" ] && [ \$n -lt 600 ]; do sleep 0.05; n=\$((n + 1)); done
        rm -f "$MARK/go"
    fi ;;
esac
exit \$status
EOF
chmod +x "$TMP/bin/holding-rustc"
export RUSTC_WRAPPER=$TMP/bin/holding-rustc

# wait_for FILE: poll for a file the other side makes (bounded: 30 s).
wait_for() {
    local n=0
    while [ ! -e "$1" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
    [ -e "$1" ] || fail "timed out waiting for $1"
}

# build_during LABEL OUTPUT SCRIPT COMMAND...: build SCRIPT, run COMMAND once the compiler has
# read its files, and expect the build's output (what it compiled).
build_during() {
    local label=$1 want=$2 script=$3
    shift 3
    rm -f "$MARK/compiled" "$MARK/go"
    touch "$MARK/armed"
    "$CTHAG" -q -v "$script" > "$TMP/out" 2> "$TMP/err" &
    local job=$!
    wait_for "$MARK/compiled"
    "$@"
    touch "$MARK/go"
    wait "$job"
    status=$?
    expect_status 0 "$label:"
    expect_out "$want" "$label:"
    expect_builds 1 "$label:" # by cargo, or by rustc alone (src/direct.h): held alike
}

expect_run() { # expect_run LABEL BUILDS OUTPUT SCRIPT
    run_cthag -q -v "$4"
    expect_status 0 "$1:"
    expect_out "$3" "$1:"
    expect_builds "$2" "$1:"
}

# (A fraction of a second: whole seconds would look like a coarse file system's timestamps.)
old() { touch -d '2001-01-01 00:00:00.123456789' "$@"; }

# ---- a module reached through a symlink, retargeted during the build ----
write_script swap_link.rs <<'EOF'
mod m;
fn main() { println!("{}", m::V); }
EOF
printf 'pub const V: &str = "one";\n' > one.rs
printf 'pub const V: &str = "two";\n' > two.rs
old one.rs two.rs
ln -s one.rs m.rs
build_during "symlink retargeted during the first build" one swap_link.rs ln -sfn two.rs m.rs
expect_run "then built again" 1 two swap_link.rs
expect_run "then cached" 0 two swap_link.rs
echo "// edit" >> swap_link.rs
build_during "symlink retargeted during a rebuild" two swap_link.rs ln -sfn one.rs m.rs
expect_run "then built again" 1 one swap_link.rs
expect_run "then cached" 0 one swap_link.rs

# ---- a directory swapped during the build ----
mkdir -p d1 d2
echo one > d1/data.txt
echo two > d2/data.txt
old d1/data.txt d2/data.txt d1 d2
mv d1 data
write_script swap_dir.rs <<'EOF'
fn main() { println!("{}", include_str!("data/data.txt").trim()); }
EOF
build_during "directory swapped during the first build" one swap_dir.rs \
    sh -c 'mv data d1 && mv d2 data'
expect_run "then built again" 1 two swap_dir.rs
expect_run "then cached" 0 two swap_dir.rs
echo "// edit" >> swap_dir.rs
build_during "directory swapped during a rebuild" two swap_dir.rs \
    sh -c 'mv data d2 && mv d1 data'
expect_run "then built again" 1 one swap_dir.rs
expect_run "then cached" 0 one swap_dir.rs

# ---- a file replaced during the build (an older file renamed over it) ----
echo one > file.txt
old file.txt
write_script swap_file.rs <<'EOF'
fn main() { println!("{}", include_str!("file.txt").trim()); }
EOF
expect_run "file: first" 1 one swap_file.rs
echo two > file.new
old file.new
echo "// edit" >> swap_file.rs
build_during "file replaced during a rebuild" one swap_file.rs mv file.new file.txt
expect_run "then built again" 1 two swap_file.rs
expect_run "then cached" 0 two swap_file.rs

finish
