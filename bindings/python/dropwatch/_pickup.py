# SPDX-License-Identifier: MIT
"""The gateway's side: taking messages out of a drop directory (libdropwatch's dw_pickup_* API).

    for msg in dropwatch.Pickup(path):
        hand_on(msg.sender, msg.recipients, msg.read())
        # the loop acknowledges the message when the body completes; an exception releases it

A message is claimed atomically (two pickers never get the same one), read without the injected
X-headers, and acknowledged (deleted, or archived) or released. Files Exchange left incomplete are
quarantined and listed in :attr:`Pickup.quarantined` with an alert record. See doc/pickup.md.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from . import _native
from ._alert import AlertFormatArg
from ._errors import DropStateError, check
from ._util import UINT32_MAX, enum_choices, enum_value, fspath, integer

PathArg = Any



@dataclass(frozen=True)
class Quarantined:
    """A file quarantined because Exchange (or someone) left it broken; ``alert`` formats its record."""

    name: str
    moved_to: str
    reason: str
    file_size: int
    mime_expected: int
    mime_actual: int
    text: str
    _alerts: Any = None

    def alert(self, format: AlertFormatArg = "json") -> str:
        """The Event 8004 alert record of this file in ``format`` (text, xml, json, syslog)."""
        fmt = enum_value(_native.DW_ENUM_FORMAT, format, "format")
        return self._alerts[_native.dw_enum_name(_native.DW_ENUM_FORMAT, fmt)]


@dataclass(frozen=True)
class PickupStats:
    """Counters of one :meth:`Pickup.scan`: ready names (oldest first) and the rest."""

    ready: tuple[str, ...]
    not_ready: int
    quarantined: int
    claimed: int
    expired: int


class PickupMessage:
    """A claimed message. Read it with :meth:`read` (the MIME part only), then :meth:`ack` or
    :meth:`release` it; as a context manager it acknowledges on a clean exit and releases on an exception.
    """

    def __init__(self, pickup: "Pickup", handle: Any) -> None:
        self._pickup = pickup
        self._handle = handle
        self.name: str = _native.dw_pickup_msg_name(handle)
        info = _native.dw_pickup_info()
        _native.dw_pickup_msg_info(handle, info)
        self.mime_size: int = int(info.mime_size)
        self.file_size: int = int(info.file_size)
        self.has_envelope: bool = bool(info.has_envelope)
        #: True when taken over from a crashed picker's claim: possibly handed on before (duplicate).
        self.redelivered: bool = bool(info.redelivered)
        st, addr, params = _native.dwpy_pickup_addr(handle, -1)
        check(st)
        self.sender: Optional[str] = addr
        self.sender_params: Optional[str] = params
        rcpts = []
        for i in range(_native.dw_pickup_msg_recipient_count(handle)):
            st, addr, params = _native.dwpy_pickup_addr(handle, i)
            check(st)
            rcpts.append((addr, params))
        #: ``(address, params)`` per X-Receiver line.
        self.recipients: tuple[tuple[str, Optional[str]], ...] = tuple(rcpts)

    @property
    def done(self) -> bool:
        """True once acknowledged or released."""
        return self._handle is None

    def _live(self) -> Any:
        if self._handle is None:
            raise DropStateError("the message was already acknowledged or released")
        return self._handle

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes of the MIME message (all the rest when negative); b"" at the end."""
        h = self._live()
        if size is None or size < 0:
            parts = []
            while True:
                chunk = self.read(1 << 20)
                if not chunk:
                    return b"".join(parts)
                parts.append(chunk)
        n = integer(size, "size", 0, UINT32_MAX)
        err = _native.dw_io_error()
        st, data = _native.dwpy_pickup_read(h, n, err)
        check(st, err, self.name)
        return data or b""

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.read(65536)
            if not chunk:
                return
            yield chunk

    def rewind(self) -> None:
        """Read from the start of the MIME message again."""
        check(_native.dw_pickup_msg_rewind(self._live()))

    def ack(self) -> None:
        """Acknowledge: delete (or archive) the message, durably."""
        h = self._live()
        self._handle = None
        self._pickup._forget(self)
        err = _native.dw_io_error()
        check(_native.dw_pickup_ack(h, err), err, self.name)

    def release(self) -> None:
        """Put the message back for this or another picker."""
        h = self._live()
        self._handle = None
        self._pickup._forget(self)
        err = _native.dw_io_error()
        check(_native.dw_pickup_release(h, err), err, self.name)

    def __enter__(self) -> "PickupMessage":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._handle is None:
            return
        if exc_type is None:
            self.ack()
        else:
            self.release()

    def __repr__(self) -> str:
        state = "done" if self.done else "claimed"
        return f"<dropwatch.PickupMessage {self.name!r} {self.mime_size} bytes from {self.sender!r} ({state})>"


