# SPDX-License-Identifier: MIT
"""Event 8004 alert records (and the sibling events Exchange logs from the same write path)."""

from __future__ import annotations

import datetime
import threading
import time as _time
from dataclasses import dataclass
from typing import Any, List, Literal, Optional, Union

from . import _native
from ._errors import _OP_CODES, DropIOError, _path_text, check, io_error_to_struct
from ._paths import exchange_version_value
from ._util import UINT64_MAX, enum_choices, enum_value, integer, quote, text

#: The formats format_alert() accepts.
ALERT_FORMATS = enum_choices(_native.DW_ENUM_FORMAT)
#: The same names for type checkers (a test keeps it equal to the library's table).
AlertFormatArg = Literal["text", "xml", "json", "syslog"]
#: Event choice: "auto" (what Exchange would log) or "8004" (forced); 8004 as a number is accepted too.
EventArg = Union[Literal["auto", "8004"], int]


def _time_ms(value: Any) -> int:
    if value is None:
        return -1
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, bool):
        raise TypeError("time must be a datetime or seconds since the epoch")
    if isinstance(value, (int, float)):
        if value != value or value < 0 or value > 2**53:
            raise ValueError(f"time out of range: {value!r}")
        return int(value * 1000)
    raise TypeError(f"time must be a datetime or seconds since the epoch, not {type(value).__name__}")


def _fill_error(alert: Any, error: Any, operation: Optional[str]) -> None:
    e = alert.error
    if error is None:
        _native.dw_io_error_clear(e)
    elif isinstance(error, DropIOError):
        integer(error.attempts or 0, "attempts", 0, 2**32 - 1)
        io_error_to_struct(error, e)
    elif isinstance(error, OSError):
        win32 = getattr(error, "winerror", None) or 0
        errnum = error.errno if isinstance(error.errno, int) and -(2**31) <= error.errno < 2**31 else 0
        check(_native.dw_io_error_set(e, 0, errnum, integer(win32, "winerror", 0, 2**32 - 1),
                                      _path_text(error.filename)))
    else:
        raise TypeError(f"error must be a DropIOError, an OSError or None, not {type(error).__name__}")
    if operation is not None:
        if operation not in _OP_CODES:
            raise ValueError(f"operation must be one of {sorted(_OP_CODES)}, not {quote(operation)}")
        e.op = _OP_CODES[operation]


def _alert(error: Any, event: Union[str, int], operation: Optional[str], time: Any, record_id: Optional[int],
           syslog_facility: Optional[int], exchange_version: Union[int, str] = 2007) -> Any:
    event_mode = enum_value(_native.DW_ENUM_EVENT_MODE, str(event), "event")
    version = exchange_version_value(exchange_version)
    a = _native.dw_alert()
    _native.dw_alert_init(a)
    _fill_error(a, error, operation)
    a.event_mode = event_mode
    a.exchange_version = version
    a.time_ms = _time_ms(time)
    if record_id is not None:
        a.record_id = integer(record_id, "record_id", 0, UINT64_MAX)
        a.has_record_id = 1
    if syslog_facility is not None:
        a.syslog_facility = integer(syslog_facility, "syslog_facility", 0, _native.DW_SYSLOG_FACILITY_MAX)
    return a


def _field(value: Any, what: str) -> Any:
    # The record must stay well-formed for any input, so NUL (which C cannot carry) becomes U+FFFD.
    v = text(value, what)
    if isinstance(v, str):
        return v.replace("\0", "\ufffd")
    if isinstance(v, bytes):
        return v.replace(b"\0", b"\xef\xbf\xbd")
    return v


def format_alert(
    error: Optional[BaseException] = None,
    *,
    format: AlertFormatArg = "json",
    event: EventArg = "auto",
    exchange_version: Union[int, str] = 2007,
    connector: Optional[str] = None,
    drop_path: Any = None,
    root: Any = None,
    drop_directory: Optional[str] = None,
    computer: Optional[str] = None,
    exception_text: Optional[str] = None,
    operation: Optional[str] = None,
    time: Union[None, datetime.datetime, int, float] = None,
    record_id: Optional[int] = None,
    syslog_facility: Optional[int] = None,
    app_name: Optional[str] = None,
) -> str:
    """Format an Event 8004 alert record ("A non-SMTP gateway connection failure occurred ... An I/O
    exception occurred when writing to the Drop directory").

    ``error`` is the :class:`DropIOError` caught from a write (its class, operation, codes and path are
    used), any other :class:`OSError` (classified from its errno), or None. ``format`` is ``"json"``
    (one line, Windows-event shipper field names), ``"xml"`` (the Event Viewer XML view of a Windows
    event with named extensions; not byte-identical to ``wevtutil qe /f:xml``), ``"text"`` (like an Event
    Viewer alert) or ``"syslog"`` (RFC 5424). ``event="auto"`` (the default) picks the ID Exchange would
    log for what it catches (8005 quota, 8007 path too long, 8008 directory missing, 8009 access denied,
    else 8004); ``event="8004"`` forces 8004. ``exchange_version`` (2007, 2010, 2013/2016/2019/"SE")
    picks the management pack the record's rule metadata comes from and the cmdlet it names. ``time`` is a datetime or seconds since the epoch (None: now). Every field is escaped: any input
    gives a well-formed record. Returns the record (ending with a newline).
    """
    fmt = enum_value(_native.DW_ENUM_FORMAT, format, "format")
    a = _alert(error, event, operation, time, record_id, syslog_facility, exchange_version)
    st, out = _native.dwpy_alert_format(
        a,
        fmt,
        _field(connector, "connector"),
        _field(drop_path, "drop_path"),
        _field(root, "root"),
        _field(drop_directory, "drop_directory"),
        _field(computer, "computer"),
        _field(exception_text, "exception_text"),
        _field(app_name, "app_name"),
    )
    check(st)
    return out.decode("utf-8", "replace")


