#!/bin/bash
# What a cached run of a script from a URL costs (issue 25): the script served by the test
# suite's HTTP server on 127.0.0.1 (its ETag answered with 304), against the same script as a
# file and against curl's conditional request alone (the fetch's floor), in one alternating run.
# The network's round trip is not in these figures: loopback has next to none.
#
# Sourced by bench.sh (which calls bench_url with its say/record/pairtime helpers), or run on
# its own: bash bench/url.sh.

bench_url() {
    echo
    echo "== a cached run of a script from a URL (304 from 127.0.0.1) =="
    if ! command -v curl > /dev/null || ! command -v python3 > /dev/null; then
        say "cached run from a URL" "skipped: needs curl and python3"
        record url_cached_ms null
        return
    fi
    mkdir -p url-doc
    printf 'fn main() { println!("from the web"); }\n' > url-doc/web.rs
    cp url-doc/web.rs web.rs
    python3 "$top/tests/cli/url-server.py" url-doc url-port url-requests &
    local server=$! url etag runs=${BENCH_URL_RUNS:-300} out a b c
    for _ in $(seq 400); do [ -s url-port ] && break; sleep 0.05; done
    url=http://127.0.0.1:$(cat url-port)/web.rs
    "$CTHAG" -q "$url" > /dev/null
    "$CTHAG" -q web.rs > /dev/null
    "$CTHAG" "$url" > /dev/null
    etag=$(sed -n 's/.* inm=\("[^"]*"\) .*/\1/p' url-requests | tail -1)
    mapfile -t out < <(pairtime -l "$runs" 20 -- "$CTHAG" web.rs -- "$CTHAG" "$url" -- \
        curl -q -s -S -H "If-None-Match: $etag" -o /dev/null "$url")
    kill "$server"
    wait "$server" 2> /dev/null || true
    a=${out[0]%% *} b=${out[1]%% *} c=${out[2]%% *}
    say "cached run: the script as a file ($runs runs, medians)" "$a ms"
    say "cached run: the same from a URL (one conditional request, 304)" "$b ms"
    say "curl's conditional request alone (the fetch's floor)" "$c ms"
    say "cthag's own cost beyond the file run and curl" \
        "$(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "%.3f ms", b - a - c }')"
    record url_file_cached_ms "$a"
    record url_cached_ms "$b"
    record url_curl_ms "$c"
}

# On its own: the helpers bench.sh would provide.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    . "$(dirname "$0")/alone.sh"
    bench_alone url
    export CTHAG_CACHE_DIR="$work/cache"
    cc -O2 -o "$work/pairtime" "$here/pairtime.c"
    pairtime() { "$work/pairtime" "$@"; }
    bench_url
fi
