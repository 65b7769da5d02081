// SPDX-License-Identifier: MIT
// Public .NET enums mirroring the C API's (same numeric values: dropwatch/*.h only ever appends).
using System;

namespace DropWatch
{
    /// <summary>Status of a libdropwatch call (dw_status).</summary>
    public enum DropStatus
    {
        Ok = 0, InvalidArgument = 1, Buffer = 2, NoMemory = 3, InvalidRoot = 4, InvalidName = 5, PathTooLong = 6,
        IO = 7, State = 8, Unsupported = 9, Parse = 10, Envelope = 11,
    }

    /// <summary>Class of an I/O failure (dw_class).</summary>
    public enum IOClass
    {
        None = 0, PhysicalDisk = 1, LogicalDisk = 2, Transient = 3, Capacity = 4, Access = 5, Configuration = 6,
        Remote = 7,
    }

    /// <summary>
    /// The outcome of a guarded write (dw_outcome): exactly one of Durable (success), NotPublished (nothing
    /// under a final name: delivering again is safe) or Uncertain (the message IS published under
    /// <see cref="IOErrorInfo.Published"/> but its durability is unknown: do not deliver it again).
    /// </summary>
    public enum WriteOutcome
    {
        /// <summary>Not a guarded write.</summary>
        None = 0,
        /// <summary>Published and durable.</summary>
        Durable = 1,
        /// <summary>Failed; nothing under a final name.</summary>
        NotPublished = 2,
        /// <summary>Failed after the final name appeared: published, durability unknown.</summary>
        Uncertain = 3,
    }

    /// <summary>The operation that failed (dw_op).</summary>
    public enum IOOperation
    {
        None = 0, OpenDirectory = 1, Create = 2, Write = 3, Read = 4, Fsync = 5, Close = 6, Rename = 7,
        DirectoryFsync = 8, Quota = 9, Unlink = 10, Scan = 11, Stat = 12, Mkdir = 13, Lock = 14, Validate = 15,
        Resolve = 16,
    }

    /// <summary>Why a DropDirectory value or a root was rejected (dw_reason).</summary>
    public enum DropNameReason
    {
        Ok = 0, Empty = 1, Blank = 2, Separator = 3, Drive = 4, Unc = 5, DevicePrefix = 6, Rooted = 7,
        DotName = 8, ForbiddenChar = 9, Stream = 10, ControlChar = 11, EmbeddedNul = 12, TrailingDot = 13,
        TrailingSpace = 14, ReservedName = 15, TooLong = 16, InvalidUtf8 = 17, Lookalike = 18, PathTooLong = 19,
        RootRelative = 20, RootDriveRelative = 21, RootRootedRelative = 22, RootDotComponent = 23,
        RootInvalid = 24, RootTooLong = 25,
    }

    /// <summary>Path syntax of a root and of the resolved result (dw_path_style).</summary>
    public enum PathStyle { Auto = 0, Windows = 1, Posix = 2 }

    /// <summary>Exchange version whose install folder stands in for a blank root (dw_exchange_version).</summary>
    public enum ExchangeVersion { Exchange2007 = 0, Exchange2010 = 1, Exchange2013 = 2 }

    /// <summary>Which input a resolution problem was found in (dw_input).</summary>
    public enum ResolveInput { None = 0, Root = 1, DropDirectory = 2, Result = 3 }

    /// <summary>How Exchange's real join differs from the strict one (dw_explain_warning bits).</summary>
    [Flags]
    public enum ExplainWarnings
    {
        None = 0, RootReplaced = 1 << 0, Subdirectory = 1 << 1, ParentEscape = 1 << 2, InvalidName = 1 << 3,
        Differs = 1 << 4, PathTooLong = 1 << 5, DriveRelative = 1 << 6, NoDropDirectory = 1 << 7,
        CombineFails = 1 << 8,
    }

    /// <summary>Alert output format (dw_format).</summary>
    public enum AlertFormat { Text = 0, Xml = 1, Json = 2, Syslog = 3 }

    /// <summary>How DropDirectoryQuota decides (dw_quota_mode): Exchange's rule (default) or never exceed.</summary>
    public enum QuotaMode { Exchange = 0, Strict = 1 }

    /// <summary>Which event ID an alert carries (dw_event_mode).</summary>
    public enum AlertEventMode { Event8004 = 0, Auto = 1 }

    /// <summary>Durability of a published message (dw_durability).</summary>
    public enum Durability { Full = 0, None = 1 }

    /// <summary>How final file names are made (dw_naming).</summary>
    public enum FileNaming { Unique = 0, Exchange = 1 }

    /// <summary>Message priority, used by <see cref="FileNaming.Exchange"/> (dw_priority).</summary>
    public enum MessagePriority { Normal = 0, High = 1, Low = 2 }

    /// <summary>What X-EndOfInjectedXHeaders carries (dw_eoh_mode).</summary>
    public enum EndOfHeadersMode { MimeLength = 0, HeaderLength = 1 }
}
