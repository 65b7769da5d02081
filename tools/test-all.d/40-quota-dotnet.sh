#!/bin/sh
# SPDX-License-Identifier: MIT
# The ByteQuantifiedSize tables (tests/quota/bqs_table.tsv, bqs_parse.tsv) are generated with the real .NET
# runtime and committed, so `make check` compares libdropwatch with them without dotnet. This stage
# regenerates them into a scratch copy and fails when .NET's output differs from the committed tables
# (a changed generator or a .NET formatting change must be reviewed and committed).
set -u
top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v dotnet >/dev/null 2>&1 || { echo "quota-dotnet: dotnet missing"; echo "QUOTA-DOTNET: 0 passed, 1 failed"; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/dw-quota-dotnet.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/src/tests/quota" "$scratch/src/bindings/csharp"
cp -R "$top/tests/quota/gen" "$scratch/src/tests/quota/gen"
cp "$top/bindings/csharp/Directory.Build.props" "$scratch/src/bindings/csharp/"
cp "$top/tests/quota/regen_table.sh" "$scratch/src/tests/quota/"
passed=0 failed=0
if DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 sh "$scratch/src/tests/quota/regen_table.sh" "$scratch/src" "$scratch/build" >"$scratch/log" 2>&1; then
    for t in bqs_table.tsv bqs_parse.tsv; do
        if cmp -s "$scratch/src/tests/quota/$t" "$top/tests/quota/$t"; then
            passed=$((passed + 1))
        else
            echo "quota-dotnet: $t differs from what .NET prints now:"
            diff "$top/tests/quota/$t" "$scratch/src/tests/quota/$t" | head -20
            failed=$((failed + 1))
        fi
    done
else
    cat "$scratch/log"
    failed=$((failed + 1))
fi
echo "QUOTA-DOTNET: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
