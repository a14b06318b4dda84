#!/bin/bash
# Issue 10, items 2, 4, 5: a cache root is provably cthag's and cannot be swapped by anyone else.
# - CTHAG_CACHE_DIR naming a user's directory (projects/, bins/ of their own) is never adopted,
#   cleaned or collected: nothing of theirs is deleted.
# - The root's ancestors must be the user's or root's and not writable by others unless sticky;
#   another user swapping the root for a symlink in a loop never gets their program run.
# - Any umask: cthag makes every directory of the root itself, 0700.
. "$(dirname "$0")/lib.sh"

write_script hello.rs <<'EOF_RS'
fn main() { println!("the right program"); }
EOF_RS

# ---- a directory of the user's is not a cache ----
mkdir -p home/projects/my-app home/projects/thesis-2024 home/bins
echo "precious" > home/projects/thesis-2024/chapter1.tex
printf '#!/bin/sh\necho tool\n' > home/bins/tool.sh
before=$(find home | sort | md5sum)
for cmd in "hello.rs" "--clean all" "--clean bins" "--gc --max-size 1" "--cache-stats"; do
    CTHAG_CACHE_DIR="$TMP/home" run_cthag $cmd
    expect_status 2 "[$cmd] in a user's directory:"
    expect_err_has "$TMP/home" "[$cmd] names the directory:"
    expect_err_has "CACHEDIR.TAG" "[$cmd] says why:"
    expect_out "" "[$cmd] ran nothing:"
    expect_eq "$(find home | sort | md5sum)" "$before" "[$cmd] left every file of the user's:"
done
expect_cargo_calls 0 "no build in a user's directory:"

# An empty directory is adopted and tagged; then it is cthag's.
mkdir empty
CTHAG_CACHE_DIR="$TMP/empty" run_cthag -q hello.rs
expect_status 0 "empty directory adopted:"
expect_out "the right program"
expect_eq "$(head -1 empty/CACHEDIR.TAG)" "Signature: 8a477f597d28d172789f06886806bc55" "tagged:"
CTHAG_CACHE_DIR="$TMP/empty" run_cthag --clean all
expect_status 0 "--clean all in a tagged root:"
expect_eq "$(ls empty | tr '\n' ' ')" "CACHEDIR.TAG lock " "--clean all keeps the tag:"

# A cache of a release before roots were tagged cannot be told from a user's directory holding
# projects/ and target/ (issue 21 problem 9): it is refused too, and left as it is.
mkdir -p old/projects/hello-0123456789abcdef old/bins old/locks old/target
printf 'cthag-entry 1\nkey 0123456789abcdef0123456789abcdef\n' > old/projects/hello-0123456789abcdef/entry
: > old/bins/hello-0123456789abcdef && : > old/locks/hello-0123456789abcdef && : > old/gc-stamp
before=$(find old | sort | md5sum)
CTHAG_CACHE_DIR="$TMP/old" run_cthag --cache-stats
expect_status 2 "stats of an untagged cache of an earlier cthag:"
CTHAG_CACHE_DIR="$TMP/old" run_cthag -q hello.rs
expect_status 2 "an untagged cache of an earlier cthag is not adopted:"
expect_eq "$(find old | sort | md5sum)" "$before" "the untagged cache left as it was:"

# ---- ancestors ----
# A parent that others can write (0777, not sticky): refused, on every path, nothing runs.
mkdir -p open && chmod 777 open
CTHAG_CACHE_DIR="$TMP/open/cache" run_cthag hello.rs
expect_status 2 "root inside a 0777 directory:"
expect_err "cthag: cache directory's parent $TMP/open is writable by others (mode 777) and not sticky: they could replace the cache"
expect_eq "$(ls open | wc -l)" 0 "nothing created there:"
# Sticky (like /tmp): others cannot rename what is ours.
chmod 1777 open
CTHAG_CACHE_DIR="$TMP/open/cache" run_cthag -q hello.rs
expect_status 0 "root inside a sticky 1777 directory:"
# A group-writable parent whose group has other members (nogroup is nobody's primary group).
if getent group nogroup > /dev/null && [ "$(id -u)" -eq 0 ]; then
    mkdir -p team && chgrp nogroup team && chmod 775 team
    CTHAG_CACHE_DIR="$TMP/team/cache" run_cthag hello.rs
    expect_status 2 "root inside a group-writable team directory:"
    expect_err "cthag: cache directory's parent $TMP/team is writable by its group (mode 775) and not sticky: they could replace the cache"
    # The user's private group (root's group has no other member): group-writable is fine,
    # as Ubuntu's umask 002 makes ~/.cache.
    chgrp "$(id -g)" team
    if ! awk -F: -v g="$(id -g)" -v u="$(id -u)" '$4 == g && $3 != u { found = 1 } END { exit !found }' /etc/passwd; then
        CTHAG_CACHE_DIR="$TMP/team/cache" run_cthag -q hello.rs
        expect_status 0 "group-writable parent of the user's private group:"
    else
        echo "SKIP t24-root-trust: private group (another user has group $(id -g))"
    fi
