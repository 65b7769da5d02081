#!/bin/sh
# SPDX-License-Identifier: MIT
# The dropwatch program is a client of the public API only (issue 21): its sources include no header of
# lib/ (only <dropwatch.h>, <dropwatch/*.h> and its own src/ headers), its build has no -I for lib/, and
# its object files call no internal dwi_* function and no dw_* symbol the library does not export
# (lib/libdropwatch.abi). A static build would link internals silently; this test does not let it.
. "${top_srcdir:-.}/tests/cli/lib.sh"

NM=${NM:-nm}
command -v "$NM" >/dev/null 2>&1 || { echo "FAIL: $NM missing (binutils)"; exit 1; }
src="$top_srcdir/src"

# Sources: quoted includes are files of src/; bracketed dropwatch headers exist in include/; no include
# names a header that lives in lib/.
lib_headers=$(cd "$top_srcdir/lib" && ls *.h)
for f in "$src"/*.c "$src"/*.h; do
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$f" >"$T/inc"
    while read -r inc; do
        checks=$((checks + 1))
        name=$(printf '%s' "$inc" | sed 's/^[<"]//; s/[>"]$//')
        case $inc in
        \"*) [ -f "$src/$name" ] || fail "$(basename "$f"): #include $inc is not a header of src/" ;;
        \<dropwatch.h\>) ;;
        \<dropwatch/*) [ -f "$top_srcdir/include/$name" ] || [ -f "$top_srcdir/include/$name.in" ] ||
            fail "$(basename "$f"): #include $inc is not a public header" ;;
        esac
        case $name in */lib/*|lib/*) fail "$(basename "$f"): #include $inc reaches into lib/" ;; esac
        for h in $lib_headers; do
            [ "$name" = "$h" ] && fail "$(basename "$f"): #include $inc names a header of lib/"
        done
    done <"$T/inc"
done

# Build: the program's preprocessor flags give no access to lib/.
checks=$((checks + 1))
if grep -E '^(AM_CPPFLAGS|src_dropwatch_CPPFLAGS)' "$top_srcdir/Makefile.am" "$src/local.mk" | grep -q '/lib\b'; then
    fail "the dropwatch program is compiled with -I for lib/"
fi

# Objects: every dw_* symbol they use is exported, and no dwi_* symbol is used.
set -- "$top_builddir"/src/dropwatch-*.o
[ -f "$1" ] || { echo "FAIL: no object files of src/dropwatch in $top_builddir/src"; exit 1; }
"$NM" -u "$@" | awk '{print $NF}' | sed 's/^_//; s/@.*//' | sort -u >"$T/undef"
sed 's/@.*//' "$top_srcdir/lib/libdropwatch.abi" | sort -u >"$T/exported"
checks=$((checks + 1))
grep -E '^dwi_' "$T/undef" >"$T/internal" && fail "the CLI calls internal functions: $(tr '\n' ' ' <"$T/internal")"
checks=$((checks + 1))
grep -E '^dw_' "$T/undef" | comm -23 - "$T/exported" >"$T/unexported"
[ -s "$T/unexported" ] && fail "the CLI uses dw_* symbols the library does not export: $(tr '\n' ' ' <"$T/unexported")"
checks=$((checks + 1))
grep -qx dw_enum_from_name "$T/undef" || fail "nm found no library call at all (is $NM reading the objects?)"

finish
