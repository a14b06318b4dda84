#!/bin/bash
# Issue 11: programs compile where they live, and freshness covers every file and setting the
# build read.  mod/#[path]/include_str! beside the script; file!(), line!() and panics name the
# script's own file and line; cthag's and rust-script's variables at compile and run time; an
# edit to any input rebuilds, a touch does not; env!, option_env! and RUSTFLAGS are inputs too.
. "$(dirname "$0")/lib.sh"

mkdir -p proj/sub
write_script proj/main.rs <<'EOF_RS'
mod helper;
#[path = "sub/other.rs"]
mod other;
fn main() {
    let data = include_str!("data.txt").trim();
    println!("{} {} {}", helper::name(), other::name(), data);
    println!("{}:{}", file!(), line!());
    println!("{}", option_env!("T26_FLAVOUR").unwrap_or("plain"));
    #[cfg(t26_cfg)]
    println!("cfg on");
    println!("{}", env!("CTHAG_SCRIPT_DIR") == std::env::var("CTHAG_SCRIPT_DIR").unwrap());
    if std::env::args().nth(1).as_deref() == Some("panic") {
        panic!("on purpose");
    }
}
EOF_RS
printf 'pub fn name() -> &%sstatic str { "helper" }\n' "'" > proj/helper.rs
printf 'pub fn name() -> &%sstatic str { "other" }\n' "'" > proj/sub/other.rs
echo "data" > proj/data.txt
P=$(cd proj && pwd -P)
# Inputs changed within the clock tick (4 ms) in which cargo starts may not be what the
# compiler read: cthag records them as unknown and rebuilds once more.  Let the tick pass.
sleep 0.01

expect_run() { # expect_run LABEL BUILDS EXPECTED_OUTPUT (by cargo or by rustc alone)
    run_cthag -q -v proj/main.rs
    expect_status 0 "$1:"
    expect_out "$3" "$1:"
    expect_builds "$2" "$1:"
}
out_with() { printf '%s\n%s\n%s\n%strue' "$1" "$P/main.rs:7" "${2:-plain}" "${3:-}"; }

expect_run "first build" 1 "$(out_with "helper other data")"
expect_file_has "$(ls "$CTHAG_CACHE_DIR"/projects/main-*/Cargo.toml)" "path = \"$P/main.rs\""
[ -e "$(ls -d "$CTHAG_CACHE_DIR"/projects/main-*)/main.rs" ] && fail "a copy of the script was made" || pass
expect_run "cached" 0 "$(out_with "helper other data")"

# A panic names the script's own file and line.
run_cthag proj/main.rs panic
expect_status 101 "panic:"
expect_err_has "panicked at $P/main.rs:13:9:"
expect_err_has "on purpose"

# Every input: an edit rebuilds, a touch does not.  (Past the build's clock tick, as above.)
sleep 0.01
for f in helper.rs sub/other.rs data.txt; do
    touch "proj/$f"
    expect_run "touch $f" 0 "$(out_with "helper other data")"
done
sed -i 's/"helper"/"HELPER"/' proj/helper.rs
expect_run "edit helper.rs" 1 "$(out_with "HELPER other data")"
expect_run "cached after helper.rs" 0 "$(out_with "HELPER other data")"
sed -i 's/"other"/"OTHER"/' proj/sub/other.rs
expect_run "edit sub/other.rs" 1 "$(out_with "HELPER OTHER data")"
echo "DATA" > proj/data.txt
expect_run "edit data.txt" 1 "$(out_with "HELPER OTHER DATA")"
# An identical rewrite (new inode, same bytes) is only re-hashed.
cp proj/data.txt proj/data.new && mv proj/data.new proj/data.txt
expect_run "identical rewrite of data.txt" 0 "$(out_with "HELPER OTHER DATA")"
expect_run "then fresh" 0 "$(out_with "HELPER OTHER DATA")"
# A file saved right before a run is what the build read: the next run is cached.  (Linux 6.13's
# multigrain timestamps give it a fine mtime that can be ahead of the coarse clock cthag stamps
# with; CI saw the second run rebuild.)
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "DATA$i" > proj/data.txt
    expect_run "saved just before build $i" 1 "$(out_with "HELPER OTHER DATA$i")"
    expect_run "saved just before build $i, again" 0 "$(out_with "HELPER OTHER DATA$i")"
done
echo "DATA" > proj/data.txt
expect_run "data.txt as before" 1 "$(out_with "HELPER OTHER DATA")"
# A removed input means a rebuild (which here fails, as cargo would).
mv proj/data.txt proj/data.away
run_cthag -q -v proj/main.rs
expect_status 1 "removed input: build fails as cargo's would:"
expect_builds 1 "removed input:"
mv proj/data.away proj/data.txt
# Back as it was: what the installed executable was built from, nothing to build.
expect_run "input back" 0 "$(out_with "HELPER OTHER DATA")"

# option_env!/env! values and RUSTFLAGS are part of what the build read.
T26_FLAVOUR=sweet expect_run "env! variable set" 1 "$(out_with "HELPER OTHER DATA" sweet)"
T26_FLAVOUR=sweet expect_run "same value: cached" 0 "$(out_with "HELPER OTHER DATA" sweet)"
expect_run "variable unset again" 1 "$(out_with "HELPER OTHER DATA")"
RUSTFLAGS="--cfg t26_cfg" expect_run "RUSTFLAGS --cfg" 1 "$(out_with "HELPER OTHER DATA" plain "cfg on
")"
RUSTFLAGS="--cfg t26_cfg" expect_run "RUSTFLAGS unchanged: cached" 0 "$(out_with "HELPER OTHER DATA" plain "cfg on
")"
expect_run "RUSTFLAGS removed" 1 "$(out_with "HELPER OTHER DATA")"

# The variables a script sees (cthag's and rust-script's), at run time.
write_script vars.rs <<'EOF_RS'
fn main() {
    for v in ["CTHAG_SCRIPT_PATH", "CTHAG_SCRIPT_DIR", "RUST_SCRIPT_PATH", "RUST_SCRIPT_BASE_PATH",
              "RUST_SCRIPT_SAFE_NAME", "RUST_SCRIPT_PKG_NAME"] {
        println!("{v}={}", std::env::var(v).unwrap_or_default());
    }
    println!("compile={}", env!("CTHAG_SCRIPT_PATH"));
}
EOF_RS
T=$(pwd -P)
for pass in build cached; do
    run_cthag -q vars.rs
    expect_out "CTHAG_SCRIPT_PATH=$T/vars.rs
CTHAG_SCRIPT_DIR=$T
RUST_SCRIPT_PATH=$T/vars.rs
RUST_SCRIPT_BASE_PATH=$T
RUST_SCRIPT_SAFE_NAME=vars
RUST_SCRIPT_PKG_NAME=vars
compile=$T/vars.rs" "script variables ($pass):"
done

finish
