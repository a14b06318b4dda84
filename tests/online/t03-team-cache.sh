#!/bin/bash
# A team build cache on a real server: sccache (built from crates.io with its Redis backend) as
# the compiler wrapper, Debian's redis-server as the shared store.  Two cache roots with their
# own HOME stand for two machines; where the machine allows it, each lives in a network
# namespace of its own and reaches the Redis host's namespace over a veth pair, else all three
# share the loopback.  The second machine's first build of a num-bigint + rand script must get
# every cacheable dependency compile from Redis (sccache --show-stats) and be faster.
. "$(dirname "$0")/lib.sh"

SCCACHE=${CTHAG_SCCACHE:-$(bash "$TESTS_DIR/install-sccache.sh" --path)}
DEBIAN=/usr/share/cargo/registry
[ -x "$SCCACHE" ] || skip_test "no sccache with the Redis backend at $SCCACHE (tests/online/install-sccache.sh builds it; CTHAG_SCCACHE names another)"
command -v redis-server > /dev/null || skip_test "redis-server is not installed (apt-get install redis-server)"
ls -d "$DEBIAN"/num-bigint-* "$DEBIAN"/rand-0.8* > /dev/null 2>&1 ||
    skip_test "Debian's librust-num-bigint-dev and librust-rand-dev are not installed"

PORT=$((20000 + RANDOM % 20000))
NS=cthag$$ # namespace and interface names: at most 15 characters
netns=
# net: "ns" when three network namespaces joined by veth pairs could be made, else "loopback".
make_network() {
    ip netns add "${NS}r" 2> /dev/null || return 1
    netns=1
    local m i
    for m in a b; do
        i=$([ $m = a ] && echo 1 || echo 2)
        ip netns add "$NS$m" &&
            ip link add "$NS${m}0" type veth peer name "${NS}r$m" &&
            ip link set "$NS${m}0" netns "$NS$m" &&
            ip link set "${NS}r$m" netns "${NS}r" &&
            ip -n "$NS$m" addr add "10.199.$i.2/30" dev "$NS${m}0" &&
            ip -n "${NS}r" addr add "10.199.$i.1/30" dev "${NS}r$m" &&
            ip -n "$NS$m" link set lo up && ip -n "$NS$m" link set "$NS${m}0" up &&
            ip -n "${NS}r" link set "${NS}r$m" up || return 1
    done
    ip -n "${NS}r" link set lo up
}
if make_network; then
    net=ns
    IN_REDIS=(ip netns exec "${NS}r")
    REDIS_BIND="10.199.1.1 10.199.2.1"
else
    net=loopback
    IN_REDIS=()
    REDIS_BIND=127.0.0.1
fi

# Machines of a team run the same image: sccache hits need the same absolute paths everywhere
# (the toolchain, the cargo home, and the cache root, whose target holds what build scripts
# generate: num-bigint includes a file from its OUT_DIR).  Each machine sees its own HOME and
# cache root at the same paths, through a bind mount in a mount namespace of its own, when the
# machine allows that; otherwise the roots differ and num-bigint's compile cannot be a hit.
mkdir -p "$TMP/home" "$TMP/root"
if unshare --mount sh -c "mount --bind '$TMP/home' '$TMP/root'" 2> /dev/null; then
    same_paths=1
else
    same_paths=
fi

# on-M: a command that runs its arguments as machine M: its own network (when namespaces), HOME,
# cache root and sccache server; the same toolchain and cargo home.
for m in a b; do
    i=$([ $m = a ] && echo 1 || echo 2)
    if [ $net = ns ]; then
        enter="ip netns exec $NS$m"
        redis="redis://10.199.$i.1:$PORT"
    else
        enter=
        redis="redis://127.0.0.1:$PORT"
    fi
    mkdir -p "$TMP/home-$m" "$TMP/root-$m"
    if [ -n "$same_paths" ]; then
        home="$TMP/home" root="$TMP/root"
        enter="$enter unshare --mount sh -c 'mount --bind \"\$1\" \"$home\" && mount --bind \"\$2\" \"$root\" && shift 2 && exec \"\$@\"' sh $TMP/home-$m $TMP/root-$m"
    else
        home="$TMP/home-$m" root="$TMP/root-$m"
    fi
    cat > "$TMP/on-$m" <<EOF_SH
#!/bin/sh
exec $enter env HOME="$home" CTHAG_CACHE_DIR="$root" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    RUSTC_WRAPPER="$SCCACHE" SCCACHE_REDIS_ENDPOINT="$redis" SCCACHE_DIR="$home/sccache" \
    SCCACHE_CONF="$home/no-sccache-config" SCCACHE_SERVER_PORT=$((PORT + i)) \
    SCCACHE_IDLE_TIMEOUT=600 "\$@"
EOF_SH
    chmod +x "$TMP/on-$m"
done

stop_all() {
    local m
    for m in a b; do "$TMP/on-$m" "$SCCACHE" --stop-server > /dev/null 2>&1; done
    [ -z "${redis_pid:-}" ] || { kill "$redis_pid" 2> /dev/null; wait "$redis_pid" 2> /dev/null; }
    if [ -n "$netns" ]; then
        for m in r a b; do ip netns del "$NS$m" 2> /dev/null; done
    fi
}
trap 'stop_all; cleanup' EXIT

