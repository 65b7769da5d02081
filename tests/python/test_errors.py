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


# ---- a value of any length is quoted in a message with at most DW_QUOTE_MAX bytes (dw_quote) ------------

BIG = 100_000
MESSAGE_BOUND = 1024  # the quote (< 240 bytes) plus the library's fixed text


def _bounded(message, length):
    assert len(message.encode("utf-8", "surrogateescape")) < MESSAGE_BOUND, message[:300]
    assert f"...' ({length} bytes)" in message, message[:600]


def test_quote_bound_is_exported():
    assert dropwatch._native.DW_QUOTE_MAX == 200


def test_long_drop_path_message_bounded_filename_whole(tmp_path):
    big = os.fspath(tmp_path / ("a" * BIG))
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(big)
    e = ei.value
    # the data stays complete: the path as given, the errno and its text
    assert e.filename == big
    assert e.errno == errno.ENAMETOOLONG
    assert e.strerror == os.strerror(errno.ENAMETOOLONG)
    # the message quotes 200 bytes of what dw_io_error.path holds (DW_IO_PATH_MAX - 1 bytes)
    _bounded(str(e), dropwatch._native.DW_IO_PATH_MAX - 1)
    assert "open-dir failed on '" + big[:200] + "...'" in str(e)


def test_long_bytes_path_filename_stays_bytes_and_whole(tmp_path):
    big = os.fsencode(tmp_path) + b"/" + b"\xc3\xa9" * (BIG // 2)
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(big)
    assert ei.value.filename == big
    assert ei.value.errno == errno.ENAMETOOLONG
    _bounded(str(ei.value), dropwatch._native.DW_IO_PATH_MAX - 1)


def test_long_drop_directory_message_bounded_value_whole():
    name = "a/" + "b" * (BIG - 2)
    with pytest.raises(dropwatch.InvalidDropDirectoryError) as ei:
        dropwatch.check_drop_directory(name)
    _bounded(str(ei.value), BIG)
    assert ei.value.value == name
    assert ei.value.offset == 1
    with pytest.raises(dropwatch.InvalidDropDirectoryError) as ei:
        dropwatch.resolve_drop_path("C:\\x", name)
    _bounded(str(ei.value), BIG)
    assert str(ei.value).startswith("Invalid DropDirectory 'a/" + "b" * 198 + "...' (100000 bytes): ")
    assert ei.value.value == name


def test_multibyte_value_cut_at_a_character():
    name = "\u00e9" * (BIG // 2)  # two bytes each: 100 fit in 200 bytes
    with pytest.raises(dropwatch.InvalidDropDirectoryError) as ei:
        dropwatch.resolve_drop_path("C:\\x", name)
    assert str(ei.value).startswith("Invalid DropDirectory '" + "\u00e9" * 100 + "...' (100000 bytes): ")
    name = "a" + "\u20ac" * (BIG // 3)  # 1 + 3 * 66 = 199 bytes fit, the 67th euro sign would pass 200
    with pytest.raises(dropwatch.InvalidDropDirectoryError) as ei:
        dropwatch.resolve_drop_path("C:\\x", name)
    assert str(ei.value).startswith("Invalid DropDirectory 'a" + "\u20ac" * 66 + "...' (100000 bytes): ")


def test_escape_at_the_cut_is_never_split():
    root = "rel" + "r" * 194 + "\x01" + "r" * (BIG - 198)  # "\x01" escaped would end at byte 201
    with pytest.raises(dropwatch.InvalidRootError) as ei:
        dropwatch.resolve_drop_path(root, "Fax")
    assert str(ei.value).startswith("Invalid RootDropDirectoryPath 'rel" + "r" * 194 + "...' (100000 bytes): ")
    assert ei.value.value == root
    root = "rel" + "r" * 193 + "\x01" + "r" * (BIG - 197)  # ends at exactly 200: kept
    with pytest.raises(dropwatch.InvalidRootError) as ei:
        dropwatch.resolve_drop_path(root, "Fax")
    assert str(ei.value).startswith("Invalid RootDropDirectoryPath 'rel" + "r" * 193 + "\\x01...' (100000 bytes)")


def test_python_side_messages_bounded():
    with pytest.raises(dropwatch.QuotaParseError) as ei:
        dropwatch.parse_quota("x" * BIG)
    _bounded(str(ei.value), BIG)
    env = dropwatch.Envelope()
    with pytest.raises(dropwatch.EnvelopeError) as ei:
        env.set_sender("a@b\r" + "c" * BIG)
    _bounded(str(ei.value), BIG + 4)
    with pytest.raises(ValueError) as ei:
        dropwatch.resolve_drop_path("C:\\x", "Fax", exchange_version="v" * BIG)
    _bounded(str(ei.value), BIG)
    with pytest.raises(ValueError) as ei:
        dropwatch.resolve_drop_path("C:\\x", "Fax", style="s" * BIG)
    _bounded(str(ei.value), BIG)
