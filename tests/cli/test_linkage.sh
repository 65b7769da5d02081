#!/bin/sh
# SPDX-License-Identifier: MIT
# How the dropwatch program is linked, as configure chose (DW_EXPECT_STATIC_PIE from the harness): by
# default a static PIE (no dynamic loader, no shared objects needed, still position independent, so
# address-space randomisation stays), with src/dropwatch-shared-libc beside it for valgrind and the
# benchmark; with --disable-static-libc (or a toolchain that cannot, e.g. a sanitizer build) a program that
# loads the shared C library. Both copies must behave the same.
. "${top_srcdir:-.}/tests/cli/lib.sh"

READELF=${READELF:-readelf}
command -v "$READELF" >/dev/null 2>&1 || { echo "FAIL: $READELF missing (binutils)"; exit 1; }
[ -n "${DW_EXPECT_STATIC_PIE:-}" ] || { echo "FAIL: DW_EXPECT_STATIC_PIE not set (run through make check)"; exit 1; }
bin=$(cli_program)
shared="$top_builddir/src/dropwatch-shared-libc"
[ "$(od -An -c -N4 "$bin" 2>/dev/null | tr -d ' ')" = '177ELF' ] ||
    { echo "FAIL: no dropwatch program built in $top_builddir/src"; exit 1; }

elf_type() { "$READELF" -hW "$1" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p'; }
needed() { "$READELF" -dW "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }

if [ "$DW_EXPECT_STATIC_PIE" = 1 ]; then
    # A static glibc cannot load its NSS, iconv or locale modules safely (they must match the installed
    # glibc): neither the program's objects nor the library's may call the functions that need them.
    NM=${NM:-nm}
    command -v "$NM" >/dev/null 2>&1 || { echo "FAIL: $NM missing (binutils)"; exit 1; }
    checks=$((checks + 1))
    "$NM" -u "$top_builddir"/src/dropwatch-*.o "$top_builddir"/lib/.libs/libdropwatch_core.a 2>/dev/null |
        awk '{print $NF}' | sort -u >"$T/undef"
    grep -q '^dw_' "$T/undef" || grep -q '^fsync$' "$T/undef" || fail "nm found no undefined symbol at all"
    bad=$(grep -E '^(getpw|getgr|getspnam|getlogin|gethostby|getaddrinfo|getnameinfo|getservby|getprotoby|dlopen|dlsym|iconv_open|setlocale|newlocale|nl_langinfo|bindtextdomain|initgroups|getgrouplist)' "$T/undef" | tr '\n' ' ')
    [ -z "$bad" ] || fail "a static PIE calls what needs glibc's shared modules at run time: $bad (configure --disable-static-libc, or avoid them)"
    checks=$((checks + 1))
    has_interp "$bin" && fail "src/dropwatch asks for a dynamic loader; configure chose a static PIE"
    checks=$((checks + 1))
    [ "$(elf_type "$bin")" = DYN ] || fail "src/dropwatch is not position independent (ELF type $(elf_type "$bin"))"
    checks=$((checks + 1))
    [ -z "$(needed "$bin")" ] || fail "src/dropwatch needs shared objects: $(needed "$bin")"
    checks=$((checks + 1))
    [ -x "$shared" ] || fail "src/dropwatch-shared-libc was not built"
    checks=$((checks + 1))
    has_interp "$shared" || fail "src/dropwatch-shared-libc does not load the shared C library"
    # The same objects: the same answers, byte for byte, on success and on refusal.
    for args in "--version" "resolve --root /srv --drop-dir Fax" "--format json validate Fax .. CON" \
        "--format xml alert --errno EIO --connector X --host HUB01" "deliver --root $T/none --drop-dir Fax"; do
        checks=$((checks + 1))
        # shellcheck disable=SC2086 # the argument lists are split on purpose
        "$bin" $args >"$T/a.out" 2>"$T/a.err" </dev/null; a=$?
        # shellcheck disable=SC2086
        "$shared" $args >"$T/b.out" 2>"$T/b.err" </dev/null; b=$?
        for f in a.out a.err b.out b.err; do # the alert records carry the time of day
            sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*Z/TIME/g' "$T/$f" >"$T/$f.cmp"
        done
        [ "$a" = "$b" ] && cmp -s "$T/a.out.cmp" "$T/b.out.cmp" && cmp -s "$T/a.err.cmp" "$T/b.err.cmp" ||
            fail "'$args': the static PIE (status $a) and the shared-libc copy (status $b) answer differently"
    done
else
    checks=$((checks + 1))
    has_interp "$bin" || fail "src/dropwatch is static although configure chose the shared C library"
    checks=$((checks + 1))
    case " $(needed "$bin") " in *" libc.so."*) ;; *) fail "src/dropwatch does not need libc.so: $(needed "$bin")" ;; esac
    checks=$((checks + 1))
    [ ! -e "$shared" ] || fail "src/dropwatch-shared-libc built although the program itself is the shared one"
fi
run --version
[ "$rc" = 0 ] || fail "--version: status $rc"
finish
