# What bench.sh provides to a section of make bench, for running that section on its own
# (bash bench/NAME.sh): strict mode, $here, $top, $CTHAG, cargo on PATH, a work directory (kept
# with KEEP=1) that is the current one and holds the config, and quiet say/record.  Sourced by
# the section's script; bench_alone NAME.
bench_alone() {
    set -euo pipefail
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    top=$(cd "$here/.." && pwd)
    CTHAG=${CTHAG:-$top/cthag}
    export PATH="$HOME/.cargo/bin:$PATH"
    work=$(mktemp -d "${TMPDIR:-/tmp}/cthag-bench-$1.XXXXXX")
    # cargo's registry copies are read-only: made writable so that they can be removed.
    [ -n "${KEEP:-}" ] || trap 'chmod -R u+w "$work" 2> /dev/null; rm -rf "$work"' EXIT
    export XDG_CONFIG_HOME="$work/config"
    cd "$work"
    say() { printf '%-68s %s\n' "$1" "$2"; }
    record() { :; }
}
