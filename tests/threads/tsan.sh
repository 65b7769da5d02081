#!/bin/sh
# SPDX-License-Identifier: MIT
# ThreadSanitizer run of tests/threads/shared_drop.c: the program and the library sources (lib/*.c, as
# the fuzz targets do) compiled together with clang -fsanitize=thread, so the check covers the library's
# own synchronisation whatever compiler configured the tree. Any report fails the test (exit 66).
# Needs clang and its TSan runtime (libclang-rt-*-dev, listed in tools/deps.sh); skipped (77) without
# clang unless DW_REQUIRE_TSAN=1 (tools/test-all.sh sets it: CI never skips it).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "tsan: $CLANG not found"
    [ "${DW_REQUIRE_TSAN:-0}" = 1 ] && exit 1
    exit 77
fi
out=$top_builddir/tests/threads/shared_drop_tsan
srcs=
for f in "$top_srcdir"/lib/*.c; do
    case $f in *win32*) continue ;; esac
    srcs="$srcs $f"
done
# shellcheck disable=SC2086 # the source list is split on purpose
"$CLANG" -std=c11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer -DHAVE_CONFIG_H \
    -I"$top_builddir" -I"$top_srcdir/include" -I"$top_builddir/include" -I"$top_srcdir/lib" \
    $srcs "$top_srcdir/tests/threads/shared_drop.c" -o "$out" -lpthread || { echo "tsan: build failed"; exit 1; }
# no-aslr.sh: clang 14's TSan cannot map its shadow memory on kernels with vm.mmap_rnd_bits > 28.
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1${TSAN_OPTIONS:+ $TSAN_OPTIONS}" \
    sh "$top_srcdir/tests/no-aslr.sh" "$out"
rc=$?
rm -f "$out"
[ $rc -eq 0 ] && echo "tsan: no data race, no lock-order problem reported"
exit $rc
