#!/bin/bash
# Generate the test suite's own cargo directory registry (a "directory source") in $1:
# tiny crates with a .cargo-checksum.json, enough to test dependencies offline and fast.
#   make-registry.sh DIR                                     the suite's registry
#   make-registry.sh --publish DIR NAME VERSION LIB_RS [EXTRA_TOML]   one more release in DIR
#   make-registry.sh --yank DIR NAME VERSION       the release is gone (a directory source has no
#                                                  yanked flag: its releases disappear, as
#                                                  Debian's do when a package is upgraded)
#   make-registry.sh --republish DIR NAME VERSION LIB_RS   the same version, other contents and
#                                                  checksum
set -eu
mode=
case $1 in --publish|--yank|--republish) mode=$1; shift ;; esac
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
    sum=$(printf '%s-%s%s' "$name" "$version" "${salt:-}" | sha256sum | cut -d' ' -f1)
    printf '{"files":{},"package":"%s"}\n' "$sum" > "$dir/.cargo-checksum.json"
}

case $mode in
    --publish)
        [ ! -e "$registry/$2-$3" ] || { echo "make-registry.sh: $2 $3 is already published" >&2; exit 1; }
        add_crate "$2" "$3" "$4" "${5:-}"
        exit 0 ;;
    --yank)
        [ -d "$registry/$2-$3" ] || { echo "make-registry.sh: $2 $3 is not published" >&2; exit 1; }
        rm -rf "${registry:?}/$2-$3"
        exit 0 ;;
    --republish)
        [ -d "$registry/$2-$3" ] || { echo "make-registry.sh: $2 $3 is not published" >&2; exit 1; }
        salt=-republished add_crate "$2" "$3" "$4"
        exit 0 ;;
esac

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
# Versions over time (issue 22): two majors of a crate; a crate whose dependents pin another
# exactly (ratatui 0.29 requires unicode-width =0.2.0, while 0.2.3 is the newest); a crate whose
# glob import brings modules.
add_crate twomajor 1.0.0 'pub fn v() -> &'"'"'static str { "1.0.0" }
pub fn old_api() -> u32 { 1 }'
add_crate twomajor 2.0.0 'pub fn v() -> &'"'"'static str { "2.0.0" }
pub fn new_api() -> u32 { 2 }'
add_crate width 0.2.0 'pub fn v() -> &'"'"'static str { "0.2.0" }'
add_crate width 0.2.3 'pub fn v() -> &'"'"'static str { "0.2.3" }'
add_crate pinned-user 0.29.0 'pub fn v() -> String { format!("pinned-user with width {}", width::v()) }' '[dependencies]
width = "=0.2.0"
'
add_crate globby 1.0.0 'pub mod character { pub fn digit1() -> &'"'"'static str { "digit1" } }
pub fn top() -> &'"'"'static str { "top" }'
