#!/bin/bash
# SPDX-License-Identifier: MIT
# Stage: power loss and real file systems (doc/reliability.md, "Power loss").
#   1. on loop-mounted ext4 (with a journal), xfs and btrfs images, a tmpfs, and the build's own file
#      system: the SIGKILL crash suite (crash_test, sweep_age0) and the fault tests (check_guard with the
#      platform-seam faults, check_guard_fiu.sh with libfiu), run in a directory on that file system;
#   2. on each of them as the backing store: the power-loss workload on powerfs (durable: must lose
#      nothing) and its negative control (DW_DURABLE_NONE: must lose reported messages), plus one run with
#      RENAME_NOREPLACE refused (link + unlink fallback) on ext4.
# Needs root, /dev/fuse, loop devices, fusermount3, mkfs.{ext4,xfs,btrfs} and fiu-run: a missing one is a
# failure, never a skip. Every mount and loop device it made is removed on exit, failure included.
# DW_POWERLOSS_LONG=1 (make check-powerloss-long): DW_POWERLOSS_LONG_CUTS (default 1000) cuts per file
# system and a longer crash suite.
set -uo pipefail
top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DW_FULL_BUILD:-$top/_build/full}
jobs=${DW_JOBS:-2}
long=${DW_POWERLOSS_LONG:-0}
if [ "$long" = 1 ]; then
    cuts=${DW_POWERLOSS_LONG_CUTS:-1000} neg_cuts=100 norename_cuts=300 crash_seconds=60
else
    cuts=${DW_POWERLOSS_CUTS:-25} neg_cuts=8 norename_cuts=20 crash_seconds=8
fi
# The Check programs run here outside make check, which sets CK_DEFAULT_TIMEOUT; without it Check kills
# each test after 4 s, and durable writes on loop-mounted btrfs or xfs of a slow machine can take longer.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}
pass=0 fail=0
summary() { echo "powerloss: $pass passed, $fail failed"; }
die() {
    echo "powerloss: $*" >&2
    fail=$((fail + 1))
    summary
    exit 1
}

# ---- what it needs: fail loudly ------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "needs root (FUSE mounts, loop devices, mkfs)"
[ -c /dev/fuse ] || die "/dev/fuse is missing (modprobe fuse; in a container: --device /dev/fuse)"
[ -e /dev/loop-control ] || die "/dev/loop-control is missing (modprobe loop; in a container: --privileged)"
for t in fusermount3 losetup mkfs.ext4 mkfs.xfs mkfs.btrfs mount umount mountpoint findmnt fiu-run; do
    command -v "$t" >/dev/null 2>&1 || die "$t is missing (tools/deps.sh installs fuse3, util-linux, e2fsprogs, xfsprogs, btrfs-progs, fiu-utils)"
done
progs="tests/powerloss/powerfs tests/powerloss/powerloss_test tests/crash/crash_test tests/crash/sweep_age0 tests/check_guard tests/check_guard_fiu"
make -C "$build" -j"$jobs" $progs >/dev/null || die "building the test programs in $build failed (libfuse3-dev missing?)"
for p in $progs; do
    [ -x "$build/$p" ] || die "$build/$p was not built (configure found no fuse3?)"
done

work=$build/powerloss-work
loops=()
cleanup() {
    # FUSE mounts first (they may sit on the loop file systems), then the file systems, then the loops.
    findmnt -rn -o TARGET | grep "^$work/" | sort -r | while read -r m; do
        fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    for l in "${loops[@]}"; do
        losetup -d "$l" 2>/dev/null || true
    done
    # loop devices a killed earlier run left on our images
    for img in "$work"/*.img; do
        [ -e "$img" ] || continue
        losetup -j "$img" | cut -d: -f1 | while read -r l; do losetup -d "$l" 2>/dev/null || true; done
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup
mkdir -p "$work/logs"

# ---- the file systems ----------------------------------------------------------------------------------
fslist=()
add_loop_fs() { # name mkfs-command...
    local name=$1
    shift
    local img=$work/$name.img mnt=$work/$name
    truncate -s 512M "$img" || die "truncate $img"
    local dev
    dev=$(losetup -f --show "$img") || die "losetup $img failed (no free loop device?)"
    loops+=("$dev")
    "$@" "$dev" >"$work/logs/mkfs-$name.log" 2>&1 || { cat "$work/logs/mkfs-$name.log"; die "$* $dev failed"; }
    mkdir -p "$mnt"
    mount "$dev" "$mnt" || die "mount $dev ($name) failed"
    fslist+=("$name")
}
add_loop_fs ext4-journal mkfs.ext4 -q -F -O has_journal
add_loop_fs xfs mkfs.xfs -q -f
add_loop_fs btrfs mkfs.btrfs -q -f
mkdir -p "$work/tmpfs"
mount -t tmpfs -o size=512m tmpfs "$work/tmpfs" || die "mount tmpfs failed"
fslist+=(tmpfs)
mkdir -p "$work/build-fs"
fslist+=(build-fs)
describe() { findmnt -n --first-only -o FSTYPE,OPTIONS --target "$1"; }

# ---- runner --------------------------------------------------------------------------------------------
run() { # label dir command... (runs in dir with TMPDIR=dir; output in logs/label.log)
    local label=$1 dir=$2
    shift 2
    local log=$work/logs/$label.log
    if (cd "$dir" && TMPDIR=$dir "$@") >"$log" 2>&1; then
        pass=$((pass + 1))
        echo "PASS: $label"
    else
        fail=$((fail + 1))
        echo "FAIL: $label"
        tail -n 30 "$log"
    fi
    grep -h -E '^(crash|powerloss): [0-9]+ (rounds|cuts)|negative control|regression|^powerfs: |^[0-9]+%: Checks' "$log" | sed 's/^/    /'
}

for fs in "${fslist[@]}"; do
    dir=$work/$fs/t
    mkdir -p "$dir"
    echo "---- $fs ($(describe "$dir"))"
    run "$fs-crash" "$dir" env DW_CRASH_SECONDS="$crash_seconds" DW_CRASH_ROUNDS=100000 "$build/tests/crash/crash_test"
    run "$fs-sweep-age0" "$dir" "$build/tests/crash/sweep_age0"
    run "$fs-check-guard" "$dir" "$build/tests/check_guard"
    run "$fs-guard-fiu" "$dir" env top_builddir="$build" FIU_RUN="$(command -v fiu-run)" sh "$top/tests/check_guard_fiu.sh"
    run "$fs-powerloss" "$dir" bash "$top/tests/powerloss/run.sh" "$build" "$dir/pl" DW_POWERLOSS_CUTS="$cuts"
    run "$fs-powerloss-negative-control" "$dir" bash "$top/tests/powerloss/run.sh" "$build" "$dir/pl" \
        DW_POWERLOSS_CUTS="$neg_cuts" DW_POWERLOSS_DURABLE=0
    if [ "$fs" = ext4-journal ]; then
        run "$fs-powerloss-link-unlink" "$dir" bash "$top/tests/powerloss/run.sh" "$build" "$dir/pl" \
            DW_POWERLOSS_CUTS="$norename_cuts" POWERFS_NO_RENAME2=1
    fi
    rm -rf "$dir"
done

summary
[ "$fail" = 0 ]
