#!/bin/bash
# The cached-run figures of make bench, and where the time of a cached run goes.
#
# One alternating run times, side by side: cthag running a cached hello world, the same cthag
# sources linked with glibc (when make bench built one), an exec-only launcher built the way
# cthag is (the floor for any launcher that execs), and the cached executable run directly.  Then
# what cthag does before its exec, counted: system calls (strace), minor page faults (rusage),
# instructions (valgrind's callgrind, up to the exec), and what a page fault and a system call
# cost here, timed the same way; and the start-up of an empty static program with musl and with
# glibc.
#
# Sourced by bench.sh, which provides $work, $here, $CTHAG, pairtime, say and record.  Optional:
# CTHAG_GLIBC (cthag linked with glibc), BENCH_CC and BENCH_LDFLAGS (how cthag was built: the
# launcher is built the same way), BENCH_RUNS (rounds, default 1000).

# ms_diff A B: A - B in ms, 3 decimals.
ms_diff() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a - b}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a / b}'; }

# syscalls_before_exec TRACE: "COUNT (name n, name n, ...)" for the calls before the second exec
# in an strace output file (the first line is the process's own execve).
syscalls_before_exec() {
    local names
    names=$(awk -F'(' 'NR > 1 && $1 ~ /^exec/ { exit } NR > 1 && /^[a-z_0-9]+\(/ { print $1 }' "$1")
    printf '%s (%s)' "$(grep -c . <<< "$names")" "$(sort <<< "$names" | uniq -c |
        sort -k1,1nr -k2 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"
}

# instructions_before_exec COMMAND...: instructions the command runs before it execs (callgrind
# dumps its counts on entering the exec function).
instructions_before_exec() {
    local out="$work/callgrind"
    rm -rf "$out"; mkdir "$out"
    valgrind -q --tool=callgrind --dump-before=fexecve --dump-before=execve \
        --callgrind-out-file="$out/cg.%p" "$@" > /dev/null 2>&1 || return 1
    cat "$out"/cg.*.1 2>/dev/null | awk '/^summary:/ { print $2; exit }'
}

# The exec-only launcher and the cost probe, built as cthag was ($launcher_kind says how).
bench_build_probes() {
    local cc=${BENCH_CC:-} ldflags=${BENCH_LDFLAGS:--static}
    if [ -z "$cc" ]; then cc=$(command -v musl-gcc || echo cc); fi
    "$cc" -O2 $ldflags -o "$work/execonly" "$here/execonly.c"
    "$cc" -O2 $ldflags -o "$work/costs" "$here/costs.c"
    launcher_kind="$(basename "$cc"), ${ldflags:-dynamic}"
}

