#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual pages render without groff warnings, and every .so link points at a page that exists.
# Skipped (77) where man/groff are not installed.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1 || { echo "man/groff missing: skipped"; exit 77; }
mkdir -p "$T/man/man1" "$T/man/man3"
cp "$top_srcdir"/doc/*.1 "$T/man/man1/"
cp "$top_srcdir"/doc/*.3 "$T/man/man3/"
cd "$T/man" || exit 99
for page in man1/*.1 man3/*.3; do
    checks=$((checks + 1))
    # .so requests resolve relative to the top of the man tree, as after make install.
    LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings=w -l "$page" >"$OUT" 2>"$ERR"
    [ -s "$ERR" ] && fail "$page renders with warnings"
    [ -s "$OUT" ] || fail "$page renders to nothing"
done
# Every page installed by doc/local.mk exists, and every page in doc/ is installed.
for page in "$top_srcdir"/doc/*.1 "$top_srcdir"/doc/*.3; do
    checks=$((checks + 1))
    grep -q "doc/$(basename "$page")" "$top_srcdir/doc/local.mk" || fail "$page not in doc/local.mk"
done
finish
