#!/usr/bin/env bash
# The release archive's consumer test: unpack ARCHIVE in a fresh directory, build
# consumer.c with nothing but `pkg-config --cflags --libs` from the archive (static and
# shared), and run both: the shared one with no rpath or LD_LIBRARY_PATH of its own, as
# the README tells a user to build it. Also checks the archive carries the endpoint
# reference that timdesk.h points to.
#   consumer.sh ARCHIVE
set -euo pipefail
archive=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
tar -xzf "$archive"
root=$(echo "$work"/timdesk-*)
export PKG_CONFIG_PATH="$root/lib/pkgconfig"
unset PKG_CONFIG_LIBDIR
cc -std=c11 -Wall -Wextra -Werror "$here/consumer.c" $(pkg-config --cflags --libs timdesk-static) -o consumer-static
./consumer-static
unset LD_LIBRARY_PATH
cc -std=c11 -Wall -Wextra -Werror "$here/consumer.c" $(pkg-config --cflags --libs timdesk) -o consumer-shared
./consumer-shared
# ldd's output is taken whole first: with pipefail, `ldd | grep -q` fails whenever grep
# exits at its match before ldd has written everything (SIGPIPE), which it did once.
libraries=$(ldd consumer-shared)
grep -q "libtimdesk.so.0.1 => $root/lib/" <<<"$libraries" || { echo "consumer-shared did not load the archive's library" >&2; echo "$libraries" >&2; exit 1; }
grep -q "^## get_session_state" "$root/share/doc/timdesk/api.md" \
    || { echo "the archive lacks share/doc/timdesk/api.md" >&2; exit 1; }
echo "the archive builds and runs a consumer from $work"