class Pickup:
    """A drop directory opened for pickup. Iterate over it for the ready messages, oldest first::

        with dropwatch.Pickup(path) as pickup:
            for msg in pickup:          # acknowledged when the loop body completes
                deliver(msg.read())

    Leaving the loop by ``break`` or an exception releases the current message unless it was acknowledged
    (``msg.ack()``) or released already. ``follow=True`` keeps waiting for new messages (inotify on Linux).
    ``poll_ms``: the longest wait between scans when following (the library's DW_PICKUP_WAIT_DEFAULT_MS;
    a change ends it earlier). Options (None: the library's defaults, dw_pickup_options_init):
    ``settle_ms``, ``incomplete_after`` (seconds), ``claim_ttl`` (seconds), ``archive`` (a
    subdirectory to move acknowledged messages into instead of deleting them), ``durable`` and
    ``require_envelope``. One Pickup per thread.
    """

    def __init__(
        self,
        path: PathArg,
        *,
        follow: bool = False,
        poll_ms: int = _native.DW_PICKUP_WAIT_DEFAULT_MS,
        settle_ms: Optional[int] = None,
        incomplete_after: Optional[int] = None,
        claim_ttl: Optional[int] = None,
        archive: Optional[str] = None,
        durable: bool = True,
        require_envelope: bool = False,
    ) -> None:
        self._handle: Any = None
        self._path = path
        self._follow = bool(follow)
        self._poll_ms = integer(poll_ms, "poll_ms", 0, UINT32_MAX)
        self._lock = threading.RLock()
        self._messages: set[PickupMessage] = set()
        self.quarantined: list[Quarantined] = []
        p = fspath(path, "path")
        o = _native.dw_pickup_options()
        _native.dw_pickup_options_init(o)
        if settle_ms is not None:
            o.settle_ms = integer(settle_ms, "settle_ms", 0, UINT32_MAX)
        if incomplete_after is not None:
            o.incomplete_after_seconds = integer(incomplete_after, "incomplete_after", 0, UINT32_MAX)
        if claim_ttl is not None:
            o.claim_ttl_seconds = integer(claim_ttl, "claim_ttl", 0, UINT32_MAX)
        if archive is not None:
            o.ack_mode = _native.DW_PICKUP_ARCHIVE
        o.durable = 1 if durable else 0
        o.require_envelope = 1 if require_envelope else 0
        err = _native.dw_io_error()
        st, handle = _native.dwpy_pickup_open(p, o, archive, err)
        check(st, err, p)
        self._handle = handle

    def _live(self) -> Any:
        if self._handle is None:
            raise DropStateError("the pickup handle is closed")
        return self._handle

    def _forget(self, msg: PickupMessage) -> None:
        self._messages.discard(msg)

    def _collect_quarantined(self) -> list[Quarantined]:
        h = self._handle
        found = []
        i = 0
        while True:
            q = _native.dw_pickup_quarantined(h, i)
            if q is None:
                break
            # formatted now: the struct is only valid until the next scan
            texts = {}
            for fname in enum_choices(_native.DW_ENUM_FORMAT):
                code = _native.dwb_enum_from_name(_native.DW_ENUM_FORMAT, fname)
                st, data = _native.dwpy_pickup_quarantine_alert(h, q, code, 0)
                check(st)
                texts[fname] = (data or b"").decode("utf-8", "replace")
            found.append(
                Quarantined(
                    name=q.name,
                    moved_to=q.moved_to,
                    reason=(_native.dw_enum_name(_native.DW_ENUM_PICKUP_REASON, q.reason) or str(q.reason)),
                    file_size=int(q.file_size),
                    mime_expected=int(q.mime_expected),
                    mime_actual=int(q.mime_actual),
                    text=q.text,
                    _alerts=texts,
                )
            )
            i += 1
        self.quarantined.extend(found)
        return found

    def scan(self) -> PickupStats:
        """List the directory: ready messages (oldest first), quarantining broken files that settled."""
        with self._lock:
            h = self._live()
            stats = _native.dw_pickup_stats()
            err = _native.dw_io_error()
            check(_native.dw_pickup_scan(h, stats, err), err, self._path)
            names = []
            while True:
                n = _native.dw_pickup_ready_name(h, len(names))
                if n is None:
                    break
                names.append(n)
            self._collect_quarantined()
            return PickupStats(
                ready=tuple(names),
                not_ready=int(stats.not_ready),
                quarantined=int(stats.quarantined),
                claimed=int(stats.claimed),
                expired=int(stats.expired),
            )

    def next(self, timeout: Optional[float] = None) -> Optional[PickupMessage]:
        """Claim the oldest ready message, or return None when there is none (after waiting up to
        ``timeout`` seconds for one when given)."""
        import time

        deadline = None if timeout is None else time.monotonic() + float(timeout)
        while True:
            with self._lock:
                h = self._live()
                err = _native.dw_io_error()
                st, mh = _native.dwpy_pickup_next(h, err)
                self._collect_quarantined()
                check(st, err, self._path)
                if mh is not None:
                    msg = PickupMessage(self, mh)
                    self._messages.add(msg)
                    return msg
            if deadline is None:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.wait(left)

    def claim(self, name: str) -> Optional[PickupMessage]:
        """Claim the named message; None when it is gone or not ready."""
        with self._lock:
            h = self._live()
            err = _native.dw_io_error()
            st, mh = _native.dwpy_pickup_claim(h, name, err)
            check(st, err, name)
            self._collect_quarantined()
            if mh is None:
                return None
            msg = PickupMessage(self, mh)
            self._messages.add(msg)
            return msg

    def wait(self, timeout: float = 1.0) -> None:
        """Block until the directory changes or ``timeout`` seconds pass."""
        ms = max(0, min(int(float(timeout) * 1000), UINT32_MAX))
        err = _native.dw_io_error()
        check(_native.dw_pickup_wait(self._live(), ms, err), err, self._path)

    @property
    def watching(self) -> bool:
        """True when waits use change notification (inotify), False when they poll."""
        return bool(_native.dw_pickup_watching(self._live()))

    def __iter__(self) -> Iterator[PickupMessage]:
        while True:
            msg = self.next()
            if msg is None:
                if not self._follow:
                    return
                self.wait(self._poll_ms / 1000.0)
                continue
            try:
                yield msg
            except BaseException:
                if not msg.done:
                    msg.release()
                raise
            if not msg.done:
                msg.ack()

    def close(self) -> None:
        """Release the messages still claimed and close the handle."""
        with self._lock:
            for msg in list(self._messages):
                if not msg.done:
                    try:
                        msg.release()
                    except Exception:
                        pass
            h, self._handle = self._handle, None
            if h is not None:
                _native.dw_pickup_close(h)

    def __enter__(self) -> "Pickup":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"<dropwatch.Pickup {self._path!r}{' closed' if self._handle is None else ''}>"
