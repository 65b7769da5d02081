# SPDX-License-Identifier: MIT
"""Guarded writes into a drop directory: Drop, Message, Envelope, quotas and the health probe."""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Literal, Mapping, Optional, Union

from . import _native
from ._errors import (
    DropStateError,
    DropWatchError,
    EnvelopeError,
    QuotaParseError,
    check,
    io_error_from_struct,
)
from ._util import UINT32_MAX, UINT64_MAX, PathArg, enum_value, fspath, integer, quote, seconds, text

_OPS = {name: code for code, name in ((c, _native.dw_op_name(c)) for c in range(_native.DW_OP_COUNT))}
_CHUNK = 1 << 16

#: Default age in seconds after which a temporary file counts as stale (health, sweep), the library's.
STALE_AGE_DEFAULT_SECONDS: int = int(_native.DW_STALE_AGE_DEFAULT_SECONDS)

QuotaArg = Union[None, int, str]
#: Message content: bytes-like only. A str is refused (is it text or a file name?): encode text, and pass
#: a file as an os.PathLike or to Drop.write_file().
Content = Union[bytes, bytearray, memoryview]
NamingArg = Literal["unique", "exchange"]
PriorityArg = Literal["normal", "high", "low"]
EohArg = Literal["mime-length", "header-length"]
OpArg = Literal[
    "none", "open-dir", "create", "write", "read", "fsync", "close", "rename", "dir-fsync", "quota", "unlink",
    "scan", "stat", "mkdir", "lock", "validate", "resolve",
]


# ---- quotas ---------------------------------------------------------------------------------------------


def parse_quota(text_value: Union[str, bytes]) -> Optional[int]:
    """Parse a DropDirectoryQuota as Exchange writes it: ``"unlimited"`` (returns None), bare bytes
    (``"1048576"``), a B/KB/MB/GB/TB suffix with binary multiples (``"10MB"``, ``"1.5 GB"``) or the
    Get-ForeignConnector form ``"10 MB (10,485,760 bytes)"``. Raises :class:`QuotaParseError` (a
    ValueError) for anything else, including zero and negative values."""
    t = text(text_value, "quota", allow_none=False)
    st, n = _native.dw_quota_parse(t)
    if st == _native.DW_E_PARSE or st == _native.DW_E_INVAL:
        raise QuotaParseError(f"invalid DropDirectoryQuota {quote(text_value)}")
    check(st)
    return None if n == 0 else int(n)


def format_quota(quota: Optional[int]) -> str:
    """Format a quota in bytes the way Get-ForeignConnector prints it: ``"10 MB (10,485,760 bytes)"``;
    None (or 0) gives ``"unlimited"``."""
    n = 0 if quota is None else integer(quota, "quota", 0, UINT64_MAX)
    st, s = _native.dw_quota_format_alloc(n)
    check(st)
    return s


def _quota_bytes(quota: QuotaArg) -> int:
    if quota is None:
        return 0
    if isinstance(quota, (str, bytes)):
        n = parse_quota(quota)
        return 0 if n is None else n
    return integer(quota, "quota", 1, UINT64_MAX)


# ---- envelope -------------------------------------------------------------------------------------------


