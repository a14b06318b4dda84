#!/bin/bash
# The cache root is private: created 0700; cthag refuses (without falling back elsewhere) a root
# or subdirectory that is a symlink, owned by someone else, or group/world-writable, on the
# cached path as well; planted symlinks inside are never followed when deleting or installing.
. "$(dirname "$0")/lib.sh"

printf 'fn main() { println!("private"); }\n' > p.rs
run_cthag -q p.rs
expect_out "private"
expect_eq "$(stat -c %a "$CTHAG_CACHE_DIR")" 700 "root created 0700:"
for d in projects bins locks; do
    expect_eq "$(stat -c %a "$CTHAG_CACHE_DIR/$d")" 700 "$d created 0700:"
done

# Group-writable root: refused, also on the cached path (which must not execute anything).
chmod g+w "$CTHAG_CACHE_DIR"
run_cthag p.rs
expect_status 2 "group-writable root:"
expect_err "cthag: cache directory $CTHAG_CACHE_DIR is writable by group or others (mode 720); refusing to use it (chmod go-w it)"
expect_out "" "nothing ran:"
chmod g-w "$CTHAG_CACHE_DIR"

chmod o+w "$CTHAG_CACHE_DIR/bins"
run_cthag p.rs
expect_status 2 "world-writable bins/:"
expect_err "cthag: cache directory $CTHAG_CACHE_DIR/bins is writable by group or others (mode 702); refusing to use it (chmod go-w it)"
chmod o-w "$CTHAG_CACHE_DIR/bins"

# Owned by someone else.
if [ "$(id -u)" -eq 0 ]; then
    chown 65534 "$CTHAG_CACHE_DIR"
    run_cthag p.rs
    expect_status 2 "root owned by nobody:"
    expect_err "cthag: cache directory $CTHAG_CACHE_DIR is owned by uid 65534, not you; refusing to use it"
    chown 0 "$CTHAG_CACHE_DIR"
    # ... and from nobody's side: a cache that root owns.
    if command -v setpriv > /dev/null; then
        chmod 755 "$TMP" "$CTHAG_CACHE_DIR"
        chmod 644 p.rs
        setpriv --reuid=65534 --regid=65534 --clear-groups "$CTHAG" p.rs > out 2> err < /dev/null
        status=$?
        expect_status 2 "nobody using root's cache:"
        expect_err "cthag: cache directory $CTHAG_CACHE_DIR is owned by uid 0, not you; refusing to use it"
        chmod 700 "$TMP" "$CTHAG_CACHE_DIR"
    fi
else
    echo "SKIP t14-private-root: foreign owner (needs root to chown)"
fi

# A symlinked root or subdirectory.
mkdir elsewhere
ln -s "$TMP/elsewhere" linkroot
CTHAG_CACHE_DIR="$TMP/linkroot" run_cthag p.rs
expect_status 2 "symlinked root:"
expect_err "cthag: cache directory $TMP/linkroot is a symbolic link; refusing to use it"
expect_eq "$(ls elsewhere | wc -l)" 0 "nothing written through it:"

mv "$CTHAG_CACHE_DIR/locks" "$TMP/locks.real"
ln -s "$TMP/locks.real" "$CTHAG_CACHE_DIR/locks"
run_cthag p.rs
expect_status 2 "symlinked locks/:"
expect_err "cthag: cache directory $CTHAG_CACHE_DIR/locks is a symbolic link; refusing to use it"
rm "$CTHAG_CACHE_DIR/locks" && mv "$TMP/locks.real" "$CTHAG_CACHE_DIR/locks"

# CTHAG_CACHE_DIR naming a file.
touch afile
CTHAG_CACHE_DIR="$TMP/afile" run_cthag p.rs
expect_status 2 "root is a file:"
expect_err "cthag: cache directory $TMP/afile is not a directory"

# A symlink planted in bins/: installing replaces the link, never writes through it.
echo "precious" > outside.txt
bin=$(ls "$CTHAG_CACHE_DIR"/bins/p-*)
rm "$bin" && ln -s "$TMP/outside.txt" "$bin"
run_cthag -q -f p.rs
expect_status 0 "rebuild over a planted symlink:"
expect_out "private"
expect_eq "$(cat outside.txt)" "precious" "symlink target untouched:"
[ -L "$bin" ] && fail "bins entry is still a symlink" || pass

# A planted project directory symlink: refused, nothing written through it.
project=$(ls -d "$CTHAG_CACHE_DIR"/projects/p-*)
mv "$project" "$TMP/project.real" && mkdir victim && ln -s "$TMP/victim" "$project"
echo "// changed" >> p.rs
run_cthag -q p.rs
expect_status 1 "symlinked project directory:"
expect_err "cthag: cannot create $project: Not a directory"
expect_eq "$(ls victim | wc -l)" 0 "nothing written into the symlink's target:"

# --clean never follows a planted symlink out of the cache.
mkdir keep && echo "keep me" > keep/file
ln -s "$TMP/keep" "$CTHAG_CACHE_DIR/bins/planted"
run_cthag --clean bins
expect_status 0
expect_eq "$(cat keep/file)" "keep me" "--clean leaves symlink targets alone:"

finish
