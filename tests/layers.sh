#!/bin/bash
# The layers of src/ (HACKING.md, "Layers"): every #include "..." of a C file or header goes
# down to a lower layer or stays in its own unit (a folder, or a top-level file), except the
# exceptions below; no header reaches itself again through the headers it includes; no C file
# is included.
# Prints "layers: N checks passed" or each violation and "layers: N of M checks FAILED", the
# form tests/cli/run-all.sh tallies.  Run from anywhere: bash tests/layers.sh [SRC-DIR].
set -u
src=${1:-$(cd "$(dirname "$0")/../src" && pwd)}
cd "$src" || exit 1

# unit rank: a unit may include units of a lower rank (and itself).
ranks='
rapid    9
cli      8
pipeline 7
builder  6
generate 5
config   4
direct   4
run      4
install  4
cargo    3
cache    2
script   2
fetch    1
toml     1
util     0
options  0
version  0
'
# FROM-FILE-PATTERN INCLUDED-HEADER: upward or sideways includes that are allowed, and why.
#   cache/freshness reads the dep-info files cargo and rustc write, and what cargo's messages
#   said about each unit of a build: cargo/depinfo and cargo/units are parsers of those formats
#   alone (they include only util/), so the cache may use them without depending on the rest of
#   cargo/.
exceptions='
cache/freshness cargo/depinfo.h
cache/freshness cargo/units.h
cache/freshness_build cargo/depinfo.h
cache/freshness_build cargo/units.h
'

find . -name '*.[ch]' | sed 's|^\./||' | sort | while read -r file; do
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" |
        while read -r header; do echo "$file $header"; done
done | awk -v ranks="$ranks" -v exceptions="$exceptions" '
function unit(path,    parts, n) {
    n = split(path, parts, "/")
    if (n > 1) return parts[1]
    sub(/\.[ch]$/, "", path)
    return path
}
function module(path) { sub(/\.[ch]$/, "", path); return path }
BEGIN {
    n = split(ranks, lines, "\n")
    for (i = 1; i <= n; i++) if (split(lines[i], f, " ") == 2) rank[f[1]] = f[2]
    n = split(exceptions, lines, "\n")
    for (i = 1; i <= n; i++) if (split(lines[i], f, " ") == 2) allowed[f[1] " " f[2]] = 1
}
{
    file = $1; header = $2; checks++
    from = unit(file); to = unit(header)
    if (!(from in rank) || !(to in rank)) {
        print "layers: " file ": includes " header ": unit " (from in rank ? to : from) \
              " has no layer (add it to tests/layers.sh and HACKING.md)"
        bad++
    } else if (from != to && rank[to] >= rank[from] && !((module(file) " " header) in allowed)) {
        print "layers: " file " (" from ", layer " rank[from] ") includes " header " (" to \
              ", layer " rank[to] ")"
        bad++
    }
    if (header ~ /\.c$/) { print "layers: " file ": includes a C file, " header; bad++ }
    if (file ~ /\.h$/) { edge[file, header] = 1; hdrs[file] = 1; hdrs[header] = 1 }
}
END {
    # Transitive closure over headers: a cycle is a header that reaches itself.
    for (k in hdrs) for (i in hdrs) if ((i, k) in edge) for (j in hdrs) if ((k, j) in edge)
        edge[i, j] = 1
    for (h in hdrs) {
        checks++
        if ((h, h) in edge) { print "layers: " h ": include cycle through it"; bad++ }
    }
    if (bad) { printf "layers: %d of %d checks FAILED\n", bad, checks; exit 1 }
    printf "layers: %d checks passed\n", checks
}'
