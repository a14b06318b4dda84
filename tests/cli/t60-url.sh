#!/bin/bash
# cthag URL: a script fetched over HTTP (through curl) from a server on 127.0.0.1 that this test
# starts (url-server.py; nothing beyond loopback), run as a file would be, and kept with its
# validators: a cached run asks once whether it changed (304: no build, one request), runs the
# last copy when the server is gone (saying how old it is), and --offline asks no one.  HTML
# pages, 404s, binary data, endless answers, timeouts, redirects, proxies from the environment, the page forms'
# rewriting (-v), relative paths, -g/-b/-c/-T/--print-toml, --cache-stats and --gc.
. "$(dirname "$0")/lib.sh"
for tool in curl python3; do
    if ! command -v "$tool" > /dev/null; then
        echo "SKIP $TEST_NAME: no $tool (apt-get install $tool)"
        exit 77
    fi
done
R=(--registry-dir "$REGISTRY")
# The loopback server is reached directly unless a test sets a proxy itself.
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY no_proxy NO_PROXY
DOC=$TMP/doc
REQUESTS=$TMP/requests
mkdir -p "$DOC"
: > "$REQUESTS"
SERVER=

start_server() {
    rm -f "$TMP/port"
    python3 "$TESTS_DIR/url-server.py" "$DOC" "$TMP/port" "$REQUESTS" &
    SERVER=$!
    # Poll for the port file the server writes once it listens (bounded: 20 s).
    for _ in $(seq 400); do
        [ -s "$TMP/port" ] && break
        kill -0 "$SERVER" 2> /dev/null || break
        sleep 0.05
    done
    [ -s "$TMP/port" ] || { fail "the test server did not start"; finish; }
    BASE=http://127.0.0.1:$(cat "$TMP/port")
}
stop_server() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2> /dev/null
        wait "$SERVER" 2> /dev/null
        SERVER=
    fi
}
trap 'stop_server; cleanup' EXIT

requests() { wc -l < "$REQUESTS" | tr -d ' '; }
# expect_requests N [WHAT]: the server saw N requests since the last call.
seen=0
expect_requests() {
    local now
    now=$(requests)
    if [ $((now - seen)) -eq "$1" ]; then pass; else
        fail "${2:-} the server saw $((now - seen)) requests, expected $1: $(tail -n +$((seen + 1)) "$REQUESTS")"
    fi
    seen=$now
}
last_request() { tail -1 "$REQUESTS"; }

start_server
printf 'fn main() {\n    let args: Vec<String> = std::env::args().skip(1).collect();\n    println!("hello from the web: {}", args.join(" "));\n}\n' > "$DOC/hello.rs"

# First run: fetched (one request, not conditional), built, run with its arguments.
run_cthag -q "$BASE/hello.rs" -- a b
expect_status 0
expect_out "hello from the web: a b"
expect_err ""
expect_cargo_calls 1 "first run:"
expect_requests 1 "first run:"
expect_eq "$(last_request)" "GET /hello.rs inm=- ims=- host=127.0.0.1:${BASE##*:} -> 200"

# Cached: one conditional request, 304, the cached executable, no cargo, nothing said.
run_cthag "$BASE/hello.rs" -- c
expect_status 0
expect_out "hello from the web: c"
expect_err ""
expect_cargo_calls 0 "304:"
expect_requests 1 "304:"
etag=$(grep -o 'inm=[^ ]*' <<< "$(last_request)")
expect_eq "$(last_request)" "GET /hello.rs $etag ims=- host=127.0.0.1:${BASE##*:} -> 304"
expect_eq "$([ "$etag" != "inm=-" ] && echo conditional)" conditional "the request sent the ETag:"
# -v says what was fetched and what was decided.
run_cthag -v "$BASE/hello.rs"
expect_err_has "cthag: $BASE/hello.rs: fetching $BASE/hello.rs (if changed)"
expect_err_has "cthag: $BASE/hello.rs: unchanged since it was fetched (HTTP 304)"
expect_err_has "cthag: $BASE/hello.rs: fresh (unchanged since the build of key"
expect_requests 1 "-v:"
expect_cargo_calls 0

