# SPDX-License-Identifier: MIT
"""Argument conversion shared by the dropwatch modules (private)."""

from __future__ import annotations

import os
import operator
from typing import Any, Union

from . import _native

#: Anything accepted as a file-system path: str, bytes or an os.PathLike.
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)


def quote(value: Any) -> str:
    """A caller's value quoted for an exception message by the library (dw_quote): at most DW_QUOTE_MAX
    (200) bytes of it, escaped, a cut marked ``...' (N bytes)``, so that a huge argument never makes a huge
    message. Keep the value itself in an attribute when it is data."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
    else:
        s = value if isinstance(value, str) else repr(value)
        try:
            raw = s.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that os.fsdecode() did not make: shown as its bytes
            raw = s.encode("utf-8", "surrogatepass")
    st, q = _native.dwpy_quote(raw)
    return q if st == _native.DW_OK and q is not None else "''"


def fspath(value: Any, what: str) -> str | bytes:
    """A str/bytes path from str, bytes or os.PathLike; TypeError for anything else."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{what} must be str, bytes or os.PathLike, not {type(value).__name__}")


def text(value: Any, what: str, *, allow_none: bool = True) -> str | bytes | None:
    """A str/bytes argument passed to C as UTF-8 (None allowed when allow_none)."""
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{what} must be str or bytes, not None")
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def integer(value: Any, what: str, lo: int, hi: int) -> int:
    """An int in [lo, hi]; bool and non-integers are TypeError, out of range is ValueError."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not bool")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None
    if n < lo or n > hi:
        raise ValueError(f"{what} must be between {lo} and {hi}, got {n}")
    return n


def seconds(value: Any, what: str) -> int:
    """Whole seconds (int, float or datetime.timedelta) in the range of a C unsigned."""
    import datetime

    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{what} must be finite")
        if value < 0:
            raise ValueError(f"{what} must not be negative, got {value}")
        value = int(value)
    return integer(value, what, 0, UINT32_MAX)


def enum_choices(kind: int) -> tuple[str, ...]:
    """The canonical names of a C enum, in declaration order (dw_enum_value / dw_enum_name)."""
    out = []
    i = 0
    while (v := _native.dwb_enum_value_at(kind, i)) >= 0:
        out.append(_native.dw_enum_name(kind, v))
        i += 1
    return tuple(out)


def enum_value(kind: int, value: Any, what: str) -> int:
    """The C value of an enum name (dw_enum_from_name: ASCII case ignored, C's aliases accepted)."""
    if isinstance(value, str) and (v := _native.dwb_enum_from_name(kind, value)) >= 0:
        return v
    names = ", ".join(repr(n) for n in enum_choices(kind))
    raise ValueError(f"{what} must be one of {names}, not {quote(value)}")


def enum_names(prefix: str) -> dict[int, str]:
    """Map the values of the C enum constants named prefix* to their lower-case suffixes."""
    out: dict[int, str] = {}
    for name in dir(_native):
        if name.startswith(prefix) and not name.endswith("_COUNT") and isinstance(getattr(_native, name), int):
            out.setdefault(getattr(_native, name), name[len(prefix):].lower())
    return out
