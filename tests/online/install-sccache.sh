#!/bin/bash
# Build sccache from crates.io with its Redis backend, once per machine, and print the path of
# the binary.  The version is pinned here and nowhere else; the binary is kept in
# $CTHAG_SCCACHE_CACHE (default /var/cache/cthag-ci) under sccache-<version>/, where the next
# run (a later CI run on the same machine, or the online tests) finds it without building.
#   FEATURES="redis s3 webdav" tests/online/install-sccache.sh   # more storage backends
set -euo pipefail
SCCACHE_VERSION=0.19.0
FEATURES=${FEATURES:-redis}
cache=${CTHAG_SCCACHE_CACHE:-/var/cache/cthag-ci}
dest="$cache/sccache-$SCCACHE_VERSION"
bin="$dest/bin/sccache"

if [ "${1:-}" = "--path" ]; then   # where it is (or would be), without building
    echo "$bin"
    exit 0
fi
if [ -x "$bin" ] && "$bin" --version 2> /dev/null | grep -qx "sccache $SCCACHE_VERSION"; then
    echo "$bin"
    exit 0
fi
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p "$cache"
# Built into a temporary root and renamed into place: an interrupted build leaves nothing that
# a later run would take for a finished one.
tmp=$(mktemp -d "$cache/sccache-$SCCACHE_VERSION.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "building sccache $SCCACHE_VERSION (features: $FEATURES) into $dest" >&2
cargo install sccache --version "$SCCACHE_VERSION" --locked --no-default-features \
    --features "$FEATURES" --root "$tmp" --quiet >&2
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "$bin"
