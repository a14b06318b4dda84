#!/bin/bash
# Run thag's demo scripts through cthag against crates.io, as a thag user would, and count how
# many build:
#
#   bash tests/online/thag-demos.sh THAG_CHECKOUT [NAME.rs ...]
#
# THAG_CHECKOUT is a checkout of thag_rs's repository (its demo/ holds the scripts, demo/proc_macros
# the proc-macro crate some of them use).  Every demo/*.rs (or the NAMEs given) is built in a
# fixed order (sorted by name) in ONE cthag cache with `cthag -q -b`, then run once with stdin
# from /dev/null, its output discarded, under a timeout, with the arguments thag's demo/README.md
# gives it ("thag_url .../demo/NAME.rs -- ARGS") and the options its section says it must be run
# with (--multimain), from a scratch directory where demo/ is the checkout's.  The last lines say
#
#   built B of T possible (N demos, I impossible here)
#
# then the impossible ones with the reason, the failures with the first error cargo or cthag
# printed, and how the runs ended.  A demo is impossible when its build fails for a reason no
# runner can change on this machine, told by the build's own output (see impossible_reason): a
# nightly-only `#![feature]`, or a platform the machine is not.  Its exit status is 0 when every
# possible demo built, 1 otherwise, 2 for bad usage or missing prerequisites.
#
# It fetches nothing itself: cargo fetches the demos' crates from crates.io.  It takes about an
# hour of both cores of a 2-core machine with a cold cache (run it under nice).
#
# Prerequisites (Debian): what some demos' crates need to build, checked before anything runs:
#   apt-get install -y m4 libwayland-dev pkg-config libssl-dev libfontconfig1-dev libxcb1-dev
#   (m4: GMP's build, for rug; libwayland-dev: Wayland clients, for arboard/smithay; pkg-config
#   and the -dev packages: openssl-sys, fontconfig and xcb's build scripts)
#
# Environment: CTHAG (the binary; default: ./cthag of this tree), CTHAG_CACHE_DIR (the cache;
# default: a new directory under $TMPDIR, kept), DEMO_LOGS (a directory for each demo's build and
# run output; default: beside the cache), BUILD_TIMEOUT (seconds per build, default 1800),
# RUN_TIMEOUT (seconds per run, default 10).
set -u
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 THAG_CHECKOUT [NAME.rs ...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
checkout=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: $1: no such directory" >&2; exit 2; }
shift
[ -d "$checkout/demo" ] || { echo "$0: $checkout has no demo/: not a thag_rs checkout" >&2; exit 2; }
CTHAG=${CTHAG:-$here/../../cthag}
[ -x "$CTHAG" ] || { echo "$0: $CTHAG: no cthag binary (make, or set CTHAG)" >&2; exit 2; }
CTHAG=$(cd "$(dirname "$CTHAG")" && pwd)/$(basename "$CTHAG")
BUILD_TIMEOUT=${BUILD_TIMEOUT:-1800}
RUN_TIMEOUT=${RUN_TIMEOUT:-10}

# ---- prerequisites: a missing one would count its demos as failures of cthag's ----
# (checked for a run over every demo; the NAMEs given are the caller's choice)
missing_prerequisites() {
    command -v m4 > /dev/null || echo m4
    command -v pkg-config > /dev/null || echo pkg-config
    local lib
    for lib in wayland-client:libwayland-dev openssl:libssl-dev fontconfig:libfontconfig1-dev \
               xcb:libxcb1-dev; do
        pkg-config --exists "${lib%%:*}" 2> /dev/null || echo "${lib#*:}"
    done
}
if [ $# -eq 0 ]; then
    missing=$(missing_prerequisites | tr '\n' ' ')
    if [ -n "$missing" ]; then
        echo "$0: missing prerequisites: apt-get install -y $missing" >&2
        exit 2
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/thag-demos.XXXXXX")
export CTHAG_CACHE_DIR=${CTHAG_CACHE_DIR:-$work/cache}
logs=${DEMO_LOGS:-$work/logs}
mkdir -p "$logs" "$work/run"
ln -s "$checkout/demo" "$work/run/demo"
echo "thag-demos: $CTHAG on $checkout/demo; cache $CTHAG_CACHE_DIR; logs $logs"

if [ $# -gt 0 ]; then
    demos=("$@")
else
    mapfile -t demos < <(cd "$checkout/demo" && LC_ALL=C ls -1 -- *.rs)
fi

# demo_args NAME: the arguments thag's demo/README.md passes, one per line (quotes as a shell
# reads them, a trailing # comment dropped; xargs splits without running anything).
demo_args() {
    local line
    line=$(grep -o -m1 -- "/demo/$1 -- .*" "$checkout/demo/README.md" 2> /dev/null) || return 0
    line=${line#"/demo/$1 -- "}
    line=${line%% \#*}
    printf '%s\n' "$line" | xargs printf '%s\n' 2> /dev/null
}

# demo_options NAME: thag options its README section says it must be run with ("Must be run with
# --multimain (-m) option"), one per line; cthag takes the same.
demo_options() {
    awk -v want="### Script: $1" '$0 == want { on = 1; next } /^### Script: / { on = 0 }
        on && /--multimain \(-m\)/ { print "-m"; exit }' "$checkout/demo/README.md" 2> /dev/null
}

# impossible_reason LOG: why no runner could build this demo here, from the build's own output;
# nothing when it is a failure to count.
impossible_reason() {
    if grep -q 'E0554' "$1"; then
        echo "nightly Rust: #![feature] may not be used on the stable release channel"
    elif grep -qE "error: (the|this) .*(only|requires) .*(windows|macos|Windows|macOS)" "$1"; then
        echo "another platform: $(grep -m1 -E 'only|requires' "$1" | cut -c1-100)"
    fi
}

# first_error LOG: the first error line cargo, rustc or cthag printed.
first_error() {
    grep -m1 -E '^(error|cthag: )' "$1" | cut -c1-160
}

total=${#demos[@]} built=0 impossible=() failed=() ran_ok=0 ran_timeout=0 ran_failed=0
results="$logs/results.tsv"
printf 'demo\tbuild\tseconds\treason\trun\n' > "$results"
for name in "${demos[@]}"; do
    script="$checkout/demo/$name"
    log="$logs/${name%.rs}"
    start=$(date +%s)
    mapfile -t options < <(demo_options "$name")
    ( cd "$work/run" && timeout -k 10 "$BUILD_TIMEOUT" "$CTHAG" -q -b "${options[@]}" "demo/$name" \
        < /dev/null > "$log.build" 2>&1 )
    status=$? secs=$(( $(date +%s) - start ))
    run=-
    if [ "$status" -eq 0 ]; then
        built=$((built + 1)) verdict=built reason=
        mapfile -t args < <(demo_args "$name")
        ( cd "$work/run" && timeout -k 5 "$RUN_TIMEOUT" "$CTHAG" "${options[@]}" "demo/$name" "${args[@]}" \
            < /dev/null > /dev/null 2> "$log.run" )
        run=$?
        case $run in
            0) ran_ok=$((ran_ok + 1)) ;;
            124|137) ran_timeout=$((ran_timeout + 1)) run=timeout ;;
            *) ran_failed=$((ran_failed + 1)) ;;
        esac
    else
        reason=$(impossible_reason "$log.build")
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
            verdict=failed reason="build timed out after ${BUILD_TIMEOUT}s"
            failed+=("$name: $reason")
        elif [ -n "$reason" ]; then
            verdict=impossible
            impossible+=("$name: $reason")
        else
            verdict=failed reason=$(first_error "$log.build")
            failed+=("$name: $reason")
        fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$verdict" "$secs" "$reason" "$run" >> "$results"
    printf '%-10s %-45s %4ss %s\n' "$verdict" "$name" "$secs" "$reason"
done

possible=$((total - ${#impossible[@]}))
echo
for line in "${impossible[@]}"; do echo "impossible here: $line"; done
for line in "${failed[@]}"; do echo "failed: $line"; done
echo "ran (of $built built): $ran_ok exited 0, $ran_failed exited non-zero, $ran_timeout still running after ${RUN_TIMEOUT}s"
echo "built $built of $possible possible ($total demos, ${#impossible[@]} impossible here)"
[ "$built" -eq "$possible" ]
