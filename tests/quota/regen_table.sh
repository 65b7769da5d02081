#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate tests/quota/bqs_table.tsv with the real .NET formatter (needs the dotnet SDK; the C tests
# read the committed table and never need dotnet). dotnet's outputs go under BUILDDIR/dotnet.
#   sh tests/quota/regen_table.sh [SRCDIR [BUILDDIR]]
srcdir=$(cd "${1:-.}" && pwd) || exit 1
mkdir -p "${2:-$srcdir/_build}" || exit 1
builddir=$(cd "${2:-$srcdir/_build}" && pwd) || exit 1
cd "$srcdir/tests/quota/gen" || exit 1
dotnet run -c Release -p:DwBuildRoot="$builddir/" > ../bqs_table.tsv.new || exit 1
mv ../bqs_table.tsv.new ../bqs_table.tsv
wc -l ../bqs_table.tsv
# The parse table: inputs and what Exchange's parse (exchange.md's rule over .NET's number parser) yields.
dotnet run -c Release -p:DwBuildRoot="$builddir/" -- parse > ../bqs_parse.tsv.new || exit 1
mv ../bqs_parse.tsv.new ../bqs_parse.tsv
wc -l ../bqs_parse.tsv