# Redis on the Redis host, bounded in memory and in time (it stops by itself after 15 minutes).
mkdir -p "$TMP/redis"
"${IN_REDIS[@]}" timeout 900 redis-server --bind $REDIS_BIND --port "$PORT" --save '' \
    --appendonly no --protected-mode no --maxmemory 1gb --maxmemory-policy allkeys-lru \
    --dir "$TMP/redis" --logfile "$TMP/redis/log" &
redis_pid=$!
redis_cli() { "${IN_REDIS[@]}" redis-cli -h "${REDIS_BIND%% *}" -p "$PORT" "$@"; }
for _ in $(seq 50); do
    [ "$(redis_cli ping 2> /dev/null)" = PONG ] && break
    sleep 0.2
done
expect_eq "$(redis_cli ping 2>&1)" PONG "redis-server is up ($net):"
echo "$TEST_NAME: two machines on $([ $net = ns ] && echo "their own network namespaces, Redis over veth" || echo "the loopback (no network namespaces here)")"

write_script team.rs <<'EOF_RS'
/*[toml]
[dependencies]
num-bigint = "0.4"
rand = "0.8"
*/
use num_bigint::BigUint;
use rand::{rngs::StdRng, Rng, SeedableRng};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let (mut a, mut b) = (BigUint::from(0u32), BigUint::from(1u32));
    for _ in 0..n {
        let next = &a + &b;
        a = std::mem::replace(&mut b, next);
    }
    let roll: u32 = StdRng::seed_from_u64(7).gen_range(1..=6);
    println!("{a} {}", (1..=6).contains(&roll));
}
EOF_RS
stat_of() { "$TMP/on-$1" "$SCCACHE" --show-stats | awk -v k="$2" 'index($0, k) == 1 { print $NF; exit }'; }

# build_on M: the first build on machine M; prints its time.
build_on() {
    local start
    "$TMP/on-$1" "$SCCACHE" --start-server > /dev/null 2>&1
    start=$(now_ns)
    run_cthag_on "$1" --registry-dir "$DEBIAN" team.rs -- 100
    elapsed=$(seconds_since "$start")
    expect_status 0 "machine $1:"
    expect_out "354224848179261915075 true" "machine $1:"
}
run_cthag_on() {
    local m=$1
    shift
    status=$( { "$TMP/on-$m" "$CTHAG" "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null; echo $?; } 2>/dev/null)
}

build_on a
time_a=$elapsed
hits_a=$(stat_of a "Cache hits") misses_a=$(stat_of a "Cache misses")
compiled_a=$(dep_compiles | wc -l)
echo "$TEST_NAME: machine a, first build: $time_a s ($compiled_a dependency crates; sccache: $hits_a hits, $misses_a misses, $(stat_of a "Non-cacheable calls") non-cacheable)"
expect_eq "$hits_a" 0 "machine a has nothing to reuse:"
expect_eq "$([ "${misses_a:-0}" -ge 8 ] && echo stored)" stored "machine a stores its dependencies ($misses_a):"
keys=$(redis_cli dbsize)
expect_eq "$([ "${keys:-0}" -ge "${misses_a:-1}" ] && echo yes)" yes "the objects are in Redis ($keys keys):"
expect_eq "$(find "$TMP/home-a/sccache" -type f 2> /dev/null | wc -l)" 0 "nothing in a local sccache dir:"
expect_eq "$(ls "$TMP/root-a/projects" | wc -l)" 1 "machine a's entry is in its own root:"

build_on b
time_b=$elapsed
hits_b=$(stat_of b "Cache hits") misses_b=$(stat_of b "Cache misses")
echo "$TEST_NAME: machine b, first build: $time_b s ($(dep_compiles | wc -l) dependency crates; sccache: $hits_b hits, $misses_b misses, $(stat_of b "Non-cacheable calls") non-cacheable)"
if [ -n "$same_paths" ]; then
    expect_eq "$misses_b" 0 "machine b: no misses:"
    expect_eq "$hits_b" "$misses_a" "machine b: every dependency compile machine a stored is a hit:"
else
    echo "$TEST_NAME: note: no mount namespaces: the cache roots' paths differ, num-bigint misses"
    expect_eq "$misses_b" 1 "machine b: only num-bigint misses:"
    expect_eq "$hits_b" "$((misses_a - 1))" "machine b: every other dependency compile is a hit:"
fi
expect_eq "$(ls "$TMP/root-b/target/debug/deps" | grep -c '^libnum_bigint-.*\.rlib$')" 1 \
    "machine b has the dependency in its own target:"
expect_eq "$(awk -v a="$time_a" -v b="$time_b" 'BEGIN { print (b < a) ? "faster" : "slower" }')" faster \
    "machine b's first build ($time_b s) against machine a's ($time_a s):"
echo "$TEST_NAME: team cache: first build $time_a s on machine a, $time_b s on machine b"
finish