class Envelope:
    """The X-Sender / X-Receiver envelope a foreign gateway expects before the MIME message.

    ``Envelope("a@example.com", ["b@example.com", ("c@example.com", "NOTIFY=NEVER")])``. Addresses and
    parameters must be printable ASCII without CR, LF or NUL: anything else raises :class:`EnvelopeError`,
    so header injection is impossible. ``eoh`` chooses what X-EndOfInjectedXHeaders holds:
    ``"mime-length"`` (what Exchange's code writes; default) or ``"header-length"`` (what the documentation
    says).
    """

    def __init__(
        self,
        sender: Optional[str] = None,
        recipients: Iterable[Union[str, tuple[str, Optional[str]]]] = (),
        *,
        sender_params: Optional[str] = None,
        eoh: EohArg = "mime-length",
    ) -> None:
        st, handle = _native.dw_envelope_new()
        check(st)
        self._handle = handle
        self._sender: Optional[tuple[str, Optional[str]]] = None
        self._recipients: list[tuple[str, Optional[str]]] = []
        self._eoh = "mime-length"
        if eoh != "mime-length":
            self.eoh = eoh
        if sender is not None:
            self.set_sender(sender, sender_params)
        if isinstance(recipients, (str, bytes)):
            recipients = [recipients]
        for r in recipients:
            if isinstance(r, tuple):
                self.add_recipient(*r)
            else:
                self.add_recipient(r)

    @staticmethod
    def _field(value: Any, what: str, allow_none: bool) -> Any:
        v = text(value, what, allow_none=allow_none)
        if v is not None and ("\0" in v if isinstance(v, str) else b"\0" in v):
            raise EnvelopeError(f"{what} contains a NUL character")
        return v

    def _check(self, st: int, what: str, value: Any) -> None:
        if st == _native.DW_E_ENVELOPE:
            raise EnvelopeError(f"{what} {quote(value)} refused: only printable ASCII without CR, LF or NUL is allowed")
        check(st)

    def set_sender(self, address: str, params: Optional[str] = None) -> None:
        """Set X-Sender (with optional MAIL FROM parameters)."""
        a = self._field(address, "sender address", False)
        p = self._field(params, "sender parameters", True)
        self._check(_native.dw_envelope_set_sender(self._live(), a, p), "sender", address if params is None else (address, params))
        self._sender = (address, params)

    def add_recipient(self, address: str, params: Optional[str] = None) -> None:
        """Add one X-Receiver (with optional RCPT TO parameters)."""
        a = self._field(address, "recipient address", False)
        p = self._field(params, "recipient parameters", True)
        self._check(_native.dw_envelope_add_recipient(self._live(), a, p), "recipient", address if params is None else (address, params))
        self._recipients.append((address, params))

    @property
    def sender(self) -> Optional[tuple[str, Optional[str]]]:
        return self._sender

    @property
    def recipients(self) -> tuple[tuple[str, Optional[str]], ...]:
        return tuple(self._recipients)

    @property
    def eoh(self) -> EohArg:
        """What X-EndOfInjectedXHeaders holds: ``"mime-length"`` or ``"header-length"``."""
        return self._eoh

    @eoh.setter
    def eoh(self, mode: EohArg) -> None:
        v = enum_value(_native.DW_ENUM_EOH_MODE, mode, "eoh")
        check(_native.dw_envelope_set_eoh_mode(self._live(), v))
        self._eoh = _native.dw_enum_name(_native.DW_ENUM_EOH_MODE, v)

    def format(self, mime_length: int) -> bytes:
        """The injected header block (CRLF line ends) for a MIME message of ``mime_length`` bytes."""
        n = integer(mime_length, "mime_length", 0, UINT64_MAX)
        st, data = _native.dwpy_envelope_format(self._live(), n)
        if st == _native.DW_E_ENVELOPE:
            raise EnvelopeError("an envelope needs a sender and at least one recipient")
        check(st)
        return data

    def _live(self) -> Any:
        if self._handle is None:
            raise DropStateError("the envelope was closed")
        return self._handle

    def close(self) -> None:
        """Free the native envelope (also done when the object is garbage collected). A streamed message
        does not need it after it started: the library writes the envelope then."""
        h, self._handle = self._handle, None
        if h is not None:
            _native.dw_envelope_free(h)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"Envelope(sender={self._sender!r}, recipients={self._recipients!r}, eoh={self._eoh!r})"


# ---- options ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultInjection:
    """Fault injection for tests (per Drop handle, no global state).

    The next ``count`` calls of operation ``op`` (``"create"``, ``"write"``, ``"fsync"``, ``"rename"``,
    ``"dir-fsync"``, ``"open-dir"``, ...) fail with ``errno``; ``short_write`` > 0 makes every write
    transfer at most that many bytes per call.
    """

    op: OpArg = "none"
    errno: int = 0
    count: int = 1
    short_write: int = 0




