#!/bin/bash
# The bad-input catalogue: every case asserts the exit status (2 for bad usage or input, 1 for a
# failed build), the one line that names the file and the problem, and that the cache is
# unchanged (bad input) or that nothing was installed (failed build).  Tricky-but-valid inputs
# must simply work.
. "$(dirname "$0")/lib.sh"
R=(--registry-dir "$REGISTRY")
cases=0

# Everything in the cache but the lock files, with sizes and mtimes: what "unchanged" means.
snapshot() { find "$CTHAG_CACHE_DIR" -path '*/locks' -prune -o -printf '%P %y %s %T@\n' 2>/dev/null | sort | md5sum; }

# bad STATUS MESSAGE [ENV=VALUE...] -- ARGS...
bad() {
    local want_status=$1 want=$2
    shift 2
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    cases=$((cases + 1))
    local before bins_before
    before=$(snapshot)
    bins_before=$(bins_count)
    env "${envs[@]}" "$CTHAG" "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
    status=$?
    expect_status "$want_status" "[$*]:"
    expect_eq "$(tail -n 1 "$TMP/err")" "$want" "[$*] message:"
    if [ "$want_status" -eq 2 ]; then
        expect_eq "$(wc -l < "$TMP/err" | tr -d ' ')" 1 "[$*] one line:"
        expect_eq "$(snapshot)" "$before" "[$*] cache unchanged:"
    else
        expect_eq "$(bins_count)" "$bins_before" "[$*] nothing installed:"
    fi
}

# good EXPECTED-STDOUT ARGS...: tricky input that must work.
good() {
    local want=$1
    shift
    cases=$((cases + 1))
    run_cthag -q "$@"
    expect_status 0 "[$*]:"
    expect_out "$want" "[$*]:"
}

# A cache with one entry, so that "unchanged" means something.
printf 'fn main() { println!("ok"); }\n' > ok.rs
run_cthag -q ok.rs
echo_args='fn main() { println!("{}", std::env::args().next().unwrap()); }'

# ---- files ----
bad 2 "cthag: missing.rs: no such file" -- missing.rs
mkdir adir.rs
bad 2 "cthag: adir.rs: is a directory, not a script" -- adir.rs
mkfifo fifo.rs
bad 2 "cthag: fifo.rs: not a regular file" -- fifo.rs
printf 'fn main() {}\n' > secret.rs && chmod 000 secret.rs
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
    cases=$((cases + 1))
    chmod 777 "$TMP" && mkdir nobody-cache && chown 65534 nobody-cache && chmod 700 nobody-cache
    setpriv --reuid=65534 --regid=65534 --clear-groups env CTHAG_CACHE_DIR="$TMP/nobody-cache" \
        "$CTHAG" secret.rs > out 2> err < /dev/null
    status=$?
    expect_status 2 "unreadable file:"
    expect_err "cthag: secret.rs: Permission denied"
    chmod 700 "$TMP"
elif [ "$(id -u)" -ne 0 ]; then
    bad 2 "cthag: secret.rs: Permission denied" -- secret.rs
else
    echo "SKIP t23-bad-input: unreadable file (root reads everything; no setpriv)"
fi
: > empty.rs
bad 2 "cthag: empty.rs: empty script" -- empty.rs
printf 'fn main() {}\n\0\0binary' > binary.rs
bad 2 "cthag: binary.rs:2: binary file (contains NUL bytes), not a Rust script" -- binary.rs
printf 'fn main() {}\n// caf\xe9\n' > latin1.rs
bad 2 "cthag: latin1.rs:2: invalid UTF-8 (Rust source must be UTF-8)" -- latin1.rs

# ---- names ----
name=$(printf 'bad\xffname.rs'); printf '%s\n' "$echo_args" > "$name"
good "$(printf './bad\xef\xbf\xbdname.rs')" "./$name"
printf '%s\n' "$echo_args" > "with space.rs"
good "./with space.rs" "./with space.rs"
printf '%s\n' "$echo_args" > "quo'te\"s.rs"
good "./quo'te\"s.rs" "./quo'te\"s.rs"
name=$(printf 'new\nline.rs'); printf '%s\n' "$echo_args" > "$name"
good "./$name" "./$name"
printf '%s\n' "$echo_args" > "-dash.rs"
good "-dash.rs" -- -dash.rs
bad 2 "cthag: unknown option -a (see cthag --help)" -- -dash.rs   # -d is --edit
for stem in 2fast type self main build lib test; do
    printf '%s\n' "$echo_args" > "$stem.rs"
    good "./$stem.rs" "./$stem.rs"