else
    echo "SKIP t24-root-trust: group-writable team directory (needs root and a nogroup group)"
fi

# ---- another user swapping the root in a loop ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
    chmod 755 "$TMP"
    mkdir -p swap/evil && chmod 777 swap
    printf '#!/bin/sh\necho EVIL; touch %s/swap/pwned\n' "$TMP" > swap/evil/payload
    chmod 755 swap/evil/payload
    export CTHAG_CACHE_DIR="$TMP/swap/cache"
    # The attacker (nobody) renames the root away and puts a symlink to a planted cache there,
    # again and again, for as long as the runs last (and never longer than this test: a test
    # killed half-way once left it looping for good).
    cat > swap/attack.sh <<EOF_SH
#!/bin/sh
while [ ! -e $TMP/swap/stop ] && [ -d /proc/$$ ]; do
    mv $TMP/swap/cache $TMP/swap/real 2>/dev/null && ln -s $TMP/swap/evil $TMP/swap/cache 2>/dev/null
    rm -f $TMP/swap/cache 2>/dev/null; mv $TMP/swap/real $TMP/swap/cache 2>/dev/null
done
EOF_SH
    chmod 755 swap/attack.sh
    # In a 0777 non-sticky directory every run is refused: none can run the attacker's program.
    run_cthag -q hello.rs
    expect_status 2 "cache in a directory nobody can write to:"
    setpriv --reuid=65534 --regid=65534 --clear-groups sh swap/attack.sh &
    attacker=$!
    right=0 refused=0 other=0
    for i in $(seq 1 300); do
        out=$("$CTHAG" hello.rs 2> run.err); rc=$?
        if [ "$out" = "the right program" ]; then right=$((right + 1))
        elif [ $rc -eq 2 ] && [ -z "$out" ]; then refused=$((refused + 1))
        else other=$((other + 1)); fi
    done
    touch swap/stop; wait $attacker; rm -f swap/stop
    echo "t24-root-trust: 0777 parent, swapping attacker: $right right, $refused refused, $other other of 300"
    expect_eq "$other" 0 "no run executed anything else:"
    expect_eq "$([ -e swap/pwned ] && echo yes || echo no)" no "the attacker's program never ran:"
    # Sticky parent: the attacker cannot move the root; every run is the right one.
    chmod 1777 swap
    rm -rf swap/cache swap/real
    run_cthag -q hello.rs
    setpriv --reuid=65534 --regid=65534 --clear-groups sh swap/attack.sh &
    attacker=$!
    right=0
    for i in $(seq 1 1000); do
        if [ "$("$CTHAG" hello.rs 2> run.err)" = "the right program" ]; then
            right=$((right + 1))
        elif [ ! -s first-wrong.err ]; then
            { echo "run $i:"; cat run.err; } > first-wrong.err
        fi
    done
    [ -s first-wrong.err ] && sed 's/^/  | /' first-wrong.err
    touch swap/stop; wait $attacker
    echo "t24-root-trust: sticky parent, swapping attacker: $right of 1000 runs right"
    expect_eq "$right" 1000 "all 1000 runs ran the right program:"
    expect_eq "$([ -e swap/pwned ] && echo yes || echo no)" no "the attacker's program never ran:"
    export CTHAG_CACHE_DIR="$TMP/cache"
    chmod 700 "$TMP"
else
    echo "SKIP t24-root-trust: swapping attacker (needs root and setpriv to act as nobody)"
fi

# ---- umask ----
for mask in 000 002 022 077; do
    (umask $mask && CTHAG_CACHE_DIR="$TMP/umask$mask" "$CTHAG" -q hello.rs > out 2> err)
    expect_eq "$?:$(cat out)" "0:the right program" "umask $mask: builds and runs:"
    (umask $mask && CTHAG_CACHE_DIR="$TMP/umask$mask" "$CTHAG" hello.rs > out 2> err)
    expect_eq "$?:$(cat out)" "0:the right program" "umask $mask: cached run:"
    modes=$(cd "umask$mask" && stat -c '%n=%a' . projects bins locks target | tr '\n' ' ')
    expect_eq "$modes" ".=700 projects=700 bins=700 locks=700 target=700 " "umask $mask: modes:"
done
# A target that an older cthag let cargo make with umask 002's 0775 is made private again.
chmod 775 umask002/target
(umask 002 && CTHAG_CACHE_DIR="$TMP/umask002" "$CTHAG" -q -f hello.rs > out 2> err)
expect_eq "$?:$(cat out)" "0:the right program" "0775 target from before:"
expect_eq "$(stat -c %a umask002/target)" 700 "target made 0700:"

finish
