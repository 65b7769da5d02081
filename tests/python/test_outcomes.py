# SPDX-License-Identifier: MIT
"""The three outcomes of a guarded write (issue 17): durable, not published, and published with its
durability unknown, which must never be reported as "not published"."""

import errno
import os
import subprocess
import threading

import pytest

import dropwatch
from conftest import listing


def test_not_published_outcome(drop_dir):
    with dropwatch.Drop.open(drop_dir, inject={"op": "dir-fsync", "errno": errno.EIO, "count": 1}) as d:
        with pytest.raises(dropwatch.PhysicalDiskError) as ei:
            d.write(b"Subject: x\r\n\r\nbody\r\n")
    e = ei.value
    assert e.outcome == "not-published"
    assert e.published is None and e.left_behind is None and e.left_errno == 0
    assert not e.published_unsure
    assert listing(drop_dir) == ([], [], [])


def test_other_calls_have_no_outcome(tmp_path):
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(tmp_path / "missing")
    assert ei.value.outcome == "none"


def _ext4_remount_ro(tmp_path):
    """A loop-mounted ext4 with errors=remount-ro, or None when this machine cannot do it (not root)."""
    if os.geteuid() != 0:
        return None
    img, mnt = tmp_path / "ext4.img", tmp_path / "mnt"
    mnt.mkdir(parents=True)
    subprocess.run(["truncate", "-s", "32M", str(img)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(img)], check=True)
    loop = subprocess.run(["losetup", "-f", "--show", str(img)], check=True, capture_output=True,
                          text=True).stdout.strip()
    subprocess.run(["mount", "-o", "errors=remount-ro", loop, str(mnt)], check=True)
    return loop, mnt


def _release(loop, mnt):
    subprocess.run(["umount", str(mnt)], check=False)
    subprocess.run(["losetup", "-d", loop], check=False)


def test_uncertain_outcome_on_a_file_system_that_goes_read_only(tmp_path):
    """A real file-system error mid-stream (ext4 errors=remount-ro, trigger_fs_error): whatever step it hits,
    every *.eml left is one the caller was told about, as delivered or as published_unsure."""
    seen = set()
    for run in range(40):
        env = _ext4_remount_ro(tmp_path / str(run))
        if env is None:
            pytest.skip("needs root for a loop-mounted ext4")
        loop, mnt = env
        try:
            drop_dir = mnt / "Fax"
            drop_dir.mkdir()
            told, outcome = set(), None
            trigger = f"/sys/fs/ext4/{os.path.basename(loop)}/trigger_fs_error"
            with dropwatch.Drop.open(drop_dir) as d:
                for i in range(200):
                    if i == 3 + run % 7:
                        threading.Timer(0.0005 * (run % 5), lambda: open(trigger, "w").write("1")).start()
                    try:
                        told.add(d.write(b"Subject: %d\r\n\r\nbody\r\n" % i))
                    except dropwatch.DropIOError as e:
                        outcome = e.outcome
                        assert outcome in ("not-published", "uncertain"), outcome
                        if e.published_unsure:
                            assert e.published and (drop_dir / e.published).exists()
                            told.add(e.published)
                            assert "PUBLISHED as" in str(e)
                        break
            emls, _, _ = listing(drop_dir)
            assert set(emls) <= told, f"published but reported failed: {set(emls) - told}"
            if outcome:
                seen.add(outcome)
        finally:
            _release(loop, mnt)
        if "uncertain" in seen and "not-published" in seen:
            break
    assert "uncertain" in seen, f"40 runs never hit the directory sync ({seen})"


def test_retries_range_is_the_librarys(drop_dir):
    """Issue 17, failure 8: one range, checked once, with a message naming the option."""
    with pytest.raises(ValueError, match="retries"):
        dropwatch.Drop.open(drop_dir, retries=33)
    with dropwatch.Drop.open(drop_dir, retries=32):
        pass
    # every range is the library's (dw_drop_options_check), named in its message
    with pytest.raises(ValueError, match=r"retry_base_ms out of range \(0 to 60000\)"):
        dropwatch.Drop.open(drop_dir, retry_base_ms=60001)
    with pytest.raises(ValueError, match="file_mode"):
        dropwatch.Drop.open(drop_dir, file_mode=0o10000)


def test_held_ledger_lock_times_out_naming_the_holder(drop_dir):
    """Issue 17, failure 9: a lock held elsewhere (a real flock on the ledger) ends in a bounded wait."""
    import fcntl

    with dropwatch.Drop.open(drop_dir, quota="1 MB") as d:
        d.write(b"x")
    fd = os.open(drop_dir / ".dwquota", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with dropwatch.Drop.open(drop_dir, quota="1 MB", lock_timeout_ms=100) as d:
            with pytest.raises(dropwatch.TransientIOError) as ei:
                d.write(b"y")
        e = ei.value
        assert e.operation == "lock" and e.errno == errno.ETIMEDOUT
        assert f"held for more than 100 ms by process {os.getpid()}" in e.detail
        assert e.outcome == "not-published"
    finally:
        os.close(fd)
    with dropwatch.Drop.open(drop_dir, quota="1 MB", lock_timeout_ms=100) as d:
        d.write(b"z")