def _drop_options(
    quota: QuotaArg,
    durable: bool,
    naming: str,
    retries: Optional[int],
    retry_base_ms: Optional[int],
    retry_cap_ms: Optional[int],
    file_mode: Optional[int],
    lock_timeout_ms: Optional[int] = None,
    quota_mode: str = "exchange",
) -> Any:
    o = _native.dw_drop_options()
    _native.dw_drop_options_init(o)
    o.quota_bytes = _quota_bytes(quota)
    o.quota_mode = enum_value(_native.DW_ENUM_QUOTA_MODE, quota_mode, "quota_mode")
    if not isinstance(durable, bool):
        raise TypeError("durable must be True or False")
    o.durability = _native.DW_DURABLE_FULL if durable else _native.DW_DURABLE_NONE
    o.naming = enum_value(_native.DW_ENUM_NAMING, naming, "naming")
    if retries is not None:
        o.retry_max = integer(retries, "retries", 0, UINT32_MAX)
    if retry_base_ms is not None:
        o.retry_base_ms = integer(retry_base_ms, "retry_base_ms", 0, UINT32_MAX)
    if retry_cap_ms is not None:
        o.retry_cap_ms = integer(retry_cap_ms, "retry_cap_ms", 0, UINT32_MAX)
    if file_mode is not None:
        o.file_mode = integer(file_mode, "file_mode", 0, UINT32_MAX)
    if lock_timeout_ms is not None:
        o.lock_timeout_ms = integer(lock_timeout_ms, "lock_timeout_ms", 0, UINT32_MAX)
    # The ranges are the library's (dw_drop_options_check); its text names the C field.
    err = _native.dw_io_error()
    if _native.dw_drop_options_check(o, err) != _native.DW_OK:
        field, _, rest = err.detail.partition(" ")
        raise ValueError(f"{_OPTION_NAMES.get(field, field)} {rest}")
    return o


#: Python parameter names of the C fields the library names in its refusals (where they differ).
_OPTION_NAMES = {"retry_max": "retries"}


def _fault(inject: Union[None, FaultInjection, Mapping[str, Any]]) -> Any:
    """The library's test-only dw_fault (dropwatch/testing.h) for ``inject``, or None."""
    if inject is None:
        return None
    if isinstance(inject, Mapping):
        inject = FaultInjection(**inject)
    if not isinstance(inject, FaultInjection):
        raise TypeError("inject must be a FaultInjection or a mapping of its fields")
    op = inject.op.replace("_", "-") if isinstance(inject.op, str) else inject.op
    if op not in _OPS:
        raise ValueError(f"inject op must be one of {sorted(_OPS)}, not {quote(inject.op)}")
    f = _native.dw_fault()
    f.version = _native.DW_FAULT_VERSION
    f.op = _OPS[op]
    f.sys_errno = integer(inject.errno, "inject errno", 0, 2**31 - 1)
    f.count = integer(inject.count, "inject count", 0, UINT32_MAX)
    f.short_write = integer(inject.short_write, "inject short_write", 0, UINT32_MAX)
    return f


def _msg_options(
    expected_size: Optional[int], envelope: Optional[Envelope], priority: str, record_id: Optional[int]
) -> Any:
    o = _native.dw_msg_options()
    _native.dw_msg_options_init(o)
    if expected_size is not None:
        o.expected_size = integer(expected_size, "expected_size", 0, UINT64_MAX)
    o.priority = enum_value(_native.DW_ENUM_PRIORITY, priority, "priority")
    if record_id is not None:
        o.record_id = integer(record_id, "record_id", 0, UINT64_MAX)
    if envelope is not None:
        if not isinstance(envelope, Envelope):
            raise TypeError("envelope must be a dropwatch.Envelope")
        _native.dwpy_msg_options_set_envelope(o, envelope._live())
    return o


def _as_bytes(data: Any) -> Any:
    if isinstance(data, str):
        # A str could be message text or a file name: writing "some/path" as a message is the classic
        # mistake, so neither is guessed.
        raise TypeError(
            "message content must be bytes-like, not str: pass text.encode() for text, or a pathlib.Path "
            "(or Drop.write_file(path)) to write a file's contents"
        )
    if isinstance(data, (bytes, bytearray, memoryview)):
        return data
    try:
        return memoryview(data)
    except TypeError:
        raise TypeError(f"message content must be bytes-like, not {type(data).__name__}") from None