# Parallel first runs of one URL: each fetches, one builds, all run; the next run is fresh.
printf 'fn main() { println!("parallel"); }\n' > "$DOC/par.rs"
pids=()
for i in 1 2 3 4; do
    "$CTHAG" -q -v "$BASE/par.rs" > "$TMP/par.$i" 2> "$TMP/par.$i.err" &
    pids+=($!)
done
wait "${pids[@]}"
expect_eq "$(cat "$TMP"/par.? | sort | uniq -c | tr -s ' ')" " 4 parallel" "parallel first runs:"
# One build, by cargo or (with the command cargo ran for hello.rs) by rustc alone.
cat "$TMP"/par.?.err > "$TMP/err"
expect_builds 1 "parallel first runs:"
run_cthag "$BASE/par.rs"
expect_out "parallel"
expect_cargo_calls 0 "after parallel first runs:"
seen=$(requests)

# The text changes on the server: fetched again (200), rebuilt, the new text runs.
printf 'fn main() { println!("second version"); }\n' > "$DOC/hello.rs"
run_cthag -q -v "$BASE/hello.rs"
expect_out "second version"
expect_builds 1 "changed text:"
expect_requests 1 "changed text:"
expect_eq "$(last_request | awk '{print $NF}')" 200 "changed text fetched:"

# The server stops answering in time (past CTHAG_FETCH_TIMEOUT): the copy runs, saying why and
# how old it is.
touch "$DOC/.slow"
CTHAG_FETCH_TIMEOUT=1 run_cthag "$BASE/hello.rs"
expect_status 0
expect_out "second version"
expect_err_has "cthag: warning: $BASE/hello.rs: cannot fetch it (curl: (28) "
expect_err_has "); running the copy fetched "
expect_cargo_calls 0 "timed out, copy:"
expect_requests 1 "timed out:"
expect_eq "$(last_request | awk '{print $NF}')" slow "the request the server did not answer in time:"
# ...and with no copy, the timeout is an error (exit 2), nothing built.
CTHAG_FETCH_TIMEOUT=1 run_cthag "$BASE/other.rs"
expect_status 2
expect_err_has "cthag: $BASE/other.rs: cannot fetch it (curl: (28) Operation timed out"
expect_cargo_calls 0
rm "$DOC/.slow"
run_cthag "$BASE/hello.rs"
expect_out "second version"
CTHAG_FETCH_TIMEOUT=soon run_cthag "$BASE/hello.rs"
expect_status 2
expect_err "cthag: CTHAG_FETCH_TIMEOUT=soon: not a number of seconds (e.g. 30, 2.5)"
seen=$(requests)

# --offline never asks the server: not with a copy (which runs), and not without one.
run_cthag --offline "$BASE/hello.rs"
expect_status 0
expect_out "second version"
expect_err ""
expect_requests 0 "--offline:"
run_cthag --offline "$BASE/never.rs"
expect_status 2
expect_err "cthag: $BASE/never.rs: --offline, and no copy of it was fetched before"
expect_requests 0 "--offline without a copy:"

# What is not a script is refused, naming the URL and what came back; nothing is built.
printf '<!DOCTYPE html>\n<html><body>a page</body></html>\n' > "$DOC/page.html"
run_cthag "$BASE/page.html"
expect_status 2
expect_err "cthag: $BASE/page.html: the server sent an HTML page, not a script (HTTP 200 OK, text/html; charset=utf-8); give the URL of the file's raw text"
printf '\n<!doctype html>\n<html>\n' > "$DOC/looks-like.rs"
run_cthag "$BASE/looks-like.rs"
expect_status 2
expect_err "cthag: $BASE/looks-like.rs: the server sent an HTML page, not a script (HTTP 200 OK, text/plain; charset=utf-8); give the URL of the file's raw text"
run_cthag "$BASE/missing.rs"
expect_status 2
expect_err "cthag: $BASE/missing.rs: not found (HTTP 404 Not Found)"
run_cthag "$BASE/binary"
expect_status 2
expect_err "cthag: $BASE/binary: the server sent binary data, not a script (HTTP 200 OK, application/octet-stream)"
run_cthag "$BASE/status/503"
expect_status 2
expect_err "cthag: $BASE/status/503: the server cannot answer now (HTTP 503 Service Unavailable)"
run_cthag "$BASE/status/403"
expect_status 2
expect_err "cthag: $BASE/status/403: the server refused it (HTTP 403 Forbidden)"
# A redirect to a page that is gone names where it ended.
run_cthag "$BASE/redirect/1/gone.rs"
expect_status 2
expect_err "cthag: $BASE/redirect/1/gone.rs: not found (HTTP 404 Not Found) at $BASE/gone.rs"
expect_cargo_calls 0 "refused responses:"

