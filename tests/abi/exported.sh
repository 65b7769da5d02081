# SPDX-License-Identifier: MIT
# Sourced by the ABI and manual-page tests: prints the dynamic symbols the built libdropwatch exports,
# one "name@@NODE" per line, sorted. Reads the library libtool built (its dlname from lib/libdropwatch.la).
dw_exported_symbols() {
    la=$top_builddir/lib/libdropwatch.la
    dlname=$(sed -n "s/^dlname='\(.*\)'$/\1/p" "$la")
    so=$top_builddir/lib/.libs/$dlname
    [ -n "$dlname" ] && [ -f "$so" ] || { echo "no built library ($so)" >&2; return 1; }
    command -v nm >/dev/null 2>&1 || { echo "nm (binutils) missing" >&2; return 1; }
    nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^LIBDROPWATCH_/ {print $3}' | LC_ALL=C sort
}