bench_cached_run() {
    local runs=${BENCH_RUNS:-1000}
    local bin
    bin=$(ls "$CTHAG_CACHE_DIR"/bins/hello-*)

    # ---- the cached run, the floor and the binary, alternating ----
    local -a cmds=(-- "$CTHAG" hello.rs)
    [ -n "${CTHAG_GLIBC:-}" ] && cmds+=(-- "$CTHAG_GLIBC" hello.rs)
    cmds+=(-- "$work/execonly" "$bin" -- "$bin")
    local -a out
    mapfile -t out < <(pairtime -l "$runs" 50 "${cmds[@]}")
    local c_ms c_rss c_flt g_ms="" g_flt="" l_ms l_flt b_ms b_flt
    read -r c_ms c_rss c_flt _ <<< "${out[0]}"
    if [ -n "${CTHAG_GLIBC:-}" ]; then
        read -r g_ms _ g_flt _ <<< "${out[1]}"
        out=("${out[0]}" "${out[@]:2}")
    fi
    read -r l_ms _ l_flt _ <<< "${out[1]}"
    read -r b_ms _ b_flt _ <<< "${out[2]}"
    echo "cached hello world: $runs alternating rounds, medians"
    say "  cthag, cached run (target <= 1.10x the binary)" \
        "$c_ms ms = $(ratio "$c_ms" "$b_ms")x"
    say "  floor: exec-only launcher ($launcher_kind)" "$l_ms ms = $(ratio "$l_ms" "$b_ms")x"
    say "  the cached binary, run directly" "$b_ms ms"
    record cached_run_ms "$c_ms"
    record binary_direct_ms "$b_ms"
    record cached_run_ratio "$(ratio "$c_ms" "$b_ms")"
    record launcher_floor_ms "$l_ms"
    record launcher_floor_ratio "$(ratio "$l_ms" "$b_ms")"
    if [ -n "$g_ms" ]; then
        say "  cthag linked statically with glibc (same sources)" \
            "$g_ms ms = $(ratio "$g_ms" "$b_ms")x"
        record cached_run_glibc_ms "$g_ms"
        record cached_run_glibc_ratio "$(ratio "$g_ms" "$b_ms")"
    fi
    local beyond_us
    beyond_us=$(awk -v a="$c_ms" -v b="$l_ms" 'BEGIN{printf "%.0f", (a - b) * 1000}')
    say "  cthag beyond the floor" "$beyond_us us per run"
    record cthag_beyond_floor_us "$beyond_us"
    say "  peak RSS of the cached run (cthag, then hello world in the same process)" "$c_rss KB"
    record cached_run_peak_rss_kb "$c_rss"

    # ---- what cthag does before its exec ----
    local faults=$((c_flt - l_flt))
    say "  minor page faults: cthag / launcher / binary (median)" \
        "$c_flt / $l_flt / $b_flt: cthag +$faults over the launcher"
    record cached_run_minor_faults "$c_flt"
    record launcher_minor_faults "$l_flt"
    [ -n "$g_flt" ] && record cached_run_glibc_minor_faults "$g_flt"
    local calls="" launcher_calls=""
    if command -v strace > /dev/null; then
        strace -o "$work/trace" "$CTHAG" hello.rs > /dev/null
        calls=$(syscalls_before_exec "$work/trace")
        strace -o "$work/trace" "$work/execonly" "$bin" > /dev/null
        launcher_calls=$(syscalls_before_exec "$work/trace")
        say "  system calls before the exec: cthag" "$calls"
        say "  system calls before the exec: launcher" "$launcher_calls"
        record cthag_syscalls_before_exec "${calls%% *}"
    else
        say "  system calls before the exec" "skipped: no strace"
    fi
    local instr="" launcher_instr=""
    if command -v valgrind > /dev/null; then
        instr=$(instructions_before_exec "$CTHAG" hello.rs)
        launcher_instr=$(instructions_before_exec "$work/execonly" "$bin")
        say "  instructions before the exec: cthag / launcher (callgrind)" \
            "$instr / $launcher_instr"
        record cthag_instructions_before_exec "${instr:-null}"
        if [ -n "${CTHAG_GLIBC:-}" ]; then
            local g_instr
            g_instr=$(instructions_before_exec "$CTHAG_GLIBC" hello.rs)
            say "  instructions before the exec: cthag linked with glibc" "$g_instr"
            record cthag_glibc_instructions_before_exec "${g_instr:-null}"
        fi
    else
        say "  instructions before the exec" "skipped: no valgrind"
    fi

    # ---- what a fault and a system call cost here ----
    mapfile -t out < <(pairtime -l "$runs" 20 -- "$work/costs" none -- "$work/costs" faults 100 \
        -- "$work/costs" syscalls 1000)
    local none_ms fault_ms sys_ms fault_us sys_us
    read -r none_ms _ _ <<< "${out[0]}"
    read -r fault_ms _ _ <<< "${out[1]}"
    read -r sys_ms _ _ <<< "${out[2]}"
    fault_us=$(awk -v a="$fault_ms" -v b="$none_ms" 'BEGIN{printf "%.2f", (a - b) * 10}')
    sys_us=$(awk -v a="$sys_ms" -v b="$none_ms" 'BEGIN{printf "%.3f", a - b}')
    say "  here, one minor page fault / one (empty) system call costs" "$fault_us us / $sys_us us"
    record page_fault_us "$fault_us"
    record syscall_us "$sys_us"
    local nsys=${calls%% *}
    [ -n "$nsys" ] || nsys=0
    say "  so: cthag's extra faults / its system calls (entry and exit only)" \
        "$(awk -v n="$faults" -v c="$fault_us" 'BEGIN{printf "%.0f", n * c}') us / $(awk -v n="$nsys" -v c="$sys_us" 'BEGIN{printf "%.0f", n * c}') us of the $beyond_us us"

    # ---- the C library's start-up ----
    printf 'int main(void) { return 0; }\n' > "$work/empty.c"
    if command -v musl-gcc > /dev/null && cc -O2 -static -o "$work/empty-glibc" "$work/empty.c" \
        2> /dev/null; then
        musl-gcc -O2 -static -o "$work/empty-musl" "$work/empty.c"
        mapfile -t out < <(pairtime -l "$runs" 20 -- "$work/empty-musl" -- "$work/empty-glibc")
        local m_ms m_flt e_ms e_flt
        read -r m_ms _ m_flt _ <<< "${out[0]}"
        read -r e_ms _ e_flt _ <<< "${out[1]}"
        say "  an empty static program, spawn to exit: musl / glibc" \
            "$m_ms ms / $e_ms ms (faults $m_flt / $e_flt)"
        record empty_static_musl_ms "$m_ms"
        record empty_static_glibc_ms "$e_ms"
    fi
}
