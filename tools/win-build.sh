#!/bin/sh
# SPDX-License-Identifier: MIT
# The mingw-w64 build in _build/win that the Windows stages (20-windows, 25-dotnet-windows) share: one set
# of configure arguments (Check for the host from tools/win-check.sh, -Werror when DW_WERROR=1),
# reconfigured when configure or the arguments change, so whichever stage runs first builds it the same way.
# Usage: tools/win-build.sh [MAKE TARGET...]; prints the build directory. DW_TOP, DW_JOBS, DW_WERROR as in
# tools/test-all.sh. Exits non-zero with the reason on standard error.
set -u
top=${DW_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
jobs=${DW_JOBS:-2}
host=x86_64-w64-mingw32
fail() { echo "win-build: $*" >&2; exit 1; }

check_prefix=$(DW_TOP="$top" DW_JOBS="$jobs" sh "$top/tools/win-check.sh") || fail "building Check for $host failed"
b="$top/_build/win"
mkdir -p "$b" && cd "$b" || fail "cannot enter $b"
werror=""
[ "${DW_WERROR:-0}" = 1 ] && werror=--enable-werror
args="--host=$host $werror --enable-python=no --enable-csharp=no"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] || [ "$(cat configure.args 2>/dev/null)" != "$args" ]; then
    # shellcheck disable=SC2086 # the arguments are words
    PKG_CONFIG_LIBDIR="$check_prefix/lib/pkgconfig" "$top/configure" $args >configure.out 2>&1 ||
        { tail -20 configure.out >&2; fail "configure failed"; }
    echo "$args" >configure.args
fi
make -j"$jobs" "$@" >make.out 2>&1 || { tail -30 make.out >&2; fail "make $* failed"; }
echo "$b"