# An answer whose length the server does not announce is read up to the largest script (64 MiB)
# and refused there: curl's --max-filesize holds only for an announced length, and reading on
# would fill memory for as long as the server sends.
CTHAG_FETCH_TIMEOUT=20 run_cthag "$BASE/endless"
expect_status 2 "an endless answer:"
expect_err "cthag: $BASE/endless: cannot fetch it (the answer is larger than 67108864 bytes)" "an endless answer:"

# Redirects are followed (-v says from where it came).
printf '1 + 2\n' > "$DOC/snippet.rs"
run_cthag -v -q "$BASE/redirect/2/snippet.rs"
expect_status 0
expect_out "3"
expect_err_has "cthag: $BASE/redirect/2/snippet.rs: fetched from $BASE/snippet.rs (after 2 redirects)"

# Validators: Last-Modified alone works as the ETag does.
printf 'fn main() { println!("dated"); }\n' > "$DOC/dated.rs"
run_cthag -q "$BASE/lastmod/dated.rs"
expect_out "dated"
seen=$(requests)
reset_cargo_log
run_cthag "$BASE/lastmod/dated.rs"
expect_out "dated"
expect_requests 1
expect_eq "$(last_request | sed 's/ims=.* host/ims=DATE host/')" "GET /lastmod/dated.rs inm=- ims=DATE host=127.0.0.1:${BASE##*:} -> 304"
expect_cargo_calls 0 "If-Modified-Since:"
# No validators at all: the same text again is not a rebuild.
printf 'fn main() { println!("plain"); }\n' > "$DOC/plain.rs"
run_cthag -q "$BASE/nocache/plain.rs"
expect_out "plain"
reset_cargo_log
run_cthag "$BASE/nocache/plain.rs"
expect_out "plain"
expect_cargo_calls 0 "same text, no validators:"

# Compiler messages and panics name the URL and the script's lines.
printf 'fn main() {\n    let x: u32 = "text";\n}\n' > "$DOC/bad.rs"
run_cthag "$BASE/bad.rs"
expect_status 1
expect_err_has " --> $BASE/bad.rs:2:18"
printf 'fn main() {\n    let v: Vec<u8> = Vec::new();\n    println!("{}", v[3]);\n}\n' > "$DOC/panics.rs"
run_cthag -q "$BASE/panics.rs"
expect_status 101
expect_err_has "panicked at $BASE/panics.rs:3:"

