#!/bin/sh
# SPDX-License-Identifier: MIT
# One persistent wineserver for $WINEPREFIX, for the Windows stages (20-windows, 25-dotnet-windows).
# Without it every wine process starts or reuses a server that exits 3 s after its last client, and a
# client arriving as it exits fails with "recvmsg: Connection reset by peer" (seen in test_check.sh
# under Wine after a slow Python check). `wineserver -p` starts nothing while a server runs and fails on
# a prefix that does not exist yet, so: create the prefix, wait for its server to go, then start ours.
# Stop it with `wineserver -k`. Exits non-zero with the reason on standard error.
set -u
[ -n "${WINEPREFIX:-}" ] || { echo "wine-server: WINEPREFIX is not set" >&2; exit 1; }
wine cmd /c exit >/dev/null 2>&1    # creates the prefix on the first run (about 15 s)
wineserver -w
wineserver -p || { echo "wine-server: wineserver -p failed for $WINEPREFIX (exit $?)" >&2; exit 1; }
