# SPDX-License-Identifier: MIT
"""libdropwatch for Python: guarded writes into Exchange Foreign-connector drop directories.

Resolve and validate a connector's drop directory, write message files into it so that each lands
completely or not at all, get every I/O failure classified (physical, logical, transient, capacity,
access, configuration, remote) as an :class:`OSError` subclass, and format Event 8004 alert records.

    >>> import dropwatch
    >>> path = dropwatch.resolve_drop_path("/var/spool/exchange", "Drop")
    >>> with dropwatch.Drop.open(path, quota="10 MB") as drop:           # doctest: +SKIP
    ...     name = drop.write(b"Subject: hi\\r\\n\\r\\nHello\\r\\n")

Paths
    resolve_drop_path, explain_drop_path, validate_drop_directory, check_drop_directory,
    exchange_install_dir, is_reserved_name
Writing
    Drop (write, message, sweep_stale, usage, health), Message, Envelope, FaultInjection,
    create_drop_directory, drop_health, parse_quota, format_quota
Picking up (the gateway's side)
    Pickup (iterate, next, claim, scan, wait), PickupMessage (read, ack, release), Quarantined
Errors and alerts
    classify_errno, classify_win32, format_alert, alert_event, Throttle (repeats suppressed per connector
    and event, as Exchange does), and the exceptions below
Exceptions
    DropWatchError
    ├── DropIOError (OSError): PhysicalDiskError, LogicalDiskError, TransientIOError (TimeoutError),
    │   CapacityError, DropAccessError (PermissionError), DropConfigurationError (FileNotFoundError),
    │   RemoteIOError (ConnectionError)
    ├── InvalidDropPathError (ValueError): InvalidRootError, InvalidDropDirectoryError,
    │   DropPathTooLongError
    ├── InvalidArgumentError, QuotaParseError, EnvelopeError (ValueError)
    ├── DropStateError (RuntimeError)
    └── UnsupportedError (NotImplementedError)

The blocking file-system calls release the GIL.
"""

from . import _native
from ._alert import ALERT_FORMATS, THROTTLE_DEFAULT_SECONDS, SuppressedWindow, Throttle, alert_event, format_alert
from ._classify import ClassInfo, classify_errno, classify_win32, errno_from_name, win32_from_name
from ._drop import (
    STALE_AGE_DEFAULT_SECONDS,
    Drop,
    Envelope,
    FaultInjection,
    Health,
    Message,
    Usage,
    create_drop_directory,
    drop_health,
    format_quota,
    parse_quota,
)
from ._errors import (
    IO_ERRORS,
    CapacityError,
    DropAccessError,
    DropConfigurationError,
    DropIOError,
    DropPathTooLongError,
    DropStateError,
    DropWatchError,
    EnvelopeError,
    InvalidArgumentError,
    InvalidDropDirectoryError,
    InvalidDropPathError,
    InvalidRootError,
    LogicalDiskError,
    PhysicalDiskError,
    QuotaParseError,
    RemoteIOError,
    TransientIOError,
    UnsupportedError,
)
from ._pickup import Pickup, PickupMessage, PickupStats, Quarantined
from ._paths import (
    ExplainWarning,
    Explanation,
    NameCheck,
    check_drop_directory,
    exchange_install_dir,
    explain_drop_path,
    is_reserved_name,
    resolve_drop_path,
    validate_drop_directory,
)

#: Version of the libdropwatch library actually loaded.
__version__: str = _native.dw_version_string()

__all__ = [
    "ALERT_FORMATS",
    "THROTTLE_DEFAULT_SECONDS",
    "STALE_AGE_DEFAULT_SECONDS",
    "SuppressedWindow",
    "Throttle",
    "CapacityError",
    "ClassInfo",
    "Drop",
    "DropAccessError",
    "DropConfigurationError",
    "DropIOError",
    "DropPathTooLongError",
    "DropStateError",
    "DropWatchError",
    "Envelope",
    "EnvelopeError",
    "ExplainWarning",
    "Explanation",
    "FaultInjection",
    "Health",
    "IO_ERRORS",
    "InvalidArgumentError",
    "InvalidDropDirectoryError",
    "InvalidDropPathError",
    "InvalidRootError",
    "LogicalDiskError",
    "Message",
    "NameCheck",
    "PhysicalDiskError",
    "Pickup",
    "PickupMessage",
    "PickupStats",
    "Quarantined",
    "QuotaParseError",
    "RemoteIOError",
    "TransientIOError",
    "UnsupportedError",
    "Usage",
    "alert_event",
    "check_drop_directory",
    "classify_errno",
    "classify_win32",
    "errno_from_name",
    "win32_from_name",
    "create_drop_directory",
    "drop_health",
    "exchange_install_dir",
    "explain_drop_path",
    "format_alert",
    "format_quota",
    "is_reserved_name",
    "parse_quota",
    "resolve_drop_path",
    "validate_drop_directory",
]

# help(dropwatch) lists the public API as living here.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        try:
            _obj.__module__ = __name__
        except (AttributeError, TypeError):
            pass
del _name, _obj
