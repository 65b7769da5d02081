# SPDX-License-Identifier: MIT
"""Every exception class, raised from real failures, with its attributes."""

import errno
import os
import pickle
import subprocess
import sys
import textwrap

import pytest

import dropwatch
from conftest import assert_clean

# (errno injected, expected exception, expected io_class, retryable, builtin mixin)
INJECTED = [
    (errno.EIO, dropwatch.PhysicalDiskError, "physical", False, None),
    (errno.EROFS, dropwatch.LogicalDiskError, "logical", False, None),
    (errno.EBUSY, dropwatch.TransientIOError, "transient", True, TimeoutError),
    (errno.ENOSPC, dropwatch.CapacityError, "capacity", True, None),
    (errno.EACCES, dropwatch.DropAccessError, "access", False, PermissionError),
    (errno.ENOTDIR, dropwatch.DropConfigurationError, "configuration", False, FileNotFoundError),
    (errno.ECONNRESET, dropwatch.RemoteIOError, "remote", True, ConnectionError),
]

OPS = ["create", "write", "fsync", "rename", "dir-fsync"]


@pytest.mark.parametrize("en, exc, io_class, retryable, mixin", INJECTED)
@pytest.mark.parametrize("op", OPS)
def test_injected_failure_raises_classified_oserror(drop_dir, op, en, exc, io_class, retryable, mixin):
    inject = dropwatch.FaultInjection(op=op, errno=en, count=100)
    with dropwatch.Drop.open(drop_dir, inject=inject, retries=2, retry_base_ms=0, retry_cap_ms=0) as d:
        with pytest.raises(exc) as ei:
            d.write(b"Subject: x\r\n\r\nbody\r\n")
    e = ei.value
    assert type(e) is exc
    assert isinstance(e, OSError) and isinstance(e, dropwatch.DropIOError)
    if mixin is not None:
        assert isinstance(e, mixin)
    assert e.errno == en
    assert e.strerror == os.strerror(en)
    assert e.filename and os.fspath(drop_dir) in e.filename
    assert e.operation == op
    assert e.io_class == io_class
    assert e.retryable is retryable
    assert e.user_action == dropwatch.classify_errno(en).action
    assert e.win32 == dropwatch.classify_errno(en).win32
    assert e.attempts == (3 if io_class == "transient" and op not in ("fsync", "dir-fsync") else 1)
    assert isinstance(e.detail, str)
    assert e.status == "DW_E_IO"
    text = str(e)
    assert f"[Errno {en}]" in text and io_class in text and op in text
    # nothing is left under any name
    assert_clean(drop_dir, [])


def test_except_oserror_still_catches(drop_dir):
    with dropwatch.Drop.open(drop_dir, inject={"op": "write", "errno": errno.EIO, "count": 1}) as d:
        try:
            d.write(b"x")
        except OSError as e:  # the way existing code handles I/O errors
            assert e.errno == errno.EIO
        else:
            pytest.fail("no exception")


def test_transient_failure_is_retried_and_succeeds(drop_dir):
    inject = dropwatch.FaultInjection(op="write", errno=errno.EAGAIN, count=2)
    with dropwatch.Drop.open(drop_dir, inject=inject, retries=4, retry_base_ms=0) as d:
        name = d.write(b"retried")
    assert_clean(drop_dir, [name])
    assert (drop_dir / name).read_bytes() == b"retried"


