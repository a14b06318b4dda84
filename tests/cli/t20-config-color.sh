#!/bin/bash
# The config file ([build], [infer]), --config-path and --print-config; colour conventions and
# --color; the hint when crates.io cannot be reached.
. "$(dirname "$0")/lib.sh"
config="$XDG_CONFIG_HOME/cthag/config.toml"

run_cthag --config-path
expect_out "$config"
run_cthag --print-config
expect_status 0
expect_file_has "$TMP/out" "config file          $config (not found)"
expect_file_has "$TMP/out" "cache.root           $CTHAG_CACHE_DIR"
expect_file_has "$TMP/out" "(CTHAG_CACHE_DIR)"
expect_file_has "$TMP/out" "build.profile        dev"
expect_file_has "$TMP/out" "infer.level          config"
expect_file_has "$TMP/out" "cargo                $CARGO"

# A wrapper that logs each compiler call, standing in for sccache.
printf '#!/bin/sh\necho "$@" >> "%s/wrapper.log"\nexec "$@"\n' "$TMP" > "$TMP/bin/logwrap"
chmod +x "$TMP/bin/logwrap"
mkdir -p "$(dirname "$config")"
cat > "$config" <<EOF_TOML
[build]
profile = "release"
registry-dir = "$REGISTRY"
edition = "2015"
wrapper = "$TMP/bin/logwrap"
[infer]
level = "min"
EOF_TOML
run_cthag --print-config
expect_file_has "$TMP/out" "config file          $config (read)"
expect_file_has "$TMP/out" "build.profile        release                                      (config file)"
expect_file_has "$TMP/out" "build.registry-dir   $REGISTRY"
expect_file_has "$TMP/out" "infer.level          min                                          (config file)"

write_script old.rs <<'EOF_RS'
fn main() { let async = tinydep::answer(); println!("{}", async); }
EOF_RS
run_cthag -q old.rs
expect_status 0 "build settings from the config file:"
expect_out "42"
expect_file_has "$CARGO_LOG" "--release"
expect_file_has "$CARGO_LOG" "source.cthag-registry-dir.directory=\"$REGISTRY\""
expect_file_has "$TMP/wrapper.log" "--crate-name tinydep"
expect_eq "$(ls "$CTHAG_CACHE_DIR/target")" "release" "release profile:"

# The command line wins over the config file.
run_cthag -q --rustc-wrapper env -i none old.rs
expect_status 1 "-i none over the config's min:"

for bad in 'profile = "fast"' 'registry-dir = "relative/dir"' 'edition = 2015'; do
    printf '[build]\n%s\n' "$bad" > "$config"
    run_cthag -q -f old.rs   # -f: the cached path never reads the config
    expect_status 2 "bad config ($bad):"
    case "$(err)" in "cthag: $config:2: [build] "*) pass ;; *) fail "config error: $(err)" ;; esac
done
printf '[infer]\nlevel = "lots"\n' > "$config"
run_cthag --print-config
expect_status 2
expect_err "cthag: $config:2: [infer] level must be none, min, config or max"
rm "$config"

# Colour: --color always/never reach cargo, and the diagnostics follow.
printf 'fn main() { let x: i32 = "s"; }\n' > bad.rs
reset_cargo_log
run_cthag --color always bad.rs
expect_file_has "$CARGO_LOG" "--color always"
expect_file_has "$CARGO_LOG" "--message-format=json-diagnostic-rendered-ansi"
expect_file_has "$TMP/err" "$(printf '\033[')"
expect_file_has "$TMP/err" "bad.rs:1:26"
reset_cargo_log
run_cthag --color never bad.rs
expect_file_has "$CARGO_LOG" "--color never"
expect_eq "$(grep -c "$(printf '\033')" "$TMP/err")" 0 "--color never: no escapes:"
reset_cargo_log
CLICOLOR_FORCE=1 run_cthag bad.rs
expect_file_has "$CARGO_LOG" "--color always" "CLICOLOR_FORCE:"
reset_cargo_log
NO_COLOR=1 CLICOLOR_FORCE=0 run_cthag bad.rs
expect_file_has "$CARGO_LOG" "--color never" "NO_COLOR:"
reset_cargo_log
CLICOLOR=0 run_cthag bad.rs
expect_file_has "$CARGO_LOG" "--color never" "CLICOLOR=0:"
reset_cargo_log
run_cthag bad.rs
expect_eq "$(grep -c -- '--color' "$CARGO_LOG")" 0 "auto leaves cargo to decide:"
run_cthag --color sometimes bad.rs
expect_status 2
expect_err "cthag: --color: \`sometimes\` is not auto, always or never (see cthag --help)"

# No network: the build fails, and cthag says what to do.
printf '// cargo-deps: rand="0.8"\nfn main() { println!("{}", rand::random::<u8>()); }\n' > net.rs
CARGO_HTTP_PROXY=http://127.0.0.1:9 CARGO_NET_RETRY=0 run_cthag -q net.rs
expect_status 1 "no network:"
if [ -d /usr/share/cargo/registry ]; then
    expect_err_has "cthag: net.rs: cargo could not fetch the dependencies: is crates.io reachable (no network?); crates installed from Debian's librust-*-dev packages work offline: cthag --registry-dir /usr/share/cargo/registry net.rs"
else
    expect_err_has "cthag: net.rs: cargo could not fetch the dependencies: is crates.io reachable (no network?); --registry-dir DIR uses a local registry"
fi

finish
