#!/bin/sh
# SPDX-License-Identifier: MIT
# .NET on Windows stage of tools/test-all.sh (issue 15). Builds the NuGet package (make nupkg: the Linux
# build's DropWatch.dll and glue plus the mingw build's libdropwatch-0.dll and a mingw-built glue), then:
#   - a fresh consumer project referencing the package from a local folder feed, built and run on Linux,
#     then published -r win-x64 --self-contained and run under Wine (deliver, classified failure, resolve);
#   - the Path.Combine / GetFullPath proof: the corpus (tests/dotnet-windows/path_corpus.py) through the
#     real .NET on Windows under Wine (tests/dotnet-windows/oracle), compared with dw_path_explain.
# Prints "dotnet-windows: N passed, N failed". A missing tool is a failure, never a skip.
#   DW_TOP, DW_JOBS, DW_PYTHON, DW_FULL_BUILD come from tools/test-all.sh; run alone:
#   DW_FULL_BUILD=<a Linux build configured with --enable-csharp> sh tools/test-all.d/25-dotnet-windows.sh
set -u
top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
jobs=${DW_JOBS:-2}
python=${DW_PYTHON:-python3}
full=${DW_FULL_BUILD:-$top/_build/full}
host=x86_64-w64-mingw32
passed=0
failed=0

summary() {
    echo "dotnet-windows: $passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
}
die() {
    echo "dotnet-windows: $*" >&2
    failed=$((failed + 1))
    summary
}
# Count the "ok:" and "FAIL:" lines of a program's output (the log), and a non-zero exit without a FAIL line.
tally() { # name log rc
    ok=$(grep -c '^ok: ' "$2")
    bad=$(grep -c '^FAIL: ' "$2")
    echo "$1: $ok passed, $bad failed"
    grep '^FAIL: ' "$2" | head -20
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$3" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "FAIL: $1 exited $3"
        tail -20 "$2"
        failed=$((failed + 1))
    fi
    if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
        echo "FAIL: $1 reported nothing"
        failed=$((failed + 1))
    fi
}

missing=""
for tool in dotnet swig "$python" $host-gcc $host-strip $host-objdump wine wineserver unzip timeout; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] || die "missing:$missing (tools/deps.sh installs them)"
[ -f "$full/Makefile" ] || die "no Linux build in $full (DW_FULL_BUILD; tools/test-all.sh makes _build/full)"
grep -q "^DW_CSHARP_ENABLED = yes" "$full/Makefile" || die "$full is not configured with --enable-csharp"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
dn="--nologo -v q -m:1 -p:UseSharedCompilation=false"

# The mingw build (shared with 20-windows.sh): only the library is needed here.
w=$(DW_TOP="$top" DW_JOBS="$jobs" sh "$top/tools/win-build.sh" lib/libdropwatch.la) ||
    die "the mingw libdropwatch failed (tools/win-build.sh)"

b="$top/_build/dotnet-windows"
mkdir -p "$b/logs"
make -C "$full" nupkg DW_WIN_BUILDDIR="$w" >"$b/logs/nupkg.log" 2>&1 || { tail -30 "$b/logs/nupkg.log"; die "make nupkg failed"; }
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$full/Makefile")
pkg="$full/bindings/csharp/pkg/DropWatch.$version.nupkg"
[ -f "$pkg" ] || die "make nupkg made no $pkg"

# The package's layout, as a transport agent's build sees it.
listing=$(unzip -Z1 "$pkg") || die "cannot list $pkg"
for f in lib/netstandard2.0/DropWatch.dll lib/netstandard2.0/DropWatch.xml README.md \
         runtimes/linux-x64/native/dropwatch_csharp.so runtimes/linux-x64/native/libdropwatch.so.0 \
         runtimes/win-x64/native/dropwatch_csharp.dll runtimes/win-x64/native/libdropwatch-0.dll; do
    if printf '%s\n' "$listing" | grep -qx "$f"; then passed=$((passed + 1)); else echo "FAIL: $pkg lacks $f"; failed=$((failed + 1)); fi
done
nuspec=$(unzip -p "$pkg" DropWatch.nuspec)
for m in "<id>DropWatch</id>" "<version>$version</version>" '<license type="expression">MIT</license>' \
         "<readme>README.md</readme>" "<projectUrl>" "<description>"; do
    if printf '%s' "$nuspec" | grep -qF "$m"; then passed=$((passed + 1)); else echo "FAIL: nuspec lacks $m"; failed=$((failed + 1)); fi
