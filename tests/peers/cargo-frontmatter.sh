#!/bin/bash
# cargo's frontmatter fixtures, through cthag: does cthag read each file's frontmatter as cargo
# (-Zscript, the cargo of the fixtures' commit) does?
#
#   bash tests/peers/cargo-frontmatter.sh FIXTURES_DIR
#
# FIXTURES_DIR is cargo's tests/testsuite/script/rustc_fixtures (rustc's tests/ui/frontmatter as
# cargo keeps them): NAME.rs with NAME.stdout when cargo reads the script's manifest, NAME.stderr
# ("[ERROR] message") when cargo refuses it.  cthag agrees with a fixture when `cthag -g` (the
# manifest read and the project generated, nothing built) succeeds for a .stdout one, and fails
# with exit 2 and cargo's message ("cthag: NAME.rs:LINE: message") for a .stderr one; where cargo's
# refusal is a TOML error, any refusal of cthag's agrees (the words are each TOML reader's own).
# Prints one line per fixture and "N of M agree"; exit 0 when all do.
set -u
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 FIXTURES_DIR" >&2; exit 2; }
fixtures=$(cd "$1" && pwd)
CTHAG=${CTHAG:-$(cd "$(dirname "$0")/../.." && pwd)/cthag}
work=$(mktemp -d "${TMPDIR:-/tmp}/cargo-frontmatter.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CTHAG_CACHE_DIR=$work/cache XDG_CONFIG_HOME=$work/config
agree=0 total=0
for rs in "$fixtures"/*.rs; do
    name=$(basename "$rs" .rs)
    total=$((total + 1))
    cp "$rs" "$work/$name.rs"
    ( cd "$work" && "$CTHAG" -q -g "$name.rs" > /dev/null 2> "$work/err" )
    status=$?
    got=$(head -1 "$work/err")
    if [ -f "$fixtures/$name.stdout" ]; then
        want="accepted"
        [ "$status" -eq 0 ] && verdict=agree || verdict=DISAGREE
    else
        want=$(head -1 "$fixtures/$name.stderr" | sed 's/^\[ERROR\] //')
        message=$(printf '%s' "$got" | sed -n "s/^cthag: $name\\.rs:[0-9]*: //p")
        if [ "$status" -eq 2 ] && { [ "$message" = "$want" ] ||
            { grep -q 'TOML\|string\|expected' <<< "$want" && grep -q 'bad manifest' <<< "$message"; }; }; then
            verdict=agree
        else
            verdict=DISAGREE
        fi
    fi
    [ "$verdict" = agree ] && agree=$((agree + 1))
    printf '%-9s %-36s cargo: %s\n' "$verdict" "$name" "$want"
    [ "$verdict" = agree ] || printf '%-9s %-36s cthag: exit %s: %s\n' "" "" "$status" "${got:-(nothing)}"
done
echo "$agree of $total agree"
[ "$agree" -eq "$total" ]
