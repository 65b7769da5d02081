# SPDX-License-Identifier: MIT
"""classify_errno / classify_win32 and the class -> exception table."""

import errno

import pytest

import dropwatch
from dropwatch import _native

# One representative per class, from the I/O failure reference (errno, Win32).
CASES = [
    ("physical", errno.EIO, 1117, dropwatch.PhysicalDiskError, False),
    ("logical", errno.EROFS, 1392, dropwatch.LogicalDiskError, False),
    ("transient", errno.EAGAIN, 32, dropwatch.TransientIOError, True),
    ("capacity", errno.ENOSPC, 112, dropwatch.CapacityError, True),
    ("access", errno.EACCES, 5, dropwatch.DropAccessError, False),
    ("configuration", errno.ENOENT, 3, dropwatch.DropConfigurationError, False),
    ("remote", errno.ESTALE, 64, dropwatch.RemoteIOError, True),
]


@pytest.mark.parametrize("name, en, w32, exc, retryable", CASES)
def test_classify_errno(name, en, w32, exc, retryable):
    info = dropwatch.classify_errno(en)
    assert info.name == name
    assert info.exception is exc
    assert info.retryable is retryable
    assert info.known is True
    assert info.code == en
    assert info.code_name == errno.errorcode[en]
    assert info.description and info.action


@pytest.mark.parametrize("name, en, w32, exc, retryable", CASES)
def test_classify_win32(name, en, w32, exc, retryable):
    info = dropwatch.classify_win32(w32)
    assert info.name == name
    assert info.exception is exc
    assert info.known is True
    assert info.code_name.startswith("ERROR_")
    assert info.win32 == w32


def test_errno_maps_to_closest_win32():
    assert dropwatch.classify_errno(errno.ENOSPC).win32 == 112
    assert dropwatch.classify_errno(errno.EACCES).win32 == 5


def test_unknown_codes_fall_back_to_physical():
    info = dropwatch.classify_errno(4000)
    assert info.name == "physical" and info.known is False and info.code_name is None
    info = dropwatch.classify_win32(0xFFFFFFFF)
    assert info.name == "physical" and info.known is False
    info = dropwatch.classify_errno(-5)
    assert info.name == "physical" and info.known is False


def test_zero_is_no_failure():
    assert dropwatch.classify_errno(0).name == "none"
    assert dropwatch.classify_errno(0).exception is None
    assert dropwatch.classify_win32(0).name == "none"


@pytest.mark.parametrize("bad", [2**31, -(2**31) - 1, 2**200])
def test_errno_out_of_range(bad):
    with pytest.raises(ValueError):
        dropwatch.classify_errno(bad)


@pytest.mark.parametrize("bad", [-1, 2**32, 2**64])
def test_win32_out_of_range(bad):
    with pytest.raises(ValueError):
        dropwatch.classify_win32(bad)


@pytest.mark.parametrize("bad", ["28", 28.0, None, True])
def test_classify_type_errors(bad):
    with pytest.raises(TypeError):
        dropwatch.classify_errno(bad)
    with pytest.raises(TypeError):
        dropwatch.classify_win32(bad)


def test_exception_table_covers_every_c_class():
    names = {_native.dw_class_name(c) for c in range(1, _native.DW_CLASS_COUNT)}
    assert names == set(dropwatch.IO_ERRORS)
    for name, exc in dropwatch.IO_ERRORS.items():
        assert exc.io_class == name
        assert issubclass(exc, dropwatch.DropIOError)
        assert issubclass(exc, OSError) and issubclass(exc, dropwatch.DropWatchError)


def test_builtin_mixins():
    assert issubclass(dropwatch.DropAccessError, PermissionError)
    assert issubclass(dropwatch.DropConfigurationError, FileNotFoundError)
    assert issubclass(dropwatch.RemoteIOError, ConnectionError)
    assert issubclass(dropwatch.TransientIOError, TimeoutError)
    assert not issubclass(dropwatch.CapacityError, PermissionError)
    assert issubclass(dropwatch.InvalidDropDirectoryError, ValueError)
    assert issubclass(dropwatch.QuotaParseError, ValueError)
    assert issubclass(dropwatch.EnvelopeError, ValueError)
    assert issubclass(dropwatch.DropStateError, RuntimeError)


def test_names_back_to_values():
    """errno_from_name / win32_from_name invert the names classify_* report, for every name."""
    names = 0
    for n in range(1, 4096):
        name = dropwatch.classify_errno(n).code_name
        if name:
            assert dropwatch.errno_from_name(name) == n
            names += 1
    for n in range(1, 20000):
        name = dropwatch.classify_win32(n).code_name
        if name:
            assert dropwatch.win32_from_name(name) == n
            names += 1
    assert names > 50
    assert dropwatch.errno_from_name("ENOSPC") == errno.ENOSPC
    assert dropwatch.win32_from_name("ERROR_DISK_FULL") == 112


@pytest.mark.parametrize("bad", ["", "eio", "Eio", "EIO ", " EIO", "5", "ERROR_DISK_FULL", "EIO\0", "\udcff"])
def test_errno_from_name_refuses(bad):
    with pytest.raises(ValueError):
        dropwatch.errno_from_name(bad)


def test_from_name_refusal_quotes_a_bounded_name():
    big = "E" * 100_000
    for fn in (dropwatch.errno_from_name, dropwatch.win32_from_name):
        with pytest.raises(ValueError) as e:
            fn(big)
        assert len(str(e.value)) < 300, str(e.value)[:300]
        assert "...' (100000 bytes)" in str(e.value)
    with pytest.raises(ValueError, match="not an errno name: 'eio'"):
        dropwatch.errno_from_name("eio")


@pytest.mark.parametrize("bad", ["", "error_disk_full", "ERROR_DISK_FULL ", "112", "0x70", "ENOSPC", "ERROR_SUCCESS"])
def test_win32_from_name_refuses(bad):
    with pytest.raises(ValueError):
        dropwatch.win32_from_name(bad)


@pytest.mark.parametrize("bad", [None, 5, b"EIO"])
def test_from_name_type_errors(bad):
    with pytest.raises(TypeError):
        dropwatch.errno_from_name(bad)
    with pytest.raises(TypeError):
        dropwatch.win32_from_name(bad)