def test_missing_directory_is_configuration_error(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(missing)
    e = ei.value
    assert isinstance(e, FileNotFoundError)
    assert e.errno == errno.ENOENT
    assert e.filename == os.fspath(missing)
    assert e.operation == "open-dir"
    assert e.io_class == "configuration"
    assert not missing.exists()  # never created implicitly


def test_bytes_path_gives_bytes_filename(tmp_path):
    missing = os.fsencode(tmp_path / "nope\xff".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape"))
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(missing)
    assert isinstance(ei.value.filename, bytes)
    assert ei.value.filename == missing


def test_file_instead_of_directory(tmp_path):
    f = tmp_path / "file"
    f.write_bytes(b"")
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(f)
    assert ei.value.errno == errno.ENOTDIR


def test_symlinked_drop_directory_is_refused(tmp_path, drop_dir):
    link = tmp_path / "link"
    link.symlink_to(drop_dir)
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(link)
    assert ei.value.errno in (errno.ELOOP, errno.ENOTDIR)  # O_NOFOLLOW|O_DIRECTORY reports either


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_directory_is_access_error(drop_dir):
    os.chmod(drop_dir, 0o500)
    try:
        with dropwatch.Drop.open(drop_dir) as d:
            with pytest.raises(dropwatch.DropAccessError) as ei:
                d.write(b"x")
        assert isinstance(ei.value, PermissionError)
    finally:
        os.chmod(drop_dir, 0o750)


def test_quota_exceeded_is_capacity_error_without_errno(drop_dir):
    with dropwatch.Drop.open(drop_dir, quota=100, quota_mode="strict") as d:
        d.write(b"a" * 60)
        with pytest.raises(dropwatch.CapacityError) as ei:
            d.write(b"b" * 60)
    e = ei.value
    assert e.errno is None
    assert e.operation == "quota"
    assert e.io_class == "capacity"
    assert e.retryable is True
    assert "quota" in e.detail
    assert e.strerror
    assert "Errno" not in str(e) and "quota" in str(e) and "capacity" in str(e)
    assert len(assert_clean(drop_dir)) == 1


def test_exception_pickles_with_attributes(drop_dir):
    with dropwatch.Drop.open(drop_dir, inject={"op": "fsync", "errno": errno.EIO, "count": 1}) as d:
        with pytest.raises(dropwatch.PhysicalDiskError) as ei:
            d.write(b"x")
    e2 = pickle.loads(pickle.dumps(ei.value))
    assert type(e2) is dropwatch.PhysicalDiskError
    assert (e2.errno, e2.filename, e2.operation, e2.io_class) == (errno.EIO, ei.value.filename, "fsync", "physical")


def test_exceptions_can_be_raised_by_callers():
    e = dropwatch.CapacityError(errno.ENOSPC, "disk full", "/drop", operation="write")
    assert e.errno == errno.ENOSPC and e.filename == "/drop" and e.operation == "write"
    assert e.retryable is True and "space" in e.user_action.lower()
    assert dropwatch.DropAccessError(errno.EACCES, "denied").retryable is False


def test_state_errors(drop_dir):
    d = dropwatch.Drop.open(drop_dir)
    m = d.message()
    m.write(b"x")
    m.commit()
    with pytest.raises(dropwatch.DropStateError):
        m.write(b"y")
    with pytest.raises(dropwatch.DropStateError):
        m.commit()
    m.abort()  # idempotent
    d.close()
    d.close()  # idempotent
    with pytest.raises(dropwatch.DropStateError):
        d.write(b"x")
    with pytest.raises(dropwatch.DropStateError):
        d.message()
    with pytest.raises(dropwatch.DropStateError):
        d.usage()
    with pytest.raises(dropwatch.DropStateError):
        with d:
            pass


FIU_SCRIPT = textwrap.dedent(
    """
    import sys, dropwatch
    try:
        with dropwatch.Drop.open(sys.argv[1]) as d:
            d.write(b"Subject: fiu\\r\\n\\r\\n")
    except dropwatch.PhysicalDiskError as e:
        print("raised", e.errno, e.operation, e.io_class)
    else:
        print("no error")
    """
)


def test_libfiu_fsync_failure(drop_dir):
    fiu_run = os.environ.get("FIU_RUN") or ""
    if not fiu_run or not os.path.exists(fiu_run):
        pytest.skip("fiu-run (fiu-utils) not available")
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        pytest.skip("fiu-run puts its preload before the ASan runtime (sanitizer build)")
    cmd = [fiu_run, "-x", "-f", "", "-c", "enable name=posix/io/sync/*,failinfo=%d" % errno.EIO,
           sys.executable, "-c", FIU_SCRIPT, os.fspath(drop_dir)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["raised", str(errno.EIO), "fsync", "physical"]
    assert_clean(drop_dir, [])


def test_quota_exchange_rule_writes_the_crossing_message(drop_dir):
    with dropwatch.Drop.open(drop_dir, quota=100) as d:
        d.write(b"a" * 60)
        d.write(b"b" * 60)  # 60 < 100 before it: written, as Exchange does
        with pytest.raises(dropwatch.CapacityError) as ei:
            d.write(b"c")
    assert "used 120" in ei.value.detail
    assert dropwatch.alert_event(ei.value)[0] == 8005
    with pytest.raises(ValueError):
        dropwatch.Drop.open(drop_dir, quota=100, quota_mode="never")
