# SPDX-License-Identifier: MIT
"""The dropwatch exception hierarchy and the one table that maps library results onto it.

Every exception derives from :class:`DropWatchError`. Classified I/O failures are also :class:`OSError`
subclasses (one per failure class) that additionally inherit the matching builtin where one fits, so
``except PermissionError`` or ``except FileNotFoundError`` catch them as they would catch the OS's own
errors. Invalid arguments raise :class:`ValueError` / :class:`TypeError` subclasses.
"""

from __future__ import annotations

from typing import Any, Optional

from . import _native


class DropWatchError(Exception):
    """Base class of every error raised by libdropwatch.

    ``status`` is the library's symbolic status name (``"DW_E_IO"``, ``"DW_E_NAME"``, ...).
    """

    status: str = "DW_E_UNKNOWN"


# ---- classified I/O failures ------------------------------------------------------------------------


class DropIOError(DropWatchError, OSError):
    """A classified I/O failure of the drop directory (the exception behind Event 8004).

    Standard :class:`OSError` attributes: ``errno`` (None when the failure has no errno, e.g. the
    DropDirectoryQuota), ``strerror`` and ``filename``. Added by libdropwatch:

    ``io_class``     failure class name: physical, logical, transient, capacity, access, configuration, remote
    ``operation``    the failing operation: open-dir, create, write, fsync, rename, dir-fsync, quota, ...
    ``retryable``    True when retrying (later, or after the operator's action) may succeed
    ``user_action``  what the operator should do
    ``win32``        the equivalent Win32 error code (0 when none)
    ``attempts``     how many attempts were made (transient retries included)
    ``detail``       extra detail from the library ("quota 1048576 bytes, used ...")
    ``outcome``      for guarded writes, one of three: "not-published" (nothing under a final name:
                     delivering again is safe) or "uncertain" (the message IS published as ``published``
                     but its durability is unknown: do not deliver it again); "none" for other calls
    ``published``    with outcome "uncertain": the final file name, else None
    ``left_behind``  a file whose removal (an undo) failed, else None: in the drop directory, a
                     temporary file in temp_dir when one is set
    ``left_errno``   why that removal failed (0 when none)
    """

    io_class: str = "physical"
    status = "DW_E_IO"

    def __init__(
        self,
        errno: Optional[int] = None,
        strerror: Optional[str] = None,
        filename: Any = None,
        *,
        operation: str = "none",
        retryable: Optional[bool] = None,
        user_action: Optional[str] = None,
        win32: int = 0,
        attempts: int = 0,
        detail: str = "",
        outcome: str = "none",
        published: Optional[str] = None,
        left_behind: Optional[str] = None,
        left_errno: int = 0,
    ) -> None:
        super().__init__(errno, strerror, filename)
        code = _CLASS_CODES[self.io_class]
        self.operation = operation
        self.retryable = bool(_native.dw_class_retryable(code)) if retryable is None else bool(retryable)
        self.user_action = _native.dw_class_action(code) if user_action is None else user_action
        self.win32 = win32
        self.attempts = attempts
        self.detail = detail
        self.outcome = outcome
        self.published = published or None
        self.left_behind = left_behind or None
        self.left_errno = left_errno

    @property
    def published_unsure(self) -> bool:
        """True when the message is published after all (durability unknown): never deliver it again."""
        return self.outcome == "uncertain"

    def __str__(self) -> str:
        # The library's one-line description (dw_io_error_describe), the same text every binding shows.
        err = _native.dw_io_error()
        io_error_to_struct(self, err)
        st, text = _native.dw_io_error_describe_alloc(err)
        text = text if st == _native.DW_OK and text else self.io_class
        return text if self.errno is None else f"[Errno {self.errno}] {text}"


class PhysicalDiskError(DropIOError):
    """The device or controller failed the request (EIO, ENXIO, ...). Not retryable: check the hardware."""

    io_class = "physical"


class LogicalDiskError(DropIOError):
    """File-system structure damaged or forced read-only (EUCLEAN, EROFS, ...). Run CHKDSK / fsck."""

    io_class = "logical"


class TransientIOError(DropIOError, TimeoutError):
    """Temporary contention (EINTR, EAGAIN, EBUSY, ...) that outlasted the library's bounded retries.

    Also a :class:`TimeoutError`: the library already retried with backoff and ran out of time/attempts.
    """

    io_class = "transient"