# A relative path has no directory to resolve against: an error naming the line.
reset_cargo_log
printf 'mod helper;\nfn main() { helper::go(); }\n' > "$DOC/modded.rs"
run_cthag "$BASE/modded.rs"
expect_status 2
expect_err "cthag: $BASE/modded.rs:1: \`mod helper;\` would load a file beside the script, and a script from a URL has no directory: put the module inline (mod helper { ... })"
printf 'fn main() {\n    let t = include_str!("data.txt");\n    print!("{t}");\n}\n' > "$DOC/includes.rs"
run_cthag "$BASE/includes.rs"
expect_status 2
expect_err "cthag: $BASE/includes.rs:2: a relative path (\"data.txt\") would be a file beside the script, and a script from a URL has no directory: use an absolute path"
# ... and so has a manifest's path dependency or build script: never a directory of the user's
# (the current one) taken for the script's.
mkdir -p helper/src
printf '[package]\nname = "helper"\nversion = "0.1.0"\n' > helper/Cargo.toml
printf 'pub fn go() { println!("the local helper"); }\n' > helper/src/lib.rs
printf -- '---\n[package]\nedition = "2021"\n[dependencies]\nhelper = { path = "helper" }\n---\nfn main() { helper::go(); }\n' > "$DOC/pathdep.rs"
run_cthag "$BASE/pathdep.rs"
expect_status 2
expect_err "cthag: $BASE/pathdep.rs:5: path = \"helper\" is relative, and a script from a URL has no directory: use an absolute path (or a git or registry dependency)"
printf '/*[toml]\n[package]\nbuild = "build.rs"\n*/\nfn main() {}\n' > "$DOC/builds.rs"
run_cthag "$BASE/builds.rs"
expect_status 2
expect_err "cthag: $BASE/builds.rs:3: build = \"build.rs\" is relative, and a script from a URL has no directory: use an absolute path (or a git or registry dependency)"
expect_cargo_calls 0

# Dependencies: a manifest in the fetched text, and inference.
printf '/*[toml]\n[dependencies]\ntinydep = "0.1"\n*/\nfn main() { println!("{}", tinydep::answer()); }\n' > "$DOC/deps.rs"
run_cthag -q "${R[@]}" "$BASE/deps.rs"
expect_out "42"
printf 'fn main() { println!("{}", otherdep::twice(21)); }\n' > "$DOC/inferred.rs"
run_cthag -q "${R[@]}" "$BASE/inferred.rs"
expect_out "42"

# The other actions take a URL too.
run_cthag -q "${R[@]}" --print-toml "$BASE/inferred.rs"
expect_status 0
expect_out "$(printf '/*[toml]\n[dependencies]\notherdep = "=0.2.0"\n*/')"
run_cthag -g "${R[@]}" "$BASE/inferred.rs"
expect_status 0
project=$(out)
expect_file_has "$project/url.body" "otherdep::twice(21)"
expect_file_has "$project/Cargo.toml" "otherdep"
reset_cargo_log
printf 'fn main() { println!("built only"); }\n' > "$DOC/build-only.rs"
run_cthag -q -v -b "$BASE/build-only.rs"
expect_status 0
expect_out ""
expect_builds 1 "-b:"
run_cthag "$BASE/build-only.rs"
expect_out "built only"
expect_cargo_calls 0 "-b then run:"
run_cthag -q -c "$BASE/bad.rs"
expect_status 1
expect_err_has " --> $BASE/bad.rs:2:18"
printf 'fn main() {}\n#[test]\nfn adds() { assert_eq!(1 + 1, 2); }\n' > "$DOC/tested.rs"
run_cthag -q -T "$BASE/tested.rs"
expect_status 0
expect_eq "$(grep -c 'test adds ... ok' "$TMP/out")" 1 "-T ran the test:"
run_cthag -A "$BASE/tested.rs" -- fix
expect_status 2
expect_err "cthag: $BASE/tested.rs: -A fix: cthag compiles a copy of this script (a snippet, a program with a frontmatter manifest, or a script from a URL), so fixes would not reach it; -A $BASE/tested.rs -- clippy shows the suggestions"
run_cthag -q -x --install-dir "$TMP/installed" "$BASE/build-only.rs"
expect_status 0
expect_eq "$("$TMP/installed/build_only")" "built only" "-x installs the URL's script by its name:"
run_cthag -d "$BASE/hello.rs"
expect_status 2
expect_err "cthag: -d/--edit: $BASE/hello.rs is a URL; fetch it into a file to edit it (see cthag --help)"

