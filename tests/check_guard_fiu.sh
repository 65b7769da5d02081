#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the libfiu fault-injection tests of the guarded writes under libfiu's POSIX preload (fiu-run -x).
# Needs FIU_RUN (exported by the test harness from configure); skips (77) only when fiu-run is absent.
set -u
prog="${top_builddir:-.}/tests/check_guard_fiu"
if [ -z "${FIU_RUN:-}" ] || [ ! -x "$FIU_RUN" ]; then
    echo "fiu-run not found: skipping" >&2
    exit 77
fi
# libfiu's preload wraps malloc and runs before the ASan runtime can initialise (fiu-run replaces
# LD_PRELOAD, so the runtime cannot be put first): a sanitizer build runs these cases in the normal build.
if ldd "$prog" 2>/dev/null | grep -q 'libasan'; then
    echo "built with AddressSanitizer: libfiu's preload cannot run in front of it; skipping" >&2
    exit 77
fi
fail=0

# 1. The Check suite arms points itself (shared libfiu state with the preload). -f "" : no control FIFOs.
"$FIU_RUN" -x -f "" "$prog" || fail=1

# 2. Points armed from the command line, each around one guarded write: errno via failinfo.
single() {
    point=$1 errnum=$2 op=$3 class=$4
    out=$("$FIU_RUN" -x -f "" -c "enable name=$point,failnum=1,failinfo=$errnum" "$prog" --single "$op" "$class") || {
        echo "FAIL: $point errno $errnum: expected $op/$class, got: $out"
        fail=1
        return
    }
    echo "PASS: $point errno $errnum -> $out"
}
single posix/io/rw/write 28 write capacity        # ENOSPC
single posix/io/rw/write 5 write physical         # EIO
single posix/io/sync/fsync 5 fsync physical       # EIO on the temp file's fsync
single posix/io/sync/fsync 117 fsync logical      # EUCLEAN
single posix/io/oc/open 13 open-dir access        # EACCES opening the drop directory
single posix/io/oc/open 2 open-dir configuration  # ENOENT
exit $fail