done

# ---- sizes ----
{ for i in $(seq 1 160000); do echo "// padding line $i of a ten megabyte script, to see that nothing chokes"; done
  echo 'fn main() { println!("big"); }'; } > big.rs
expect_eq "$([ "$(stat -c %s big.rs)" -ge 10000000 ] && echo big)" big "a 10 MB script:"
good "big" big.rs
{ printf 'fn main() { let s = "'; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '"; println!("{}", s.len()); }\n'; } > longline.rs
good "1048576" longline.rs

# ---- manifests ----
printf '/*[toml]\n[dependencies]\nfn main() {}\n' > toml-open.rs
bad 2 "cthag: toml-open.rs:1: /*[toml] block is not closed with */" -- toml-open.rs
printf -- '---\n[dependencies]\nfn main() {}\n' > front-open.rs
bad 2 "cthag: front-open.rs:1: unclosed frontmatter; expected \`---\`" -- front-open.rs
printf -- '---\n---\n---\n---\nfn main() {}\n' > front-two.rs
bad 2 "cthag: front-two.rs:3: only one frontmatter is supported" -- front-two.rs
printf -- '---python\n---\nfn main() {}\n' > front-info.rs
bad 2 "cthag: front-info.rs:1: unsupported frontmatter infostring \`python\`; specify \`cargo\` for embedding a manifest" -- front-info.rs
printf -- '---\n[[bin]]\nname = "x"\n---\nfn main() {}\n' > front-bin.rs
bad 2 "cthag: front-bin.rs:2: \`bin\` is not allowed in embedded manifests" -- front-bin.rs
printf '/*[toml]\n[dependencies]\na = "1"\na = "2"\n*/\nfn main() {}\n' > dup.rs
bad 2 "cthag: dup.rs:4: bad manifest: duplicate key \`a\`" -- dup.rs
printf '/*[toml]\n[dependencies]\na = "1\n*/\nfn main() {}\n' > quote.rs
bad 2 "cthag: quote.rs:3: bad manifest: unterminated string" -- quote.rs
printf -- '---\ndependencies = "tinydep"\n---\nfn main() {}\n' > shape.rs
bad 2 "cthag: shape.rs:2: [dependencies] must be a table" -- shape.rs
printf '// cargo-deps: a b\nfn main() {}\n' > deps-bad.rs
bad 2 "cthag: deps-bad.rs:1: cargo-deps: expected \`,\` after \`a\`" -- deps-bad.rs
printf '// cargo-deps: a\n/*[toml]\n*/\nfn main() {}\n' > two-manifests.rs
bad 2 "cthag: two-manifests.rs:2: two embedded manifests: // cargo-deps: line at line 1 and /*[toml] block at line 2 (keep one)" -- two-manifests.rs
printf '// cargo-deps: tinydep="99"\nfn main() {}\n' > impossible.rs
bad 1 "cthag: impossible.rs: build failed (cargo exited with status 101)" -- "${R[@]}" impossible.rs
expect_err_has "tinydep"
printf '/*[toml]\n[dependencies]\nmine = { path = "/no/such/dir" }\n*/\nfn main() {}\n' > path-dep.rs
bad 1 "cthag: path-dep.rs: build failed (cargo exited with status 101)" -- path-dep.rs
expect_err_has "/no/such/dir"

# ---- Rust ----
printf 'fn main() {\n    let = 1;\n}\n' > syntax.rs
# (Built by rustc alone, with the command cargo ran for an earlier dependency-free script.)
bad 1 "cthag: syntax.rs: build failed (rustc exited with status 1)" -- syntax.rs
expect_err_has " --> syntax.rs:2:9"
printf 'fn main() {\n    let x: u8 = "no";\n}\n' > types.rs
bad 1 "cthag: types.rs: build failed (rustc exited with status 1)" -- types.rs
expect_err_has " --> types.rs:2:17"
printf 'fn main() {}\nfn main() {}\n' > twice.rs
bad 2 "cthag: twice.rs:2: a second \`fn main\` (the first is at line 1); use -m/--multimain if that is intended" -- twice.rs

