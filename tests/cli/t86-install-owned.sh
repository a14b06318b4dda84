#!/bin/bash
# Issue 21, problem 8: -x replaces only what it installed, known by the bytes it installed (a
# hash kept in the cache), not by (dev, inode, path): a file of the user's in its place (a
# freed inode reused, or written over in place) is refused without -f.
. "$(dirname "$0")/lib.sh"

write_script tool.rs <<'EOF_RS'
fn main() { println!("tool 1"); }
EOF_RS
printf '#!/bin/sh\necho mine\n' > my-tool
chmod 755 my-tool
mkdir bin

expect_install() { # expect_install LABEL STATUS ARGS...
    local label=$1 want=$2
    shift 2
    run_cthag -q -x --install-dir "$TMP/bin" "$@" tool.rs
    expect_status "$want" "$label:"
}

expect_install "first install" 0
expect_eq "$(bin/tool)" "tool 1" "installed:"
expect_install "again: what it installed is its to replace" 0
expect_file_has "$CTHAG_CACHE_DIR/installed" " $TMP/bin/tool"

# The user's program written over it, in place: the same inode.
cat my-tool > bin/tool
expect_install "over the user's program in the same inode" 1
expect_err "cthag: -x: $TMP/bin/tool exists and was not installed by cthag; refusing to replace it (-f/--force replaces it)"
expect_eq "$(bin/tool)" "mine" "the user's program kept:"

# Removed and replaced by a copy (ext4 often gives it the freed inode).
expect_install "-f replaces it" 0 -f
expect_eq "$(bin/tool)" "tool 1"
rm bin/tool
cp my-tool bin/tool
expect_install "over a copy of the user's" 1
expect_eq "$(bin/tool)" "mine" "the user's copy kept:"

# A symlink there is not what cthag installed either.
rm bin/tool
ln -s "$TMP/my-tool" bin/tool
expect_install "over a symlink" 1
expect_eq "$(readlink bin/tool)" "$TMP/my-tool" "the symlink kept:"

# What it installed, then rebuilt: replaced without -f, and remembered anew.
rm bin/tool
expect_install "install again" 0
printf 'fn main() { println!("tool 2"); }\n' > tool.rs
expect_install "a new build over its own install" 0
expect_eq "$(bin/tool)" "tool 2"
expect_eq "$(grep -c " $TMP/bin/tool\$" "$CTHAG_CACHE_DIR/installed")" 1 "one line for it:"

finish