def alert_event(error: Optional[BaseException] = None, *, event: EventArg = "auto",
                operation: Optional[str] = None) -> tuple[int, Optional[str]]:
    """The event ID (and its symbolic name) a record for ``error`` carries: 8004, or with ``event="auto"``
    the sibling event Exchange would log (8005, 8007, 8008, 8009)."""
    a = _alert(error, event, operation, None, None, None)
    eid = int(_native.dw_alert_event_id(a))
    return eid, _native.dw_event_name(eid)


# ---- throttling -----------------------------------------------------------------------------------------

#: Default suppression window in seconds (15 minutes), as the dropwatch command uses.
THROTTLE_DEFAULT_SECONDS: int = int(_native.DW_THROTTLE_DEFAULT_SECONDS)


@dataclass(frozen=True)
class SuppressedWindow:
    """A closed suppression window: ``suppressed`` alerts for ``connector`` and ``event_id`` were not logged
    between ``opened_ms`` and ``closed_ms`` (milliseconds since the epoch)."""

    connector: str
    event_id: int
    suppressed: int
    opened_ms: int
    closed_ms: int


def _window(w: Any) -> Optional[SuppressedWindow]:
    if not w.event_id or not w.suppressed:
        return None
    return SuppressedWindow(w.connector, int(w.event_id), int(w.suppressed), int(w.opened_ms), int(w.closed_ms))


def _now_ms(now: Any) -> int:
    if now is None:
        return int(_time.time() * 1000)
    return _time_ms(now)


class Throttle:
    """Suppress repeated alerts per connector and event as Exchange throttles its own events.

    The first alert of a (connector, event) opens a window of ``window`` seconds and is logged; repeats
    inside it are counted, not logged. :meth:`check` returns ``(log, closed)``: whether to log this alert,
    and the previous window of that key when this alert closed it with suppressed repeats.
    :meth:`expired` returns the windows that have ended since: call it periodically, and with ``all=True``
    when the monitor stops. Thread-safe.
    """

    def __init__(self, window: int = THROTTLE_DEFAULT_SECONDS) -> None:
        seconds = integer(window, "window", 0, _native.DW_THROTTLE_MAX_SECONDS)
        st, handle = _native.dw_throttle_new(seconds)
        check(st)
        self._handle: Any = handle
        self._lock = threading.Lock()

    @property
    def window(self) -> int:
        """The window length in seconds."""
        return int(_native.dw_throttle_window_seconds(self._live()))

    def _live(self) -> Any:
        if self._handle is None:
            raise ValueError("the throttle is closed")
        return self._handle

    def check(self, connector: Optional[str], event: Union[int, BaseException, None], *,
              now: Any = None) -> tuple[bool, Optional[SuppressedWindow]]:
        """One alert for ``connector``; ``event`` is an event ID or the error the alert is about (its event
        is then the one Exchange would log). ``now`` is a datetime or seconds since the epoch (None: now)."""
        if isinstance(event, BaseException) or event is None:
            event_id = alert_event(event)[0]
        else:
            event_id = integer(event, "event", 1, 2**32 - 1)
        res = _native.dw_throttle_result()
        with self._lock:
            check(_native.dw_throttle_check(self._live(), _field(connector, "connector"), event_id,
                                            _now_ms(now), res))
        return bool(res.log), _window(res.closed)

    def expired(self, *, now: Any = None, all: bool = False) -> List[SuppressedWindow]:
        """Take the windows that ended by ``now`` (None: now; ``all=True``: every window, as when the monitor
        stops) and had suppressed alerts."""
        t = 2**63 - 1 if all else _now_ms(now)
        out: List[SuppressedWindow] = []
        with self._lock:
            while True:
                w = _native.dw_throttle_window()
                check(_native.dw_throttle_next_expired(self._live(), t, w))
                if not w.event_id:
                    return out
                win = _window(w)
                if win is not None:
                    out.append(win)

    def close(self) -> None:
        """Free the throttle. Idempotent."""
        with self._lock:
            h, self._handle = self._handle, None
            if h is not None:
                _native.dw_throttle_free(h)

    def __enter__(self) -> "Throttle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
