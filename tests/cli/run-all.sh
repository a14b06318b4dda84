#!/bin/bash
# Run every tests/cli/t*.sh (or those given as arguments) and summarise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CTHAG:?CTHAG must point at the cthag binary}"
export CTHAG
export CTHAG_TEST_REGISTRY=$(mktemp -d "${TMPDIR:-/tmp}/cthag-registry.XXXXXX")
trap 'rm -rf "$CTHAG_TEST_REGISTRY"' EXIT
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
if [ ${#failed[@]} -ne 0 ]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
