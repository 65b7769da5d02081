#!/bin/sh
# Runs the envelope out-of-memory tests under libfiu's POSIX preload, which makes malloc, calloc and
# realloc fail on demand. A missing fiu-run is a hard error: configure only enables this test with libfiu.
prog="${top_builddir:-.}/tests/check_envelope_nomem"
if [ -z "$FIU_RUN" ]; then
    echo "envelope_nomem.sh: fiu-run not found (install fiu-utils)" >&2
    exit 99
fi
exec "$FIU_RUN" -x "$prog"
