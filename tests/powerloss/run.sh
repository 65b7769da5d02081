#!/bin/bash
# SPDX-License-Identifier: MIT
# Mount powerfs over a fresh backing directory under BASE, run the power-loss workload on it, unmount.
#   tests/powerloss/run.sh BUILD_DIR BASE [VAR=value ...]
# BASE is a scratch directory on the file system under test (its backing/ and store/ are created there);
# VAR=value pairs go to tests/powerloss/powerloss_test (DW_POWERLOSS_CUTS, _DURABLE, _MODELS, ...), and
# POWERFS_NO_RENAME2=1 makes powerfs refuse RENAME_NOREPLACE (the library falls back to link + unlink).
# The mount is removed on any exit.
set -euo pipefail
build=$1 base=$2
shift 2
fs=$build/tests/powerloss/powerfs
prog=$build/tests/powerloss/powerloss_test
for f in "$fs" "$prog"; do
    [ -x "$f" ] || { echo "run.sh: $f is not built (make -C $build check needs libfuse3-dev)" >&2; exit 1; }
done
mkdir -p "$base"
base=$(cd "$base" && pwd)
rm -rf "$base/backing" "$base/store" "$base/mnt"
mkdir -p "$base/backing" "$base/store" "$base/mnt"
pid=
cleanup() {
    if mountpoint -q "$base/mnt"; then fusermount3 -u "$base/mnt" 2>/dev/null || umount -l "$base/mnt" || true; fi
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$base/backing" "$base/store" "$base/mnt"
}
trap cleanup EXIT
env "$@" "$fs" "$base/backing" "$base/store" "$base/mnt" >"$base/powerfs.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    mountpoint -q "$base/mnt" && break
    kill -0 "$pid" 2>/dev/null || { cat "$base/powerfs.log" >&2; echo "run.sh: powerfs did not start" >&2; exit 1; }
    sleep 0.05
done
mountpoint -q "$base/mnt" || { echo "run.sh: powerfs did not mount" >&2; exit 1; }
rc=0
env "$@" DW_POWERLOSS_MNT="$base/mnt" "$prog" || rc=$?
[ -f "$base/store/status" ] && echo "powerfs: $(cat "$base/store/status")"
if ! kill -0 "$pid" 2>/dev/null; then
    echo "run.sh: powerfs died:" >&2
    cat "$base/powerfs.log" >&2
    rc=1
fi
exit $rc
