// SPDX-License-Identifier: MIT
// Validation of a Foreign connector's DropDirectory value against every Windows naming rule.
using System;
using System.Text;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>The verdict on a DropDirectory value.</summary>
    public sealed class DropNameCheck
    {
        /// <summary>The value checked.</summary>
        public string Name { get; internal set; }
        /// <summary>True when the value is a valid DropDirectory.</summary>
        public bool IsValid => Reason == DropNameReason.Ok;
        /// <summary>The first violation (Ok when valid).</summary>
        public DropNameReason Reason { get; internal set; }
        /// <summary>Symbolic name of the reason ("DW_REASON_SEPARATOR").</summary>
        public string ReasonName { get; internal set; }
        /// <summary>Human-readable explanation of the reason.</summary>
        public string Message { get; internal set; }
        /// <summary>Byte offset (UTF-8) where the violation was seen.</summary>
        public long Offset { get; internal set; }
        /// <summary>The offending code point, or 0.</summary>
        public int CodePoint { get; internal set; }
        /// <summary>Length of the value in UTF-16 units.</summary>
        public long Utf16Units { get; internal set; }
        /// <inheritdoc/>
        public override string ToString() => IsValid ? "valid" : Message;
    }

    /// <summary>Validates DropDirectory values ("a simple directory name", no path information).</summary>
    public static class DropDirectoryName
    {
        /// <summary>Validate a value (never throws for an invalid value: see <see cref="DropNameCheck.IsValid"/>).</summary>
        public static DropNameCheck Validate(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            var check = Validate(Encoding.UTF8.GetBytes(name));
            check.Name = name;
            return check;
        }

        /// <summary>Validate raw UTF-8 bytes (may hold NULs or invalid UTF-8, which are reported as such).</summary>
        public static DropNameCheck Validate(byte[] utf8)
        {
            if (utf8 == null) throw new ArgumentNullException(nameof(utf8));
            Interop.EnsureLoaded();
            using (var r = new dw_name_check())
            {
                dw_status st = DropWatchNative.dwcs_name_validate(utf8, (ulong)utf8.Length, r);
                if (st != dw_status.DW_OK && st != dw_status.DW_E_NAME)
                    throw Interop.StatusException(st, "validating a DropDirectory value", nameof(utf8));
                var reason = (DropNameReason)(int)r.reason;
                return new DropNameCheck
                {
                    Name = Encoding.UTF8.GetString(utf8), Reason = reason,
                    ReasonName = DropWatchNative.dw_reason_name(r.reason), Message = DropWatchNative.dw_reason_str(r.reason),
                    Offset = (long)r.offset, CodePoint = (int)r.codepoint, Utf16Units = (long)r.utf16_units,
                };
            }
        }

        /// <summary>Throw <see cref="InvalidDropDirectoryNameException"/> unless the value is valid.</summary>
        public static void EnsureValid(string name)
        {
            var c = Validate(name);
            if (!c.IsValid)
                throw new InvalidDropDirectoryNameException("Invalid DropDirectory " + Interop.Quote(name) + ": " + c.Message,
                                                            nameof(name), c.Reason, c.Offset, c.CodePoint);
        }

        /// <summary>True for a Windows reserved device name (CON, NUL, COM1, LPT¹, CONIN$, ...), with or without extension.</summary>
        public static bool IsReserved(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Interop.EnsureLoaded();
            return DropWatchNative.dw_name_is_reserved(name) != 0;
        }

        /// <summary>Explanation of a reason.</summary>
        public static string ReasonText(DropNameReason reason)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_reason_str((dw_reason)(int)reason);
        }
    }
}
