#!/bin/bash
# Generate the test suite's own cargo directory registry (a "directory source") in $1:
# tiny crates with a .cargo-checksum.json, enough to test dependencies offline and fast.
#   make-registry.sh DIR                                     the suite's registry
#   make-registry.sh --publish DIR NAME VERSION LIB_RS [EXTRA_TOML]   one more release in DIR
set -eu
publish=
if [ "$1" = "--publish" ]; then
    publish=1
    shift
fi
registry=$1
mkdir -p "$registry"

# add_crate NAME VERSION LIB_RS [EXTRA_TOML]
add_crate() {
    local name=$1 version=$2 lib=$3 extra=${4:-}
    local dir="$registry/$name-$version"
    mkdir -p "$dir/src"
    printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2021"\n%s' \
        "$name" "$version" "$extra" > "$dir/Cargo.toml"
    printf '%s\n' "$lib" > "$dir/src/lib.rs"
    # Directory sources only need the package checksum (recorded in Cargo.lock) when "files"
    # is empty, as in Debian's registry.
    local sum
    sum=$(printf '%s-%s' "$name" "$version" | sha256sum | cut -d' ' -f1)
    printf '{"files":{},"package":"%s"}\n' "$sum" > "$dir/.cargo-checksum.json"
}

if [ -n "$publish" ]; then
    [ ! -e "$registry/$2-$3" ] || { echo "make-registry.sh: $2 $3 is already published" >&2; exit 1; }
    add_crate "$2" "$3" "$4" "${5:-}"
    exit 0
fi

add_crate tinydep 0.1.0 'pub fn answer() -> u32 { 42 }
pub fn greet(name: &str) -> String { format!("hello, {name}") }
pub fn checked() -> bool { cfg!(debug_assertions) }'
add_crate foo-bar 1.0.0 'pub fn id() -> &'"'"'static str { "foo-bar" }'
add_crate under_score 0.3.0 'pub fn id() -> &'"'"'static str { "under_score" }'
add_crate featured 0.2.0 '#[cfg(feature = "loud")]
pub fn msg() -> &'"'"'static str { "LOUD" }
#[cfg(not(feature = "loud"))]
pub fn msg() -> &'"'"'static str { "quiet" }' '
[features]
loud = []
'
# A dependency whose build takes two seconds (its build script sleeps): gives the crash and
# concurrency tests a build to interrupt or to wait for.
add_crate slowdep 0.1.0 'pub fn ready() -> &'"'"'static str { "slow and ready" }' 'build = "build.rs"
'
printf 'fn main() { std::thread::sleep(std::time::Duration::from_secs(2)); }\n' \
    > "$registry/slowdep-0.1.0/build.rs"
add_crate otherdep 0.2.0 'pub fn twice(x: u32) -> u32 { x * 2 }'