# Page URLs become raw URLs (-v shows it); https goes through the https_proxy the environment
# names, which here is the test server: it logs the CONNECT and refuses it (no TLS here).
seen=$(requests)
https_proxy=$BASE run_cthag -v "https://github.com/clap-rs/clap/blob/master/examples/demo.rs#L10"
expect_status 2
expect_err_has "cthag: https://github.com/clap-rs/clap/blob/master/examples/demo.rs#L10: fetching https://raw.githubusercontent.com/clap-rs/clap/master/examples/demo.rs"
expect_err_has "cthag: https://github.com/clap-rs/clap/blob/master/examples/demo.rs#L10: cannot fetch it (curl: (56) CONNECT tunnel failed, response 502)"
expect_requests 1 "through the proxy:"
expect_eq "$(last_request)" "CONNECT raw.githubusercontent.com:443 inm=- ims=- host=raw.githubusercontent.com:443 -> 502"
# http_proxy for http URLs (the proxy gets the absolute URL); no_proxy bypasses it.
http_proxy=$BASE run_cthag -q "http://cthag.invalid/hello.rs"
expect_status 0
expect_out "second version"
expect_eq "$(last_request)" "GET http://cthag.invalid/hello.rs inm=- ims=- host=cthag.invalid -> 200"
http_proxy=http://127.0.0.1:1 no_proxy=127.0.0.1 run_cthag "$BASE/hello.rs"
expect_status 0
expect_out "second version"
expect_err ""
seen=$(requests)
reset_cargo_log

# A URL that names no file is refused before anything is fetched.
run_cthag https://github.com/clap-rs/clap
expect_status 2
expect_err "cthag: https://github.com/clap-rs/clap: names a GitHub repository, not a file: give the file's URL (https://github.com/OWNER/REPO/blob/BRANCH/PATH) (see cthag --help)"
run_cthag "https://play.rust-lang.org/?version=stable"
expect_status 2
expect_err_has "is a Playground link without gist=ID"
expect_requests 0

# Without curl: one line saying what to install.
mkdir -p "$TMP/nocurl"
PATH=$TMP/nocurl run_cthag "$BASE/hello.rs"
expect_status 2
expect_err "cthag: $BASE/hello.rs: fetching a URL needs the curl program, which is not installed (on Debian: apt-get install curl)"

# The server gone for good: the cached copy still runs, saying how old it is (its times set
# back two days, as if it had been fetched then).
stop_server
two_days_ago=$(($(date +%s) - 2 * 86400))
meta=$(grep -l "^url $BASE/hello.rs\$" "$CTHAG_CACHE_DIR"/projects/*/url.meta)
sed -i "s/^fetched .*/fetched $two_days_ago/; s/^checked .*/checked $two_days_ago/" "$meta"
run_cthag "$BASE/hello.rs" -- x
expect_status 0
expect_out "second version"
expect_err_has "cthag: warning: $BASE/hello.rs: cannot fetch it (curl: (7) Failed to connect to 127.0.0.1 port ${BASE##*:}"
expect_err_has "); running the copy fetched 2 days ago"
expect_cargo_calls 0 "server gone:"
run_cthag -q "$BASE/hello.rs"
expect_out "second version"
expect_err "" "-q:"

# --cache-stats lists URL entries by their URL; --gc collects them like any other.
run_cthag --cache-stats
expect_status 0
expect_eq "$(awk -v url="$BASE/hello.rs" '$NF == url && / ok / { n++ } END { print n + 0 }' "$TMP/out")" 1 "stats line:"
"$CTHAG" --cache-stats=json > stats.json
expect_file_has stats.json "\"kind\": \"url\", \"script\": \"$BASE/hello.rs\""
hello_entry=$(grep -l "^url $BASE/hello.rs\$" "$CTHAG_CACHE_DIR"/projects/*/url.meta | xargs dirname)
sed -i "s/^used .*/used $(($(date +%s) - 40 * 86400))/" "$hello_entry/entry"
run_cthag --gc --max-age 30
expect_status 0
expect_eq "$([ -e "$hello_entry" ] || echo gone)" gone "the URL entry and its copy collected:"
run_cthag --offline "$BASE/hello.rs"
expect_status 2
expect_err "cthag: $BASE/hello.rs: --offline, and no copy of it was fetched before"

finish