# ---- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Drop directory usage as the quota counts it: bytes and number of top-level regular files."""

    bytes: int
    files: int


@dataclass(frozen=True)
class Health:
    """Result of a health probe. ``ok`` is True when healthy; otherwise ``error`` holds the exception for the
    first failure (not raised) and the other fields hold what was gathered before it."""

    ok: bool
    exists: bool
    is_directory: bool
    writable: bool
    free_bytes: int
    total_bytes: int
    used_bytes: int
    file_count: int
    quota_bytes: Optional[int]
    stale_temp_files: int
    canary_micros: int
    #: how writes publish on this file system: "rename-noreplace", "link", "unique-rename" (shares without
    #: either; safe by final-name uniqueness, see dw_drop_open(3)), or "unknown" when the canary did not get there
    publish_method: str
    error: Optional[Exception]

    def __bool__(self) -> bool:
        return self.ok

    def raise_for_error(self) -> None:
        """Raise :attr:`error` when the probe failed."""
        if self.error is not None:
            raise self.error


def _temp_dir(temp_dir: Optional[PathArg]) -> Any:
    """dw_drop_options.temp_dir from None, str, bytes or os.PathLike (the library checks the value)."""
    return None if temp_dir is None else fspath(temp_dir, "temp_dir")


def _health(path: Any, opts: Any, stale_age: Any, fault: Any = None, temp_dir: Any = None) -> Health:
    p = fspath(path, "path")
    age = seconds(stale_age, "stale_age")
    out = _native.dw_health()
    err = _native.dw_io_error()
    st = _native.dwpy_drop_health(p, opts, temp_dir, fault, age, out, err)
    error: Optional[Exception] = None
    if st != _native.DW_OK:
        try:
            check(st, err, p)
        except Exception as exc:  # the probe reports, it does not raise
            error = exc
    return Health(
        ok=st == _native.DW_OK,
        exists=bool(out.exists),
        is_directory=bool(out.is_directory),
        writable=bool(out.writable),
        free_bytes=int(out.free_bytes),
        total_bytes=int(out.total_bytes),
        used_bytes=int(out.used_bytes),
        file_count=int(out.file_count),
        quota_bytes=int(out.quota_bytes) or None,
        stale_temp_files=int(out.stale_temp_files),
        canary_micros=int(out.canary_micros),
        publish_method=_native.dw_publish_method_name(out.publish_method),
        error=error,
    )


def drop_health(
    path: PathArg,
    *,
    stale_age: Any = STALE_AGE_DEFAULT_SECONDS,
    quota: QuotaArg = None,
    durable: bool = True,
    canary: bool = True,
    temp_dir: Optional[PathArg] = None,
) -> Health:
    """Probe a drop directory without opening a :class:`Drop`: existence, type, free space, quota use, stale
    temporary files and a canary guarded write (removed afterwards; ``canary=False`` creates no file at all
    and leaves ``writable`` False: not probed). ``temp_dir``: where the writers keep their temporary files
    (see :class:`Drop`); counted there, and the canary goes through it. Never raises for an unhealthy
    directory: see :attr:`Health.ok` and :attr:`Health.error`."""
    opts = _drop_options(quota, durable, "unique", None, None, None, None)
    opts.no_canary = 0 if canary else 1
    return _health(path, opts, stale_age, None, _temp_dir(temp_dir))


def create_drop_directory(path: PathArg, mode: int = 0o750) -> PathArg:
    """Explicitly create a drop directory (admin tools only: writes never create it, as in Exchange). The
    parent must exist; an existing directory is not an error. Returns ``path``. Failures raise the
    matching :class:`DropIOError` subclass."""
    p = fspath(path, "path")
    m = integer(mode, "mode", 0, UINT32_MAX)  # the range is the library's
    err = _native.dw_io_error()
    check(_native.dwpy_drop_create_dir(p, m, err), err, p)
    return path


# ---- Drop and Message ---------------------------------------------------------------------------------


