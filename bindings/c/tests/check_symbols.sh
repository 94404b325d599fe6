#!/usr/bin/env bash
# The ABI check: the functions a shared library exports must be exactly those listed in
# bindings/c/abi/<library>.symbols. A change (an export added, renamed or removed) fails
# until the list is updated in the same commit, so it is reviewed as an ABI change.
#   check_symbols.sh LIBRARY.so LIST
set -euo pipefail
actual=$(nm -D --defined-only "$1" | awk '$2 == "T" {print $3}' | sort)
if ! diff -u "$2" <(echo "$actual"); then
    echo "the exports of $1 differ from $2 (+ exported now, - listed): update the list if intended" >&2
    exit 1
fi
others=$(nm -D --defined-only "$1" | awk '$2 != "T" && $2 != "A" {print $3}')
if [ -n "$others" ]; then
    echo "$1 exports data symbols: $others" >&2
    exit 1
fi