class CapacityError(DropIOError):
    """No room: disk full, user quota, file too large, or the connector's DropDirectoryQuota."""

    io_class = "capacity"


class DropAccessError(DropIOError, PermissionError):
    """The account may not write to the drop directory (EACCES, EPERM). Also a :class:`PermissionError`."""

    io_class = "access"


class DropConfigurationError(DropIOError, FileNotFoundError):
    """The drop directory is missing, not a directory, a refused symlink, or the setting is invalid.

    Also a :class:`FileNotFoundError`: the configured drop directory cannot be found as a usable directory
    (it is never created implicitly).
    """

    io_class = "configuration"


class RemoteIOError(DropIOError, ConnectionError):
    """The network file system holding the drop directory failed (ESTALE, ECONNRESET, ...)."""

    io_class = "remote"


#: The one table: library failure class -> exception. Order follows the C enum dw_class.
IO_ERRORS: dict[str, type[DropIOError]] = {
    "physical": PhysicalDiskError,
    "logical": LogicalDiskError,
    "transient": TransientIOError,
    "capacity": CapacityError,
    "access": DropAccessError,
    "configuration": DropConfigurationError,
    "remote": RemoteIOError,
}

_CLASS_CODES: dict[str, int] = {
    _native.dw_class_name(code): code for code in range(_native.DW_CLASS_COUNT)
}
_OP_CODES: dict[str, int] = {_native.dw_op_name(code): code for code in range(_native.DW_OP_COUNT)}


# ---- invalid values -----------------------------------------------------------------------------------


class InvalidArgumentError(DropWatchError, ValueError):
    """The library refused an argument value (DW_E_INVAL)."""

    status = "DW_E_INVAL"


