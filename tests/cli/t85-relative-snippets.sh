#!/bin/bash
# Issue 21, problem 1: -e, -s and -l whose code or manifest names a relative path
# (include_str!, mod, #[path], -M's path =) resolve it against the current directory, so their
# entries are keyed by it; the others stay keyed by their text alone (cached in one directory,
# reused in another).
. "$(dirname "$0")/lib.sh"

# run_in DIR LABEL BUILDS OUTPUT ARGS...: run cthag in DIR (builds by cargo or by rustc alone).
run_in() {
    local dir=$1 label=$2 calls=$3 want=$4
    shift 4
    (cd "$dir" && run_cthag -q -v "$@" && echo "$status" > "$TMP/status")
    status=$(cat "$TMP/status")
    expect_status 0 "$label:"
    expect_out "$want" "$label:"
    expect_builds "$calls" "$label:"
}

for d in one two; do
    mkdir -p "$d/dep/src"
    echo "$d" > "$d/data.txt"
    printf 'pub const V: &str = "%s";\n' "$d" > "$d/m.rs"
    printf '[package]\nname = "dep"\nversion = "0.1.0"\nedition = "2021"\n' > "$d/dep/Cargo.toml"
    printf 'pub fn v() -> &%sstatic str { "%s" }\n' "'" "$d" > "$d/dep/src/lib.rs"
    printf '%s\n' "$d" "$d" > "$d/lines.txt"
done

# -e with include_str!: each directory its own entry.
E='include_str!("data.txt").trim()'
run_in one "-e in one" 1 '"one"' -e "$E"
run_in two "-e in two" 1 '"two"' -e "$E"
run_in one "-e in one, cached" 0 '"one"' -e "$E"
run_in two "-e in two, cached" 0 '"two"' -e "$E"
run_in two "-e -f in two" 1 '"two"' -f -e "$E"
run_in one "-e in one after -f in two" 0 '"one"' -e "$E"

# -s with mod m;
S='mod m;
fn main() { println!("{}", m::V); }'
printf '%s\n' "$S" > "$TMP/stdin.rs"
STDIN=$TMP/stdin.rs run_in one "-s in one" 1 one -s
STDIN=$TMP/stdin.rs run_in two "-s in two" 1 two -s
STDIN=$TMP/stdin.rs run_in one "-s in one, cached" 0 one -s

# -e with -M's path dependency.
M='[dependencies]
dep = { path = "dep" }'
run_in one "-M path in one" 1 one -M "$M" -e 'println!("{}", dep::v())'
run_in two "-M path in two" 1 two -M "$M" -e 'println!("{}", dep::v())'
run_in one "-M path in one, cached" 0 one -M "$M" -e 'println!("{}", dep::v())'

# -l with -B naming a relative file.
B='let first = include_str!("data.txt").trim();'
STDIN=$TMP/one/lines.txt run_in one "-l -B in one" 1 "one one
one one" -B "$B" -l 'println!("{} {}", first, line)'
STDIN=$TMP/one/lines.txt run_in two "-l -B in two" 1 "two one
two one" -B "$B" -l 'println!("{} {}", first, line)'

# -e with -B naming a relative file (-B is -e's too).
run_in one "-e -B in one" 1 '"one"' -B '#[path = "m.rs"] mod m;' -e 'm::V'
run_in two "-e -B in two" 1 '"two"' -B '#[path = "m.rs"] mod m;' -e 'm::V'
run_in one "-e -B in one, cached" 0 '"one"' -B '#[path = "m.rs"] mod m;' -e 'm::V'

# No relative path: one entry wherever it runs.
run_in one "-e 1+1 in one" 1 2 -e '1 + 1'
run_in two "-e 1+1 in two: the same entry" 0 2 -e '1 + 1'
expect_eq "$(ls "$CTHAG_CACHE_DIR/projects" | grep -c "^expr-")" 7 "expression entries (2 + 2 + 2 keyed by their directory, 1 not):"

finish
