#!/bin/sh
# SPDX-License-Identifier: MIT
# The exported symbol list (name and version node) equals the committed lib/libdropwatch.abi. A change
# here is an ABI change: follow doc/abi.md (new symbols in the current node, never remove or re-node one in
# a released node), then update the list: tests/abi/check-symbols.sh --update from the build dir.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/tests/abi/exported.sh"
list=$top_srcdir/lib/libdropwatch.abi
now=$(dw_exported_symbols) || exit 99
if [ "${1:-}" = --update ]; then
    printf '%s\n' "$now" > "$list"
    echo "wrote $list"
    exit 0
fi
[ -n "$now" ] || { echo "FAIL: the library exports nothing"; exit 1; }
if ! printf '%s\n' "$now" | diff -u "$list" - ; then
    echo "FAIL: exported symbols differ from lib/libdropwatch.abi ('+' exported now, '-' committed); see doc/abi.md"
    exit 1
fi
# Everything exported carries the prefix and a version node.
bad=$(printf '%s\n' "$now" | grep -v '^dw_[a-z0-9_]*@@LIBDROPWATCH_[0-9.]*$' || true)
[ -z "$bad" ] || { echo "FAIL: exported without dw_ prefix or version node:"; echo "$bad"; exit 1; }
echo "abi: $(printf '%s\n' "$now" | wc -l) exported symbols match lib/libdropwatch.abi"
