#!/bin/sh
# SPDX-License-Identifier: MIT
# no-aslr.sh COMMAND...: runs COMMAND without address-space randomisation where the kernel randomises mmap
# with more than 28 bits (vm.mmap_rnd_bits=32 on some kernels): there clang 14's TSan cannot map its shadow
# memory ("unexpected memory mapping") and gcc 12's ASan fails at random. setarch -R holds for COMMAND and
# everything it starts. Elsewhere COMMAND runs as it is. Used by tests/threads/tsan.sh and, for the
# sanitizer build's make check, by tools/test-all.sh.
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)" -gt 28 ] && command -v setarch >/dev/null 2>&1; then
    echo "no-aslr: vm.mmap_rnd_bits > 28: $1 runs under setarch -R" >&2
    exec setarch "$(uname -m)" -R "$@"
fi
exec "$@"
