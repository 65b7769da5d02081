#!/bin/sh
# SPDX-License-Identifier: MIT
# Every exported function has a manual page (doc/<name>.3, installed through doc/local.mk); every
# function a page's NAME section documents is exported; every page a page refers to ("name(3)", ".so")
# exists. The exported list comes from the built library, so future symbols are covered without edits.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/tests/abi/exported.sh"
syms=$(dw_exported_symbols | sed 's/@.*//') || exit 99
[ -n "$syms" ] || { echo "FAIL: no exported symbols found"; exit 1; }
doc=$top_srcdir/doc
fail=0 checks=0
for s in $syms; do
    checks=$((checks + 1))
    if [ ! -f "$doc/$s.3" ]; then
        echo "FAIL: exported $s has no manual page doc/$s.3"; fail=1
    elif ! grep -q "doc/$s\.3" "$doc/local.mk"; then
        echo "FAIL: doc/$s.3 is not installed (add it to doc/local.mk)"; fail=1
    fi
done
# Functions named in NAME sections (the line(s) between .SH NAME and the next request) are exported.
for page in "$doc"/*.3; do
    names=$(awk '/^\.SH NAME/{on=1; next} /^\./{on=0} on' "$page" | sed 's/\\-.*//' | tr ', ' '\n\n' |
            grep '^dw_[a-z0-9_]*$' || true)
    for n in $names; do
        checks=$((checks + 1))
        printf '%s\n' "$syms" | grep -qx "$n" ||
            { echo "FAIL: $(basename "$page") documents $n, which the library does not export"; fail=1; }
    done
done
# References to other pages: "name (3)" after .BR/.RB, "\fBname\fR(3)", ".so man3/name.3".
for page in "$doc"/*.1 "$doc"/*.3; do
    refs=$( { grep -oE '(dw_[a-z0-9_]+|libdropwatch)( |\\fR|\\fP)?\(3\)' "$page" | sed -E 's/( |\\fR|\\fP)?\(3\)$//'
              sed -n 's|^\.so man3/\(.*\)\.3$|\1|p' "$page"; } | sort -u)
    for r in $refs; do
        case $r in dw_*|libdropwatch) ;; *) continue ;; esac
        checks=$((checks + 1))
        [ -f "$doc/$r.3" ] || { echo "FAIL: $(basename "$page") refers to $r(3), which does not exist"; fail=1; }
    done
done
[ $fail = 0 ] && echo "man pages: $checks checks passed ($(printf '%s\n' "$syms" | wc -l) exported functions)"
exit $fail
