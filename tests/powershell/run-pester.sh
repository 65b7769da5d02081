#!/bin/sh
# SPDX-License-Identifier: MIT
# make check driver: runs every tests/powershell/*.Tests.ps1 suite with Pester in a real PowerShell 7
# (each suite in a new pwsh process: a loaded assembly cannot be unloaded), against the module assembled in
# the build dir (bindings/powershell/DropWatch). Prints "pester: N passed, N failed".
# pwsh: $PWSH, the one configure found, <srcdir>/.tools/pwsh/pwsh, then PATH (bindings/powershell/install-pwsh.sh
# installs it). Pester: $PESTER_PSD1, then .tools/packages/pester/<version>/tools/Pester.psd1 beside pwsh.
# Exit 77 (skip) when the binding or a tool is missing, unless configure was given --enable-csharp: then fail.
set -u
: "${top_srcdir:?run from make check}" "${top_builddir:?run from make check}"
. "$top_builddir/tests/csharp/dotnet-env.sh"

missing() {
    if [ "$DW_CSHARP_REQUIRED" = yes ]; then
        echo "FAIL: $1 (configure --enable-csharp makes the PowerShell tests mandatory; run bindings/powershell/install-pwsh.sh)" >&2
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}

[ "$DW_CSHARP_ENABLED" = yes ] || missing "the C# binding is not built (configure: $DW_CSHARP_STATUS)"
module="$top_builddir/bindings/powershell/DropWatch/DropWatch.psd1"
[ -f "$module" ] && [ -f "$top_builddir/bindings/powershell/DropWatch/DropWatch.dll" ] || missing "the DropWatch module was not assembled"

pwsh=
for p in "${PWSH:-}" "${PWSH_CONFIGURED:-}" "$top_srcdir/.tools/pwsh/pwsh" "$(command -v pwsh 2>/dev/null)"; do
    if [ -n "$p" ] && [ -x "$p" ]; then pwsh=$p; break; fi
done
[ -n "$pwsh" ] || missing "pwsh (PowerShell 7.6) not found"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off \
    NO_COLOR=1 TERM=dumb
version=$("$pwsh" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>&1) ||
    missing "pwsh at $pwsh does not start: $version"
case $version in
    7.*) ;;
    *) missing "pwsh at $pwsh is PowerShell '$version', not 7" ;;
esac

pester=${PESTER_PSD1:-}
if [ -z "$pester" ]; then
    for p in "$(dirname "$pwsh")"/../packages/pester/*/tools/Pester.psd1 \
             "$top_srcdir"/.tools/packages/pester/*/tools/Pester.psd1; do
        if [ -f "$p" ]; then pester=$p; break; fi
    done
fi
[ -n "$pester" ] && [ -f "$pester" ] || missing "Pester not found (set PESTER_PSD1 or run bindings/powershell/install-pwsh.sh)"
echo "pwsh $version ($pwsh), Pester $pester"

DW_TEST_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/dwps.XXXXXX")
export DW_TEST_TMPDIR
trap 'rm -rf "$DW_TEST_TMPDIR"' EXIT

passed=0 failed=0 status=0 suites=0
for suite in "$top_srcdir"/tests/powershell/*.Tests.ps1; do
    suites=$((suites + 1))
    out="$DW_TEST_TMPDIR/suite.out"
    "$pwsh" -NoLogo -NoProfile -NonInteractive -File "$top_srcdir/tests/powershell/run-suite.ps1" \
        -Suite "$suite" -Module "$module" -Pester "$pester" > "$out" 2>&1
    rc=$?
    cat "$out"
    line=$(grep -E '^[A-Za-z.]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    p=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(printf '%s\n' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    if [ -z "$p" ]; then
        echo "FAIL: $(basename "$suite") printed no result (pwsh exit $rc)"
        p=0 f=1
    fi
    [ $rc -eq 0 ] || { status=1; [ "$f" -gt 0 ] || f=1; }
    passed=$((passed + p)); failed=$((failed + f))
done
[ $suites -gt 0 ] || { echo "FAIL: no suite found"; status=1; }
echo "pester: $passed passed, $failed failed"
exit $status
