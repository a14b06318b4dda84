#!/bin/bash
# Run every tests/cli/t*.sh (or those given as arguments) and summarise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CTHAG:?CTHAG must point at the cthag binary}"
export CTHAG
export CTHAG_TEST_REGISTRY=$(mktemp -d "${TMPDIR:-/tmp}/cthag-registry.XXXXXX")
# Sanitizer reports (make check SAN=1) go to files, so that none can hide in a test's stderr.
SAN_LOGS=$(mktemp -d "${TMPDIR:-/tmp}/cthag-san.XXXXXX")
export ASAN_OPTIONS="log_path=$SAN_LOGS/asan:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$SAN_LOGS/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
trap 'rm -rf "$CTHAG_TEST_REGISTRY" "$SAN_LOGS"' EXIT
bash "$here/make-registry.sh" "$CTHAG_TEST_REGISTRY"
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/t*.sh)
failed=()
start=$(date +%s)
for t in "${tests[@]}"; do
    if ! bash "$t"; then
        failed+=("$(basename "$t")")
    fi
done
echo "cli tests: $((${#tests[@]} - ${#failed[@]})) of ${#tests[@]} files passed in $(( $(date +%s) - start ))s"
if [ -n "$(ls "$SAN_LOGS")" ]; then
    echo "sanitizer reports:" >&2
    cat "$SAN_LOGS"/* >&2
    failed+=("(sanitizer reports)")
fi
if [ ${#failed[@]} -ne 0 ]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
