#!/bin/bash
# Issue 21, problem 10: cthag looks cargo up on $CARGO, PATH and the home of the user it runs
# as, from the user database by uid (not $HOME, which sudo -E keeps as another user's), and
# refuses a cargo another user owns (root running it would run their code).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! chown 65534 "$TMP" 2> /dev/null; then
    echo "SKIP t87: needs root (to give files to another user)"
    finish
fi
chown 0 "$TMP"
real_home=$(awk -F: -v uid=0 '$3 == uid { print $6; exit }' /etc/passwd)
if [ ! -x "$real_home/.cargo/bin/cargo" ]; then
    echo "SKIP t87: no cargo in root's own home ($real_home/.cargo/bin)"
    finish
fi

# Another user's home, with a "cargo" that says it ran.
other=$TMP/otherhome
mkdir -p "$other/.cargo/bin"
printf '#!/bin/sh\ntouch "%s/ran"\nexit 1\n' "$TMP" > "$other/.cargo/bin/cargo"
chmod 755 "$other/.cargo/bin/cargo"
chown -R 65534 "$other"
write_script hi.rs <<'EOF_RS'
fn main() { println!("hi"); }
EOF_RS
# rustup and cargo keep their own homes (the test moves HOME only).
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_home=${CARGO_HOME:-$HOME/.cargo}

# sudo -E: root, with the other user's HOME, no cargo on PATH (rustc still on it: cargo runs
# the one PATH finds).
mkdir "$TMP/rustc-only"
ln -s "$(command -v rustc)" "$TMP/rustc-only/rustc"
( unset CARGO
  HOME=$other RUSTUP_HOME=$rustup_home CARGO_HOME=$cargo_home PATH=$TMP/rustc-only:/usr/bin:/bin \
      "$CTHAG" -q hi.rs > "$TMP/out" 2> "$TMP/err"; echo $? > "$TMP/status" )
status=$(cat "$TMP/status")
expect_status 0 "HOME is another user's, no cargo on PATH:"
expect_out "hi" "root's own cargo ran:"
[ -e "$TMP/ran" ] && fail "the other user's cargo ran as root" || pass

# Their cargo named by $CARGO, or first on PATH: refused, said.
run_cthag -q -f hi.rs
CARGO=$other/.cargo/bin/cargo run_cthag -q -f hi.rs
expect_status 1 "\$CARGO owned by another user:"
expect_err "cthag: $other/.cargo/bin/cargo is owned by uid 65534, not you or root; refusing to run it"
( unset CARGO
  PATH=$other/.cargo/bin:$PATH "$CTHAG" -q -f hi.rs > "$TMP/out" 2> "$TMP/err"
  echo $? > "$TMP/status" )
status=$(cat "$TMP/status")
expect_status 1 "another user's cargo first on PATH:"
expect_err "cthag: $other/.cargo/bin/cargo is owned by uid 65534, not you or root; refusing to run it"
[ -e "$TMP/ran" ] && fail "the other user's cargo ran" || pass

finish