class Drop:
    """An open drop directory that messages are written into, completely or not at all.

    Each message goes to a temporary name the gateway ignores, is flushed, published under a unique
    ``*.eml`` name by an atomic no-replace rename, and the directory is flushed, before the call returns.
    The directory must exist (it is never created implicitly) and is held open, so replacing the path
    afterwards cannot redirect writes. Use as a context manager; a Drop may be shared between threads
    (calls on one Drop are serialised; open one Drop per thread for parallel writes).

    Options: ``quota`` (None = unlimited, bytes as int, or text such as ``"10 MB"``), ``quota_mode``
    (``"exchange"``, the default: refused only when the files already add up to the quota, so the message
    that crosses it is still written, as Exchange does; ``"strict"``: never exceed it), ``ledger`` (False:
    no ``.dwquota`` file in the directory, the quota rescans it for every message), ``durable`` (False
    skips fsync: still atomic, not crash-durable), ``naming`` (``"unique"`` or ``"exchange"``),
    ``retries`` / ``retry_base_ms`` / ``retry_cap_ms`` (bounded backoff for transient failures),
    ``name_prefix``, ``machine_name`` (for exchange naming), ``file_mode``, ``lock_timeout_ms`` (longest
    wait for the quota ledger lock, the library's default when unset; then a :class:`TransientIOError` naming the holder),
    ``temp_dir`` (where temporary files are written before their rename into the directory: None, the
    default, for the drop directory itself; the name of one subdirectory such as ``".dwtmp"``, invisible
    to a gateway that picks up ``*.*`` without recursing; or an absolute directory on the same file
    system. It must exist and not be a symlink: a missing one raises :class:`DropConfigurationError`, a
    malformed value :class:`InvalidArgumentError`) and ``inject`` (a :class:`FaultInjection` for tests). Failures raise
    :class:`DropIOError` subclasses.
    """

    def __init__(
        self,
        path: PathArg,
        *,
        quota: QuotaArg = None,
        durable: bool = True,
        naming: NamingArg = "unique",
        retries: Optional[int] = None,
        retry_base_ms: Optional[int] = None,
        retry_cap_ms: Optional[int] = None,
        name_prefix: Optional[str] = None,
        machine_name: Optional[str] = None,
        file_mode: Optional[int] = None,
        inject: Union[None, FaultInjection, Mapping[str, Any]] = None,
        lock_timeout_ms: Optional[int] = None,
        quota_mode: str = "exchange",
        ledger: bool = True,
        temp_dir: Optional[PathArg] = None,
    ) -> None:
        self._handle: Any = None
        self._path = path
        p = fspath(path, "path")
        self._opts = _drop_options(quota, durable, naming, retries, retry_base_ms, retry_cap_ms, file_mode,
                                   lock_timeout_ms, quota_mode)
        self._opts.no_ledger = 0 if ledger else 1
        self._fault = _fault(inject)
        prefix = text(name_prefix, "name_prefix")
        machine = text(machine_name, "machine_name")
        self._temp_dir = _temp_dir(temp_dir)
        self._lock = threading.RLock()  # re-entrant: a Message may be collected while the lock is held
        self._messages: "weakref.WeakSet[Message]" = weakref.WeakSet()
        err = _native.dw_io_error()
        st, handle = _native.dwpy_drop_open(p, self._opts, prefix, machine, self._temp_dir, self._fault, err)
        check(st, err, p)
        self._handle = handle

    @classmethod
    def open(cls, path: PathArg, **options: Any) -> "Drop":
        """Open a drop directory (same arguments as the constructor)."""
        return cls(path, **options)

    # -- state

    @property
    def path(self) -> PathArg:
        """The path the drop was opened with (as given)."""
        return self._path

    @property
    def closed(self) -> bool:
        return self._handle is None

    def _live(self) -> Any:
        if self._handle is None:
            raise DropStateError("the drop directory is closed")
        return self._handle

    def close(self) -> None:
        """Close the directory handle. Messages still open are aborted first. Idempotent."""
        with self._lock:
            for m in list(self._messages):
                m._abort_locked()
            h, self._handle = self._handle, None
            if h is not None:
                _native.dw_drop_close(h)

    def __enter__(self) -> "Drop":
        self._live()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_handle", None) is not None:
                self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<dropwatch.Drop {self._path!r} {state}>"

    # -- writing

    def write(
        self,
        data: Union[Content, BinaryIO, "os.PathLike[Any]"],
        *,
        envelope: Optional[Envelope] = None,
        priority: PriorityArg = "normal",
        record_id: Optional[int] = None,
        expected_size: Optional[int] = None,
    ) -> str:
        """Write one message and return its final file name (not the full path).

        ``data`` is bytes-like (the message), a binary file-like object (read to EOF in chunks) or an
        ``os.PathLike`` naming a file to copy (streamed from its descriptor, never held in memory). A str
        is refused with TypeError: ``drop.write("some/path")`` would otherwise publish the path text as a
        message; encode text yourself, and use a ``pathlib.Path`` or :meth:`write_file` for files.
        ``envelope`` prepends X-Sender/X-Receiver headers; ``priority`` and ``record_id`` feed exchange naming.
        """
        if isinstance(data, os.PathLike):
            return self.write_file(data, envelope=envelope, priority=priority, record_id=record_id,
                                   expected_size=expected_size)
        if hasattr(data, "read") and not isinstance(data, (bytes, bytearray, memoryview, str)):
            with self.message(expected_size=expected_size, envelope=envelope, priority=priority,
                              record_id=record_id) as m:
                while True:
                    chunk = data.read(_CHUNK)
                    if not chunk:
                        break
                    m.write(chunk)
            assert m.name is not None
            return m.name
        buf = _as_bytes(data)
        opts = _msg_options(expected_size, envelope, priority, record_id)
        err = _native.dw_io_error()
        with self._lock:
            st, name = _native.dwpy_drop_write(self._live(), buf, opts, err)
        check(st, err, self._path)
        return name

    def write_file(
        self,
        path: PathArg,
        *,
        envelope: Optional[Envelope] = None,
        priority: PriorityArg = "normal",
        record_id: Optional[int] = None,
        expected_size: Optional[int] = None,
    ) -> str:
        """Write the contents of the file at ``path`` (str, bytes or os.PathLike) as one message, streamed
        from its descriptor, and return the final file name."""
        src = fspath(path, "path")
        fd = os.open(src, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            opts = _msg_options(expected_size, envelope, priority, record_id)
            err = _native.dw_io_error()
            with self._lock:
                st, name = _native.dwpy_drop_write_fd(self._live(), fd, opts, err)
            check(st, err, self._path)
            return name
        finally:
            os.close(fd)

    def write_many(
        self,
        messages: Iterable[Content],
        *,
        envelope: Optional[Envelope] = None,
        priority: PriorityArg = "normal",
    ) -> list[str]:
        """Write several messages with one durability barrier and return their final names, in order.

        Each message gets the same guarantee as :meth:`write` (never visible partially), but the file
        system is flushed once for the whole batch instead of once per message. On failure the exception
        (a :class:`DropIOError` subclass) carries ``published``: the names of the messages that did land
        (the first ones, in order); none of the others exists under any name.
        """
        if isinstance(messages, (bytes, bytearray, memoryview, str)):
            raise TypeError("messages must be a sequence of messages, not a single message")
        bufs = [_as_bytes(m) for m in messages]
        opts = _msg_options(None, envelope, priority, None)
        err = _native.dw_io_error()
        with self._lock:
            st, blob = _native.dwpy_drop_write_batch(self._live(), bufs, opts, err)
        names = [n.decode("utf-8", "surrogateescape") for n in (blob or b"").split(b"\0")[:-1]]
        if st != _native.DW_OK:
            try:
                check(st, err, self._path)
            except DropWatchError as exc:
                exc.published = names  # type: ignore[attr-defined]
                raise
        return names

    def message(
        self,
        expected_size: Optional[int] = None,
        *,
        envelope: Optional[Envelope] = None,
        priority: PriorityArg = "normal",
        record_id: Optional[int] = None,
    ) -> "Message":
        """Start a streamed message; use as ``with drop.message() as m: m.write(...)``. The message is
        published when the block ends normally and aborted (nothing left behind) when it raises.
        ``expected_size`` lets a quota refuse the message before any byte is written."""
        return Message(self, expected_size, envelope, priority, record_id)

    # -- maintenance

    def sweep_stale(self, max_age: Any) -> int:
        """Remove temporary files older than ``max_age`` (seconds or timedelta) left by crashed writers.
        Never touches any other file. Returns how many were removed."""
        age = seconds(max_age, "max_age")
        err = _native.dw_io_error()
        with self._lock:
            st, removed = _native.dw_drop_sweep(self._live(), age, err)
        check(st, err, self._path)
        return int(removed)

    def usage(self) -> Usage:
        """Bytes and number of top-level regular files, as the quota counts them."""
        err = _native.dw_io_error()
        with self._lock:
            st, nbytes, nfiles = _native.dw_drop_usage(self._live(), err)
        check(st, err, self._path)
        return Usage(bytes=int(nbytes), files=int(nfiles))

    def health(self, stale_age: Any = STALE_AGE_DEFAULT_SECONDS) -> Health:
        """Health probe of this drop directory with this Drop's options (see :func:`drop_health`)."""
        self._live()
        return _health(self._path, self._opts, stale_age, self._fault, self._temp_dir)


class Message:
    """A message being streamed into a drop directory (see :meth:`Drop.message`).

    ``write()`` appends bytes (or str as UTF-8); ``commit()`` publishes it and returns the final name
    (also in :attr:`name`); ``abort()`` removes it. As a context manager it commits on success and aborts
    on an exception.
    """

    def __init__(
        self,
        drop: Drop,
        expected_size: Optional[int],
        envelope: Optional[Envelope],
        priority: str,
        record_id: Optional[int],
    ) -> None:
        self._drop = drop
        self._handle: Any = None
        self.name: Optional[str] = None
        opts = _msg_options(expected_size, envelope, priority, record_id)
        err = _native.dw_io_error()
        with drop._lock:
            st, handle = _native.dw_msg_begin(drop._live(), opts, err)
            if st == _native.DW_OK:
                self._handle = handle
                drop._messages.add(self)
        check(st, err, drop._path)

    @property
    def closed(self) -> bool:
        """True once committed or aborted."""
        return self._handle is None

    @property
    def size(self) -> int:
        """Bytes written so far (envelope included)."""
        with self._drop._lock:
            return int(_native.dw_msg_size(self._live()))

    def _live(self) -> Any:
        if self._handle is None:
            raise DropStateError("the message was already committed or aborted")
        return self._handle

    def write(self, data: Content) -> int:
        """Append bytes (a str is refused: encode text yourself); returns the number of bytes written. On failure the
        message is aborted and the classified :class:`DropIOError` raised."""
        buf = _as_bytes(data)
        err = _native.dw_io_error()
        with self._drop._lock:
            st = _native.dw_msg_write(self._live(), buf, err)
            if st != _native.DW_OK:
                self._abort_locked()
        check(st, err, self._drop._path)
        return memoryview(buf).nbytes

    def commit(self) -> str:
        """Publish the message (fsync, atomic rename, directory fsync) and return its final file name."""
        err = _native.dw_io_error()
        with self._drop._lock:
            h = self._live()
            self._handle = None  # commit always releases the message, success or not
            self._drop._messages.discard(self)
            st, name = _native.dwpy_msg_commit(h, err)
        check(st, err, self._drop._path)
        self.name = name
        return name

    def abort(self) -> None:
        """Abandon the message: its temporary file is removed. Idempotent."""
        with self._drop._lock:
            self._abort_locked()

    def _abort_locked(self) -> None:
        h, self._handle = self._handle, None
        self._drop._messages.discard(self)
        if h is not None:
            _native.dw_msg_abort(h)

    def __enter__(self) -> "Message":
        self._live()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.abort()
        elif self._handle is not None:
            self.commit()

    def __del__(self) -> None:
        try:
            if getattr(self, "_handle", None) is not None:
                self.abort()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = f"committed as {self.name!r}" if self.name else ("aborted" if self.closed else "open")
        return f"<dropwatch.Message {state}>"
