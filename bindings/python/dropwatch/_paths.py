# SPDX-License-Identifier: MIT
"""Resolving and validating a Foreign connector's drop directory."""

from __future__ import annotations

import os

from dataclasses import dataclass
from typing import Literal, Any, NamedTuple, Optional, Union

from . import _native
from ._errors import (
    DropPathTooLongError,
    InvalidDropDirectoryError,
    InvalidDropPathError,
    InvalidRootError,
    _path_text,
    check,
)
from ._util import enum_choices, enum_names, enum_value, quote, text

_REASONS = enum_names("DW_REASON_")
_WARNINGS = {flag: name for flag, name in enum_names("DW_WARN_").items() if flag}


#: Path styles accepted by the resolver.
StyleArg = Literal["auto", "windows", "posix"]

def _reason_name(code: int) -> str:
    return _REASONS.get(code, "unknown")


# Reason texts are static in the library: look each up once.
_REASON_TEXT = {code: _native.dw_reason_str(code) for code in _REASONS}


# A NamedTuple rather than a frozen dataclass: validation is called in bulk, and a frozen dataclass's
# __init__ cost more than the C validator itself (issue 8's binding-overhead figure).
class NameCheck(NamedTuple):
    """Verdict of :func:`validate_drop_directory`. True in a boolean context when the value is valid.

    ``reason`` is a short name (``"ok"``, ``"separator"``, ``"reserved_name"``, ...), ``reason_code`` the C
    dw_reason value, ``message`` the explanation, ``offset`` the byte offset of the problem in the UTF-8
    value, ``index`` the same position as a character index when a str was given (else None),
    ``codepoint`` the offending code point (0 if none) and ``utf16_units`` the value's length in UTF-16
    code units (Windows' limit is 255).
    """

    value: Union[str, bytes]
    valid: bool
    reason: str
    reason_code: int
    message: str
    offset: int
    index: Optional[int]
    codepoint: int
    utf16_units: int

    def __bool__(self) -> bool:
        return self.valid


def validate_drop_directory(name: Union[str, bytes]) -> NameCheck:
    """Check a connector's DropDirectory value against every Windows naming rule.

    Exchange accepts only a simple directory name without path information. Returns a :class:`NameCheck`
    describing the first violation (or ``valid=True``); never raises for a bad value. ``name`` is a str
    or UTF-8 bytes (embedded NUL bytes and invalid UTF-8 are reported, not refused).
    """
    if isinstance(name, str):
        # surrogatepass keeps lone surrogates visible to the C validator, which reports them.
        raw = name.encode("utf-8", "surrogatepass")
    elif isinstance(name, (bytes, bytearray, memoryview)):
        raw = bytes(name)
    else:
        raise TypeError(f"name must be str or bytes, not {type(name).__name__}")
    chk = _native.dw_name_check()
    st = _native.dw_name_validate_n(raw, chk)
    if st not in (_native.DW_OK, _native.DW_E_NAME):
        check(st)
    offset = chk.offset
    reason = chk.reason
    index = None
    if isinstance(name, str):
        index = len(raw[:offset].decode("utf-8", "surrogatepass")) if offset else 0
    return NameCheck(
        name if isinstance(name, str) else raw,
        st == _native.DW_OK,
        _REASONS.get(reason, "unknown"),
        reason,
        _REASON_TEXT.get(reason) or _native.dw_reason_str(reason),
        offset,
        index,
        chk.codepoint,
        chk.utf16_units,
    )


def check_drop_directory(name: Union[str, bytes]) -> Union[str, bytes]:
    """Like :func:`validate_drop_directory` but raise :class:`InvalidDropDirectoryError` (a ValueError) when
    the value is invalid. Returns ``name`` unchanged when it is valid."""
    res = validate_drop_directory(name)
    if not res.valid:
        raise InvalidDropDirectoryError(
            f"invalid DropDirectory {quote(res.value)}: {res.message} (at offset {res.offset})",
            reason=res.reason,
            reason_code=res.reason_code,
            input="drop_directory",
            offset=res.offset,
            codepoint=res.codepoint,
            value=name,
        )
    return name


