#!/bin/sh
# SPDX-License-Identifier: MIT
# Install PowerShell 7.6 (as a .NET tool) and Pester into <repo>/.tools so the PowerShell tests run in a
# real pwsh. Idempotent: an existing install of the pinned versions is kept. Works against whatever NuGet
# source the machine's NuGet.Config names (an offline mirror included); nothing else is downloaded.
#
#   bash bindings/powershell/install-pwsh.sh [TOOLS_DIR]     (default: <repo>/.tools)
#
# Pins: PowerShell 7.6.x runs on .NET 10 (7.7 wants .NET 11); Pester 5.7.1.
set -eu

PWSH_VERSION=${PWSH_VERSION:-7.6.9}
PESTER_VERSION=${PESTER_VERSION:-5.7.1}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools=${1:-$repo/.tools}
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off

command -v dotnet >/dev/null 2>&1 || { echo "install-pwsh: dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }

# --- pwsh ---------------------------------------------------------------------------------------------
pwsh="$tools/pwsh/pwsh"
have=
if [ -x "$pwsh" ]; then
    have=$("$pwsh" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)
fi
if [ "$have" = "$PWSH_VERSION" ]; then
    echo "install-pwsh: pwsh $PWSH_VERSION already in $tools/pwsh"
else
    if [ -n "$have" ] || [ -d "$tools/pwsh" ]; then
        dotnet tool uninstall --tool-path "$tools/pwsh" PowerShell >/dev/null 2>&1 || true
    fi
    echo "install-pwsh: installing PowerShell $PWSH_VERSION into $tools/pwsh"
    dotnet tool install --tool-path "$tools/pwsh" PowerShell --version "$PWSH_VERSION"
    have=$("$pwsh" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()')
    [ "$have" = "$PWSH_VERSION" ] || { echo "install-pwsh: pwsh reports '$have', wanted $PWSH_VERSION" >&2; exit 1; }
fi

# --- Pester (a PackageDownload restore: no code is built, the package is only unpacked) ----------------
pester_psd1="$tools/packages/pester/$PESTER_VERSION/tools/Pester.psd1"
if [ -f "$pester_psd1" ]; then
    echo "install-pwsh: Pester $PESTER_VERSION already in $tools/packages"
else
    work="$tools/pester-restore"
    mkdir -p "$work"
    cat > "$work/PesterDownload.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <BaseIntermediateOutputPath>$work/obj/</BaseIntermediateOutputPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$PESTER_VERSION]" />
  </ItemGroup>
</Project>
PROJ
    echo "install-pwsh: fetching Pester $PESTER_VERSION into $tools/packages"
    dotnet restore "$work/PesterDownload.csproj" --packages "$tools/packages" --nologo -v q
    [ -f "$pester_psd1" ] || { echo "install-pwsh: $pester_psd1 missing after restore" >&2; exit 1; }
    rm -rf "$work"
fi

echo "install-pwsh: pwsh=$pwsh"
echo "install-pwsh: pester=$pester_psd1"