class InvalidDropPathError(DropWatchError, ValueError):
    """A drop path could not be resolved.

    Attributes: ``reason`` (short name such as ``"separator"``), ``reason_code`` (the C dw_reason value),
    ``message`` (explanation), ``input`` (``"root"``, ``"drop_directory"`` or ``"result"``), ``offset`` (byte
    offset in that input, UTF-8), ``codepoint`` (offending code point or 0), ``value`` (the input) and
    ``path`` (the joined path when one was produced, else None).
    """

    status = "DW_E_ROOT"

    def __init__(
        self,
        message: str,
        *,
        reason: str = "ok",
        reason_code: int = 0,
        input: str = "none",
        offset: int = 0,
        codepoint: int = 0,
        value: Any = None,
        path: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.reason_code = reason_code
        self.input = input
        self.offset = offset
        self.codepoint = codepoint
        self.value = value
        self.path = path


class InvalidRootError(InvalidDropPathError):
    """RootDropDirectoryPath (or the install folder standing in for it) is invalid (DW_E_ROOT)."""

    status = "DW_E_ROOT"


class InvalidDropDirectoryError(InvalidDropPathError):
    """The DropDirectory value breaks a Windows naming rule (DW_E_NAME). Also a :class:`ValueError`."""

    status = "DW_E_NAME"


class DropPathTooLongError(InvalidDropPathError):
    """The joined path exceeds MAX_PATH or leaves no room for a file name (DW_E_TOOLONG).

    ``path`` still holds the joined path.
    """

    status = "DW_E_TOOLONG"


class QuotaParseError(DropWatchError, ValueError):
    """A DropDirectoryQuota text could not be parsed (DW_E_PARSE)."""

    status = "DW_E_PARSE"


class EnvelopeError(DropWatchError, ValueError):
    """An envelope address or parameter was refused (CR, LF, NUL or non-ASCII: no header injection)."""

    status = "DW_E_ENVELOPE"


class DropStateError(DropWatchError, RuntimeError):
    """A call out of sequence: the drop was closed, or the message already committed/aborted (DW_E_STATE)."""

    status = "DW_E_STATE"


class UnsupportedError(DropWatchError, NotImplementedError):
    """The feature is not available on this platform or build (DW_E_UNSUPPORTED)."""

    status = "DW_E_UNSUPPORTED"


#: Non-I/O statuses -> exception (DW_E_IO goes through IO_ERRORS, the path statuses through
#: InvalidDropPathError subclasses, DW_E_NOMEM to MemoryError).
STATUS_ERRORS: dict[int, type[Exception]] = {
    _native.DW_E_INVAL: InvalidArgumentError,
    _native.DW_E_ROOT: InvalidRootError,
    _native.DW_E_NAME: InvalidDropDirectoryError,
    _native.DW_E_TOOLONG: DropPathTooLongError,
    _native.DW_E_STATE: DropStateError,
    _native.DW_E_UNSUPPORTED: UnsupportedError,
    _native.DW_E_PARSE: QuotaParseError,
    _native.DW_E_ENVELOPE: EnvelopeError,
}


def _path_text(p: Any) -> Any:
    if p is None:
        return None
    if isinstance(p, (str, bytes)):
        return p.replace("\0", "\ufffd") if isinstance(p, str) else p.replace(b"\0", b"?")
    return str(p)


def io_error_to_struct(error: DropIOError, err: Any) -> None:
    """Fill a dw_io_error from an exception's fields (for the text, or for an alert about it)."""
    errnum = error.errno if isinstance(error.errno, int) and -(2**31) <= error.errno < 2**31 else 0
    _native.dwb_io_error_fill(err, _CLASS_CODES[error.io_class], _OP_CODES.get(error.operation, 0), errnum,
                              int(error.win32 or 0) & 0xFFFFFFFF, 1 if error.retryable else 0,
                              int(error.attempts or 0) & 0xFFFFFFFF, _path_text(error.filename),
                              _path_text(error.detail))
    _native.dwb_io_error_set_outcome(err, max(0, _native.dwb_enum_from_name(_native.DW_ENUM_OUTCOME, error.outcome)),
                                     _path_text(error.published), _path_text(error.left_behind),
                                     int(error.left_errno or 0))


def io_error_from_struct(err: Any, filename: Any = None) -> DropIOError:
    """Build the exception for a filled dw_io_error (``filename`` overrides the path, keeping its type)."""
    cls_name = _native.dw_class_name(err.io_class)
    exc_type = IO_ERRORS.get(cls_name, PhysicalDiskError)
    errnum = err.sys_errno or None
    if errnum is not None:
        st, text = _native.dw_errno_str_alloc(errnum)
        strerror = text if st == _native.DW_OK and text else f"error {errnum}"
    else:
        strerror = _native.dw_class_str(err.io_class)
    path = err.path
    if filename is not None and path:
        import os

        # err.path holds at most DW_IO_PATH_MAX - 1 bytes: the caller's own longer path is the data, whole
        # (only the message, dw_io_error_describe, is bounded).
        raw = os.fsencode(path)
        try:
            whole = os.fsencode(filename)
        except TypeError:
            whole = None
        if whole is not None and len(raw) >= _native.DW_IO_PATH_MAX - 1 and len(whole) > len(raw) \
                and whole.startswith(raw):
            path = os.fspath(filename)
        elif isinstance(filename, bytes):
            path = raw
    return exc_type(
        errnum,
        strerror,
        path or filename or None,
        operation=_native.dw_op_name(err.op),
        retryable=bool(err.retryable),
        user_action=_native.dw_class_action(err.io_class),
        win32=int(err.win32),
        attempts=int(err.attempts),
        detail=err.detail,
        outcome=_native.dw_outcome_name(err.outcome),
        published=err.published,
        left_behind=err.left_behind,
        left_errno=int(err.left_errno),
    )


def status_error(status: int, message: Optional[str] = None) -> Exception:
    """The exception for a non-I/O failure status."""
    if status == _native.DW_E_NOMEM:
        return MemoryError(message or _native.dw_status_str(status))
    exc_type = STATUS_ERRORS.get(status)
    text = message or _native.dw_status_str(status)
    if exc_type is None:
        err = DropWatchError(f"{text} ({_native.dw_status_name(status)})")
        err.status = _native.dw_status_name(status)
        return err
    return exc_type(text)


def check(status: int, err: Any = None, filename: Any = None, message: Optional[str] = None) -> None:
    """Raise for a failed status: DW_E_IO with its dw_io_error, anything else from STATUS_ERRORS."""
    if status == _native.DW_OK:
        return
    if status == _native.DW_E_IO and err is not None:
        raise io_error_from_struct(err, filename)
    detail = getattr(err, "detail", None) if err is not None else None
    if detail and message is None:
        # The library said why (e.g. which option to pass): keep it in the exception's text.
        message = f"{_native.dw_status_str(status)}: {detail}"
    exc = status_error(status, message)
    if detail:
        try:
            exc.detail = detail  # type: ignore[attr-defined]
        except AttributeError:
            pass
    raise exc
