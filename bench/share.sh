#!/bin/bash
# SPDX-License-Identifier: MIT
# Section 8's share rows (issue 20): Drop.write() into a Samba share on 127.0.0.1, mounted through smbnetfs
# by tools/share-env.sh (the same setup as tools/test-all.d/30-share.sh), against the raw sequence on the
# same mount. Not part of the default `make bench` (it starts a server); run from the build tree:
#   ../../bench/share.sh [--md bench/results/latest.md --csv bench/results/latest.csv]
# Needs the Python binding (./configure --enable-python), smbd, smbnetfs, fusermount3.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${DW_BUILD:-$PWD}
PY=${PYTHON:-python3}
for tool in smbd smbnetfs fusermount3 "$PY"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "share.sh: missing $tool (tools/deps.sh)"; exit 2; }
done
. "$top/tools/share-env.sh"
trap cleanup EXIT
start_smbd || { echo "share.sh: smbd did not start on 127.0.0.1"; exit 2; }
mount_share
[ -d "$share" ] || { echo "share.sh: the share is not visible through smbnetfs"; exit 2; }
mkdir -p "$share/Bench"
PYTHONPATH="$build/bindings/python/inplace${PYTHONPATH:+:$PYTHONPATH}" \
LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$PY" "$top/bench/peers.py" --cli "$build/src/.libs/dropwatch" --share "$share/Bench" --share-only "$@"