def _options(install_dir: Any, exchange_version: Any, style: Any) -> tuple[Any, int, int]:
    return (text(install_dir, "install_dir"), exchange_version_value(exchange_version),
            enum_value(_native.DW_ENUM_PATH_STYLE, style, "style"))


def exchange_version_value(version: Any) -> int:
    """The dw_exchange_version of 2007, 2010, 2013, 2016, 2019 or "SE" (as int or str; C owns the aliases)."""
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    if isinstance(version, str) and (v := _native.dwb_enum_from_name(_native.DW_ENUM_EXCHANGE_VERSION, version)) >= 0:
        return v
    names = ", ".join(enum_choices(_native.DW_ENUM_EXCHANGE_VERSION))
    raise ValueError(f"exchange_version must be one of {names} (or 2016, 2019, 'SE'), not {quote(version)}")


def _root_arg(root: Any) -> Any:
    return text(root, "root")


def _wants_bytes(*values: Any) -> bool:
    """bytes in, bytes out (as os.path does): any bytes or os.PathLike[bytes] input."""
    return any(isinstance(os.fspath(v) if isinstance(v, os.PathLike) else v, bytes) for v in values)


def _out(path: Optional[str], as_bytes: bool) -> Any:
    if path is None or not as_bytes:
        return path
    return path.encode("utf-8", "surrogateescape")


def _raise_resolve(st: int, info: Any, root: Any, drop_directory: Any, path: Optional[str]) -> None:
    reason = _reason_name(info.reason)
    where = (_native.dw_enum_name(_native.DW_ENUM_INPUT, info.input) or "none").replace("-", "_")
    dst, message = _native.dw_resolve_describe_alloc(st, _path_text(root), _path_text(drop_directory), info)
    if dst != _native.DW_OK:
        message = _native.dw_status_str(st)
    exc_type = {
        _native.DW_E_ROOT: InvalidRootError,
        _native.DW_E_NAME: InvalidDropDirectoryError,
        _native.DW_E_TOOLONG: DropPathTooLongError,
    }.get(st)
    if exc_type is None:
        check(st)
        exc_type = InvalidDropPathError
    raise exc_type(
        message,
        reason=reason,
        reason_code=int(info.reason),
        input=where,
        offset=int(info.offset),
        codepoint=int(info.codepoint),
        value=root if where == "root" else drop_directory,
        path=path if st == _native.DW_E_TOOLONG else None,
    )


def resolve_drop_path(
    root: Any,
    drop_directory: Union[str, bytes],
    *,
    install_dir: Any = None,
    exchange_version: Union[int, str] = 2007,
    style: StyleArg = "auto",
    machine_name: Optional[str] = None,
) -> Union[str, bytes]:
    """Strictly resolve a Foreign connector's drop directory: RootDropDirectoryPath joined with DropDirectory.

    ``root`` None or blank means the Exchange installation folder: ``install_dir`` when given, else the
    default folder of ``exchange_version`` (2007, 2010, 2013/2016/2019/"SE"). ``style`` is ``"auto"``
    (a root starting with "/" is POSIX, anything else Windows), ``"windows"`` or ``"posix"``. Both inputs
    are validated; problems raise :class:`InvalidRootError`, :class:`InvalidDropDirectoryError` or
    :class:`DropPathTooLongError` (all ValueError subclasses). ``machine_name`` (the Exchange server's
    name) sizes the room kept for the longest file name Exchange generates (None: the longest, 15
    characters). Returns the joined path: bytes when ``root`` or ``drop_directory`` is bytes (as
    :mod:`os.path` does), else str.
    """
    inst, ver, sty = _options(install_dir, exchange_version, style)
    r = _root_arg(root)
    d = text(drop_directory, "drop_directory", allow_none=False)
    info = _native.dw_resolve_info()
    st, path = _native.dwpy_path_resolve(r, d, inst, ver, sty, text(machine_name, "machine_name"), info)
    if st != _native.DW_OK:
        _raise_resolve(st, info, root, drop_directory, path)
    return _out(path, _wants_bytes(root, drop_directory))