done
# The Windows DLLs need nothing beyond Windows' own DLLs and each other (no libgcc/winpthread to ship).
for dll in dropwatch_csharp.dll libdropwatch-0.dll; do
    deps=$($host-objdump -p "$full/bindings/csharp/win-x64/$dll" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' |
        grep -v -E '^(kernel32|msvcrt|ntdll|bcrypt|advapi32|libdropwatch-0)\.dll$')
    if [ -z "$deps" ]; then passed=$((passed + 1)); else echo "FAIL: $dll needs $deps"; failed=$((failed + 1)); fi
done
echo "package: $pkg checked"

# Wine: one prefix and one server for the stage.
export WINEPREFIX="$b/wineprefix" WINEDEBUG=-all
# .NET programs under Wine run with the runtime's W^X (double-mapped JIT memory) off. With it on, on an AMD
# EPYC (Zen 5) machine with kernel 6.18 every program that emits dynamic methods (the xunit runner, the
# PowerShell host) dies under Wine 8 in the runtime's own finalizer: "Internal CLR error (0x80131506) at
# System.Reflection.Emit.DynamicResolver+DestroyScout.Finalize()", before any test ran; the commit that had
# passed this stage on an earlier machine failed the same way. Wine's emulation of that mapping is what
# fails, not the library: the programs that never emit code (consumer, oracle) pass either way. Only the
# Wine runs get it; the Linux runs keep the default. doc/csharp-powershell.md.
wine_net=DOTNET_EnableWriteXorExecute=0
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
trap 'wineserver -k 2>/dev/null' EXIT
sh "$top/tools/wine-server.sh" || die "no persistent wineserver (tools/wine-server.sh)"

# ---- consumer: a fresh project, the package from a local folder feed ----------------------------------
c="$b/consumer"
rm -rf "$c" "$b/consumer-win" "$b/nuget-packages/dropwatch"
mkdir -p "$c"
cp "$top/tests/dotnet-windows/consumer/Consumer.csproj" "$top/tests/dotnet-windows/consumer/Program.cs" "$c/"
cat >"$c/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="dropwatch-local" value="$(dirname "$pkg")" />
  </packageSources>
</configuration>
EOF
export NUGET_PACKAGES="$b/nuget-packages"   # the package under test never mixes with a cached copy
(cd "$c" && dotnet build -c Release $dn -p:DwPackageVersion="$version") >"$b/logs/consumer-build.log" 2>&1 ||
    { tail -30 "$b/logs/consumer-build.log"; die "the consumer project did not build against the package"; }
mkdir -p "$b/drop-linux" "$b/drop-win"
dotnet "$c/bin/Release/net10.0/Consumer.dll" "$b/drop-linux" "$b/missing/x" >"$b/logs/consumer-linux.log" 2>&1
tally "consumer (linux-x64)" "$b/logs/consumer-linux.log" $?
(cd "$c" && dotnet publish -c Release -r win-x64 --self-contained true $dn -p:DwPackageVersion="$version" \
    -o "$b/consumer-win") >"$b/logs/consumer-publish.log" 2>&1 ||
    { tail -30 "$b/logs/consumer-publish.log"; die "publishing the consumer for win-x64 failed"; }
env "$wine_net" wine "$b/consumer-win/Consumer.exe" "$(winpath "$b/drop-win")" "$(winpath "$b/missing/x")" \
    >"$b/logs/consumer-win.log" 2>&1
tally "consumer (win-x64 under Wine)" "$b/logs/consumer-win.log" $?

# ---- the Path.Combine / GetFullPath proof ---------------------------------------------------------------
o="$b/oracle"
rm -rf "$o" "$b/oracle-win"
mkdir -p "$o"
cp "$top/tests/dotnet-windows/oracle/PathOracle.csproj" "$top/tests/dotnet-windows/oracle/Program.cs" "$o/"
(cd "$o" && dotnet publish -c Release -r win-x64 --self-contained true $dn -o "$b/oracle-win") \
    >"$b/logs/oracle-publish.log" 2>&1 || { tail -30 "$b/logs/oracle-publish.log"; die "publishing the oracle failed"; }
"$python" "$top/tests/dotnet-windows/path_corpus.py" corpus "$b/corpus.tsv" || die "cannot write the corpus"
rm -f "$b/oracle.tsv"
env "$wine_net" wine "$b/oracle-win/PathOracle.exe" "$(winpath "$b/corpus.tsv")" "$(winpath "$b/oracle.tsv")" 'C:\Windows\System32' \
    >"$b/logs/oracle.log" 2>&1
