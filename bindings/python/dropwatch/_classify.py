# SPDX-License-Identifier: MIT
"""Classifying errno values and Win32 error codes into libdropwatch's failure classes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import _native
from ._errors import IO_ERRORS, DropIOError
from ._util import INT_MAX, INT_MIN, UINT32_MAX, integer, quote


@dataclass(frozen=True)
class ClassInfo:
    """Classification of one error code.

    ``name``: class name (``"physical"``, ``"logical"``, ``"transient"``, ``"capacity"``, ``"access"``,
    ``"configuration"``, ``"remote"``, or ``"none"`` for 0); ``description``; ``action``: what the operator
    should do; ``retryable``; ``known``: False when the code is not in the table and fell back to the
    conservative default (physical); ``code`` and ``code_name`` (``"ENOSPC"`` / ``"ERROR_DISK_FULL"`` or None);
    ``win32``: the (closest) Win32 code; ``exception``: the DropIOError subclass raised for this class
    (None for class "none").
    """

    name: str
    description: str
    action: str
    retryable: bool
    known: bool
    code: int
    code_name: Optional[str]
    win32: int
    exception: Optional[type[DropIOError]]


def _info(cls: int, known: bool, code: int, code_name: Optional[str], win32: int) -> ClassInfo:
    name = _native.dw_class_name(cls)
    return ClassInfo(
        name=name,
        description=_native.dw_class_str(cls),
        action=_native.dw_class_action(cls),
        retryable=bool(_native.dw_class_retryable(cls)),
        known=known,
        code=code,
        code_name=code_name,
        win32=win32,
        exception=IO_ERRORS.get(name),
    )


def classify_errno(errnum: int) -> ClassInfo:
    """Classify an errno value (e.g. ``errno.ENOSPC`` -> capacity). Unknown values are classified physical
    with ``known=False``; 0 gives class ``"none"``. ``errnum`` must fit a C int (else ValueError)."""
    n = integer(errnum, "errnum", INT_MIN, INT_MAX)
    return _info(
        _native.dw_class_from_errno(n),
        bool(_native.dw_errno_is_known(n)),
        n,
        _native.dw_errno_name(n),
        int(_native.dw_win32_from_errno(n)),
    )


def errno_from_name(name: str) -> int:
    """The errno value of a symbolic name, the inverse of ``classify_errno(n).code_name`` (``"ENOSPC"`` ->
    ``errno.ENOSPC``): exact and case-sensitive, names only (the library's dw_errno_from_name). Raises
    ValueError for anything else (``"eio"``, ``" EIO"``, ``"5"``, ``""``) and TypeError for a non-str."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    n = _native.dwb_errno_from_name(name)  # an embedded NUL is a ValueError (the typemap)
    if not n:
        raise ValueError(f"not an errno name: {quote(name)}")
    return int(n)


def win32_from_name(name: str) -> int:
    """The Win32 code of a symbolic name, the inverse of ``classify_win32(n).code_name``
    (``"ERROR_DISK_FULL"`` -> 112): exact and case-sensitive, names only (dw_win32_from_name). Raises
    ValueError for anything else and TypeError for a non-str."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    n = _native.dwb_win32_from_name(name)
    if not n:
        raise ValueError(f"not a Win32 error name: {quote(name)}")
    return int(n)


def classify_win32(code: int) -> ClassInfo:
    """Classify a Win32 error code (winerror.h, e.g. 112 ERROR_DISK_FULL -> capacity), as Exchange logs them.
    ``code`` must be between 0 and 2**32-1 (else ValueError)."""
    n = integer(code, "code", 0, UINT32_MAX)
    return _info(
        _native.dw_class_from_win32(n),
        bool(_native.dw_win32_is_known(n)),
        n,
        _native.dw_win32_name(n),
        n,
    )
