#!/bin/bash
# cthag beside its peers, each as its users get it (its default profile): a dependency-free
# program edited and run, and run again unchanged, through cthag, rust-script (its default
# release build, and --debug), thag and cargo's -Zscript where installed.  Rounds alternate the
# tools (one edit, then each tool once; 20 cached runs of each in turn); medians of wall time
# from the shell.
#
#   bash bench/peers.sh            # the tools on PATH (cargo install rust-script thag_rs --root DIR)
#
# Environment: CTHAG (default ./cthag of this tree), BENCH_REPEAT (rounds, default 15).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CTHAG=${CTHAG:-$here/../cthag}
REPEAT=${BENCH_REPEAT:-15}
work=$(mktemp -d "${TMPDIR:-/tmp}/cthag-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export CTHAG_CACHE_DIR="$work/cache"

# The tools: a name and a command line, the script's path appended.
names=(cthag) commands=("$CTHAG")
if command -v rust-script > /dev/null; then
    names+=(rust-script rust-script-debug) commands+=("rust-script" "rust-script --debug")
fi
command -v thag > /dev/null && names+=(thag) commands+=("thag")
echo "tools: ${names[*]} (install the others with cargo install to compare)"

for name in "${names[@]}"; do
    printf 'fn main() {\n    let edit = 0;\n    println!("hello {}", edit);\n}\n' > "e_${name//-/_}.rs"
done

# one NAME COMMAND EDIT RUNS: edit the tool's script (or not, when EDIT is empty), run it RUNS
# times, print "NAME MICROSECONDS" (per run).
one() {
    local name=$1 command=$2 edit=$3 runs=$4 file="e_${1//-/_}.rs" start end n
    [ -z "$edit" ] || sed -i "s/let edit = [0-9]*;/let edit = $edit;/" "$file"
    start=$(date +%s%N)
    for ((n = 0; n < runs; n++)); do
        # shellcheck disable=SC2086 # the command line is words on purpose
        $command "$file" > out 2> /dev/null || { echo "$name failed on $file" >&2; exit 1; }
    done
    end=$(date +%s%N)
    echo "$name $(((end - start) / 1000 / runs))"
}

rounds() { # rounds EDIT? RUNS: REPEAT rounds, each tool once per round
    local r i
    for r in $(seq 1 "$REPEAT"); do
        for i in "${!names[@]}"; do one "${names[$i]}" "${commands[$i]}" "${1:+$r}" "$2"; done
    done
}

median_ms() { # median_ms NAME < "NAME US" lines
    awk -v k="$1" '$1 == k {print $2}' | sort -n |
        awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)] / 1000}'
}

for i in "${!names[@]}"; do one "${names[$i]}" "${commands[$i]}" "" 1 > /dev/null; done # first builds
rounds edit 1 > edit.txt
rounds "" 20 > cached.txt
printf '%-20s %14s %14s\n' tool "edit + run" "cached run"
for name in "${names[@]}"; do
    printf '%-20s %11s ms %11s ms\n' "$name" "$(median_ms "$name" < edit.txt)" \
        "$(median_ms "$name" < cached.txt)"
done
echo "(medians of $REPEAT alternating rounds of wall time from the shell, a cached run the mean of 20"
echo " in a row: it includes the shell's fork and exec; make bench times cthag's cached path finely)"