rc=$?
grep '^oracle:' "$b/logs/oracle.log"
[ $rc -eq 0 ] && [ -s "$b/oracle.tsv" ] || { tail -20 "$b/logs/oracle.log"; die "the oracle did not run under Wine (exit $rc)"; }
# The library side of the comparison: a small program built against the public header and the Linux build.
${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$top/include" -I"$full/include" \
    -o "$b/explain_tool" "$top/tests/dotnet-windows/explain_tool.c" \
    -L"$full/lib/.libs" -ldropwatch -Wl,-rpath,"$full/lib/.libs" >"$b/logs/explain-tool.log" 2>&1 ||
    { cat "$b/logs/explain-tool.log"; die "building tests/dotnet-windows/explain_tool.c failed"; }
"$python" "$top/tests/dotnet-windows/path_corpus.py" compare "$b/corpus.tsv" "$b/oracle.tsv" \
    "$b/explain_tool" >"$b/logs/path-corpus.log" 2>&1
rc=$?
grep -E '^(rule|path corpus)' "$b/logs/path-corpus.log"
line=$(grep -E '^path corpus: [0-9]+ pairs, [0-9]+ checks passed, [0-9]+ failed' "$b/logs/path-corpus.log")
if [ -z "$line" ]; then
    echo "FAIL: the path corpus comparison reported nothing (exit $rc)"
    tail -20 "$b/logs/path-corpus.log"
    failed=$((failed + 1))
else
    pairs=$(echo "$line" | sed -E 's/path corpus: ([0-9]+) pairs.*/\1/')
    ok=$(echo "$line" | sed -E 's/.* ([0-9]+) checks passed.*/\1/')
    bad=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
    grep '^FAIL' "$b/logs/path-corpus.log" | head -20
    passed=$((passed + ok))
    failed=$((failed + bad))
    [ "$pairs" -ge 300 ] || { echo "FAIL: only $pairs corpus pairs (300 wanted)"; failed=$((failed + 1)); }
    [ $rc -eq 0 ] || [ "$bad" -gt 0 ] || { echo "FAIL: path corpus exited $rc"; failed=$((failed + 1)); }
fi

# ---- the PowerShell module: Publish-Module layout, and on Windows PowerShell 7.6 under Wine -------------
make -C "$full" psmodule DW_WIN_BUILDDIR="$w" >"$b/logs/psmodule.log" 2>&1 || { tail -30 "$b/logs/psmodule.log"; die "make psmodule failed"; }
mod="$full/bindings/powershell/publish/DropWatch"
pwsh=
for p in "${PWSH:-}" "$top/.tools/pwsh/pwsh" "$(command -v pwsh 2>/dev/null)"; do
    if [ -n "$p" ] && [ -x "$p" ]; then pwsh=$p; break; fi
done
[ -n "$pwsh" ] || die "pwsh not found (bindings/powershell/install-pwsh.sh installs it into .tools/pwsh)"
rm -rf "$b/psrepo"
mkdir -p "$b/psrepo"
repo="dwlocal$$"
"$pwsh" -NoLogo -NoProfile -NonInteractive -Command "\$ErrorActionPreference = 'Stop'
\$null = Test-ModuleManifest '$mod/DropWatch.psd1'
Register-PSResourceRepository -Name $repo -Uri '$b/psrepo' -Trusted -Force
try { Publish-PSResource -Path '$mod' -Repository $repo } finally { Unregister-PSResourceRepository -Name $repo }" \
    >"$b/logs/publish-module.log" 2>&1 || { tail -20 "$b/logs/publish-module.log"; die "publishing the module to a local repository failed"; }
published=$(unzip -Z1 "$b/psrepo/DropWatch.$version.nupkg" 2>/dev/null)
for f in DropWatch.psd1 DropWatch.psm1 DropWatch.format.ps1xml DropWatch.dll dropwatch_csharp.so libdropwatch.so.0 \
         dropwatch_csharp.dll libdropwatch-0.dll; do
    if printf '%s\n' "$published" | grep -qx "$f"; then passed=$((passed + 1)); else echo "FAIL: the published module lacks $f"; failed=$((failed + 1)); fi
done
echo "module: published to a local repository as DropWatch.$version.nupkg"
# PowerShell 7.6.9 for Windows: a host on Microsoft.PowerShell.SDK (tests/dotnet-windows/pwsh-host).
h="$b/pwsh-host"
rm -rf "$h" "$b/pwsh-host-win" "$b/drop-ps/Drop"
mkdir -p "$h" "$b/drop-ps/Drop"
cp "$top/tests/dotnet-windows/pwsh-host/PwshHost.csproj" "$top/tests/dotnet-windows/pwsh-host/Program.cs" "$h/"
(cd "$h" && dotnet publish -c Release -r win-x64 --self-contained true $dn -o "$b/pwsh-host-win") \
    >"$b/logs/pwsh-host-publish.log" 2>&1 || { tail -30 "$b/logs/pwsh-host-publish.log"; die "publishing the PowerShell host failed"; }
env "$wine_net" timeout 300 wine "$b/pwsh-host-win/PwshHost.exe" "$(winpath "$top/tests/dotnet-windows/module-windows.ps1")" \
    -Module "$(winpath "$mod/DropWatch.psd1")" -Drop "$(winpath "$b/drop-ps/Drop")" >"$b/logs/module-windows.log" 2>&1
tally "module (PowerShell for Windows under Wine)" "$b/logs/module-windows.log" $?

# ---- the xunit suite on both platforms ------------------------------------------------------------------
# Linux: tests/csharp/run-xunit.sh of the Linux build (make check ran it; run again when its log is missing).
xl="$full/tests/csharp/run-xunit.log"
if ! grep -q '^xunit: ' "$xl" 2>/dev/null; then
    make -C "$full" check TESTS=tests/csharp/run-xunit.sh >"$b/logs/xunit-linux-make.log" 2>&1
fi
line=$(grep '^xunit: ' "$xl" 2>/dev/null | tail -1)
if [ -z "$line" ]; then
    echo "FAIL: no xunit result on Linux ($xl)"
    failed=$((failed + 1))
else
    echo "xunit (linux-x64): ${line#xunit: }"
fi
# Windows: the same sources built with xunit.v3 (an executable), self-contained win-x64, under Wine.
# Left out, each for its reason:
#   IOClassifierTests.ErrnoClasses     Linux errno numbers (117 EUCLEAN, 122 EDQUOT, 112 EHOSTDOWN are
#                                      other errors or none in the Windows C runtime); check_win32 covers
#                                      the Windows classification from native codes
#   DropDirectoryTests.SymlinkIsRefused expects Linux ELOOP from a Unix symlink; check_win32 covers the
#                                      refused reparse point
x="$b/xunit"
rm -rf "$x" "$b/xunit-win" "$b/xunit-tmp"
mkdir -p "$x" "$b/xunit-tmp"
cp "$top/tests/dotnet-windows/xunit/DropWatch.WinTests.csproj" "$x/"
(cd "$x" && dotnet publish -c Release -r win-x64 --self-contained true $dn -p:DwTestSources="$top/tests/csharp/" \
    -p:DwAssemblyDir="$full/bindings/csharp/out/" -p:DwNativeWin="$full/bindings/csharp/win-x64/" \
    -o "$b/xunit-win") >"$b/logs/xunit-publish.log" 2>&1 ||
    { tail -30 "$b/logs/xunit-publish.log"; die "publishing the xunit suite for win-x64 failed"; }
env "$wine_net" DW_TEST_TMPDIR="$(winpath "$b/xunit-tmp")" timeout 900 wine "$b/xunit-win/DropWatch.Tests.exe" \
    -nomethod DropWatch.Tests.IOClassifierTests.ErrnoClasses \
    -nomethod DropWatch.Tests.DropDirectoryTests.SymlinkIsRefused \
    >"$b/logs/xunit-win.log" 2>&1
rc=$?
line=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$b/logs/xunit-win.log" | tail -1)
if [ -z "$line" ]; then
    echo "FAIL: xunit under Wine printed no summary (exit $rc)"
    tail -20 "$b/logs/xunit-win.log"
    failed=$((failed + 1))
else
    t=$(echo "$line" | sed -E 's/.*Total: ([0-9]+).*/\1/')
    e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
    f=$(echo "$line" | sed -E 's/.*Failed: ([0-9]+).*/\1/')
    sk=$(echo "$line" | sed -E 's/.*Skipped: ([0-9]+).*/\1/')
    echo "xunit (win-x64 under Wine): $((t - e - f - sk)) passed, $((e + f)) failed, $sk skipped (2 Linux-only tests left out)"
    grep -E '\[FAIL\]' "$b/logs/xunit-win.log" | head -20
    passed=$((passed + t - e - f - sk))
    failed=$((failed + e + f))
    [ $rc -eq 0 ] || [ $((e + f)) -gt 0 ] || { echo "FAIL: xunit under Wine exited $rc"; failed=$((failed + 1)); }
fi

summary