@dataclass(frozen=True)
class ExplainWarning:
    """One way Exchange's real join differs from the strict one (``code`` such as ``"root_replaced"``)."""

    code: str
    flag: int
    message: str


@dataclass(frozen=True)
class Explanation:
    """Result of :func:`explain_drop_path`: where Exchange would really write, next to the strict result.

    ``exchange_path``: what Exchange's Path.Combine produces. ``strict_path``: :func:`resolve_drop_path`'s
    result, or None when strict resolution fails (``strict_error`` then holds the exception it raises).
    ``warnings``: every difference, each with an explanation. ``differs``: the two paths differ (or the
    strict resolution failed).
    """

    exchange_path: Union[str, bytes]
    strict_path: Union[str, bytes, None]
    strict_status: str
    strict_reason: str
    strict_error: Optional[Exception]
    warnings: tuple[ExplainWarning, ...]
    #: The event Exchange would log before writing anything: 8008 (empty DropDirectory), 8007 (a message
    #: path may exceed MAX_PATH), else 0.
    event: int = 0
    #: The 8007 estimate's numbers: Exchange's path and the longest file name for the machine, in UTF-16 units.
    exchange_units: int = 0
    longest_file_name: int = 0

    @property
    def differs(self) -> bool:
        return any(w.flag == _native.DW_WARN_DIFFERS for w in self.warnings)

    @property
    def warning_codes(self) -> frozenset[str]:
        return frozenset(w.code for w in self.warnings)


def explain_drop_path(
    root: Any,
    drop_directory: Union[str, bytes],
    *,
    install_dir: Any = None,
    exchange_version: Union[int, str] = 2007,
    style: StyleArg = "auto",
    machine_name: Optional[str] = None,
) -> Explanation:
    """Where would Exchange really write? Reproduce Exchange's own join (.NET Path.Combine: an absolute or
    rooted DropDirectory silently replaces the root; ``a\\b`` and ``..`` pass through) and compare it with the
    strict :func:`resolve_drop_path` result. Never raises for invalid values (they become warnings);
    arguments of the wrong type raise TypeError, unknown options ValueError.
    """
    inst, ver, sty = _options(install_dir, exchange_version, style)
    r = _root_arg(root)
    d = text(drop_directory, "drop_directory", allow_none=False)
    info = _native.dw_explain_info()
    st, xpath = _native.dwpy_path_explain(r, d, inst, ver, sty, text(machine_name, "machine_name"), info)
    check(st)
    warnings = tuple(
        ExplainWarning(code=name, flag=flag, message=_native.dw_explain_warning_str(flag))
        for flag, name in sorted(_WARNINGS.items())
        if info.warnings & flag
    )
    strict_path: Union[str, bytes, None] = None
    strict_error: Optional[Exception] = None
    try:
        strict_path = resolve_drop_path(
            root, drop_directory, install_dir=install_dir, exchange_version=exchange_version, style=style,
            machine_name=machine_name,
        )
    except InvalidDropPathError as exc:
        strict_error = exc
    return Explanation(
        exchange_path=_out(xpath, _wants_bytes(root, drop_directory)),
        strict_path=strict_path,
        strict_status=_native.dw_status_name(info.strict_status),
        strict_reason=_reason_name(info.strict_reason),
        strict_error=strict_error,
        warnings=warnings,
        event=int(info.event),
        exchange_units=int(info.exchange_units),
        longest_file_name=int(info.longest_file_name),
    )


def exchange_install_dir(exchange_version: Union[int, str] = 2007) -> str:
    """Default installation folder of an Exchange version (with its trailing backslash)."""
    _, ver, _ = _options(None, exchange_version, "auto")
    return _native.dw_exchange_install_dir(ver)


def is_reserved_name(name: Union[str, bytes]) -> bool:
    """Whether ``name`` is a Windows reserved device name (CON, NUL, COM1, LPT1, CONIN$, ...), with or
    without an extension, case-insensitively."""
    return bool(_native.dw_name_is_reserved(text(name, "name", allow_none=False)))