# ---- cargo ----
# (~/.cargo/bin is the home of the user cthag runs as, from the user database: a test one.)
printf 'me:x:%s:%s::%s:/bin/sh\n' "$(id -u)" "$(id -g)" "$TMP/nohome" > "$TMP/passwd"
bad 1 "cthag: cargo not found (not in \$CARGO, on PATH or in ~/.cargo/bin): install Rust from https://rustup.rs or your system's cargo package" \
    CARGO= PATH=/usr/bin:/bin CTHAG_TEST_PASSWD="$TMP/passwd" -- syntax.rs
printf '#!/bin/sh\nkill -SEGV $$\n' > "$TMP/bin/crashing-cargo" && chmod +x "$TMP/bin/crashing-cargo"
bad 1 "cthag: syntax.rs: build failed: cargo was killed by signal 11" CARGO="$TMP/bin/crashing-cargo" -- syntax.rs

# ---- the script at run time ----
printf 'fn main() { println!("about to crash"); unsafe { std::ptr::null_mut::<i32>().write_volatile(1) } }\n' > segv.rs
run_cthag -q -b segv.rs
cases=$((cases + 1))
run_cthag segv.rs
expect_status 139 "a script that segfaults:"
expect_out "about to crash"
expect_eq "$(grep -c '^cthag:' "$TMP/err")" 0 "no cthag message for the script's crash:"
printf 'fn main() { for i in 0..200000 { println!("line {i}"); } }\n' > spam.rs
run_cthag -q -b spam.rs
cases=$((cases + 1))
first=$("$CTHAG" spam.rs 2> spam.err | head -1)
expect_eq "$first" "line 0" "| head -1:"
expect_eq "$(grep -c '^cthag:' spam.err)" 0 "no EPIPE noise from cthag:"

# ---- usage ----
bad 2 "cthag: unknown option --frobnicate (see cthag --help)" -- --frobnicate ok.rs
bad 2 "cthag: option --features needs a value (see cthag --help)" -- --features
bad 2 "cthag: option --registry-dir needs a value (see cthag --help)" -- --registry-dir
bad 2 "cthag: --clean: unknown part \`bogus\` (expected bins, target or all) (see cthag --help)" -- --clean bogus
bad 2 "cthag: --max-size: \`12QB\` is not a size (e.g. 2GiB, 500MB, 1000000) (see cthag --help)" -- --gc --max-size 12QB
bad 2 "cthag: -e: empty expression (see cthag --help)" -- -e ''
bad 2 "cthag: option --release takes no value (see cthag --help)" -- --release=yes ok.rs

# ---- the cache directory ----
touch afile
bad 2 "cthag: cache directory $TMP/afile is not a directory" CTHAG_CACHE_DIR="$TMP/afile" -- ok.rs
mkdir real-cache && ln -s "$TMP/real-cache" link-cache
bad 2 "cthag: cache directory $TMP/link-cache is a symbolic link; refusing to use it" CTHAG_CACHE_DIR="$TMP/link-cache" -- ok.rs
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
    cases=$((cases + 1))
    chmod 755 "$TMP" && chmod 644 ok.rs
    mkdir ro-cache && chown 65534 ro-cache && chmod 500 ro-cache
    setpriv --reuid=65534 --regid=65534 --clear-groups env CTHAG_CACHE_DIR="$TMP/ro-cache" \
        "$CTHAG" ok.rs > out 2> err < /dev/null
    status=$?
    expect_status 2 "read-only cache directory:"
    expect_err "cthag: cannot write $TMP/ro-cache/CACHEDIR.TAG: Permission denied"
    expect_eq "$(ls ro-cache | wc -l)" 0
    chmod 700 "$TMP"
else
    chmod 500 "$TMP/real-cache" 2>/dev/null
    bad 2 "cthag: cannot write $TMP/real-cache/CACHEDIR.TAG: Permission denied" CTHAG_CACHE_DIR="$TMP/real-cache" -- ok.rs
fi

echo "t23-bad-input: $cases cases"
expect_eq "$([ "$cases" -ge 40 ] && echo enough)" enough "at least 40 cases ($cases):"
finish
