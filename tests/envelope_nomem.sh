#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the envelope out-of-memory tests under libfiu's POSIX preload, which makes malloc, calloc and
# realloc fail on demand. A missing fiu-run is a hard error: configure only enables this test with libfiu.
prog="${top_builddir:-.}/tests/check_envelope_nomem"
if [ -z "$FIU_RUN" ]; then
    echo "envelope_nomem.sh: fiu-run not found (install fiu-utils)" >&2
    exit 99
fi
# libfiu's preload wraps malloc ahead of the ASan runtime, which refuses to start that way: a sanitizer
# build leaves these cases to the normal build (as tests/check_guard_fiu.sh does).
if ldd "$prog" 2>/dev/null | grep -q 'libasan'; then
    echo "envelope_nomem.sh: built with AddressSanitizer, libfiu's preload cannot run in front of it; skipping" >&2
    exit 77
fi
exec "$FIU_RUN" -x "$prog"
