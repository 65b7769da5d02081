#!/bin/sh
# SPDX-License-Identifier: MIT
# make check driver: build and run the xunit tests of the C# binding (tests/csharp/) against the freshly
# built DropWatch.dll, its glue and libdropwatch (bindings/csharp/out/ in the build dir).
# Exit 77 (skip) when the binding is not built, unless configure was given --enable-csharp: then a missing
# toolchain is a failure.
set -u
: "${top_srcdir:?run from make check}" "${top_builddir:?run from make check}"
. "$top_builddir/tests/csharp/dotnet-env.sh"

missing() {
    if [ "$DW_CSHARP_REQUIRED" = yes ]; then
        echo "FAIL: $1 (configure --enable-csharp makes the C# tests mandatory)" >&2
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}

[ "$DW_CSHARP_ENABLED" = yes ] || missing "the C# binding is not built (configure: $DW_CSHARP_STATUS)"
[ -n "$DOTNET" ] && command -v "$DOTNET" >/dev/null 2>&1 || missing "dotnet not found"
[ -f "$top_builddir/bindings/csharp/out/DropWatch.dll" ] || missing "DropWatch.dll was not built"

# The SWIG glue is its own library: libdropwatch must export nothing of it.
lib="$top_builddir/lib/.libs/libdropwatch.so"
if [ -f "$lib" ] && command -v nm >/dev/null 2>&1; then
    leaked=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^dw_' | grep -v '^LIBDROPWATCH_')
    if [ -n "$leaked" ]; then
        echo "FAIL: libdropwatch exports symbols outside dw_*: $leaked" >&2
        exit 1
    fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
results="$top_builddir/tests/csharp/results"
rm -rf "$results"
mkdir -p "$results"
DW_TEST_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dwcs-xunit.XXXXXX")
export DW_TEST_TMPDIR
trap 'rm -rf "$DW_TEST_TMPDIR"' EXIT

"$DOTNET" test "$top_srcdir/tests/csharp/DropWatch.Tests.csproj" -c Release --nologo -v q -m:1 \
    -p:UseSharedCompilation=false -p:DwBuildRoot="$top_builddir/" \
    -p:DwAssemblyDir="$top_builddir/bindings/csharp/out/" \
    --results-directory "$results" --logger "trx;LogFileName=xunit.trx" --logger "console;verbosity=normal"
rc=$?

trx="$results/xunit.trx"
if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { printf '%s\n' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    passed=$(get passed); failed=$(get failed); total=$(get total)
    skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
    # A crashed test host leaves tests unrun: never report that as a clean run.
    if [ $rc -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi
    echo "xunit: ${passed:-0} passed, ${failed:-0} failed, $skipped skipped"
    [ "${total:-0}" -gt 0 ] || { echo "FAIL: no test ran" >&2; exit 1; }
else
    echo "FAIL: dotnet test wrote no results (exit $rc)" >&2
    [ $rc -ne 0 ] || rc=1
fi
exit $rc
