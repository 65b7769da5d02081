// SPDX-License-Identifier: MIT
// DropDirectoryQuota values as Exchange writes them.
using System;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>Parses and formats DropDirectoryQuota values. 0 bytes means unlimited.</summary>
    public static class Quota
    {
        /// <summary>
        /// Parse "unlimited", "1048576", "10MB", "1.5 GB" or "10 MB (10,485,760 bytes)". Returns the byte
        /// count, 0 for unlimited. Throws <see cref="FormatException"/> for malformed, negative or zero values.
        /// </summary>
        public static ulong Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            Interop.EnsureLoaded();
            dw_status st = DropWatchNative.dwcs_quota_parse(text, out ulong bytes);
            if (st == dw_status.DW_E_PARSE) throw new FormatException(Interop.Quote(text) + " is not a DropDirectoryQuota value");
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "parsing a DropDirectoryQuota", nameof(text));
            return bytes;
        }

        /// <summary>Parse without throwing for malformed text.</summary>
        public static bool TryParse(string text, out ulong bytes)
        {
            bytes = 0;
            if (text == null) return false;
            Interop.EnsureLoaded();
            return DropWatchNative.dwcs_quota_parse(text, out bytes) == dw_status.DW_OK;
        }

        /// <summary>Whether a stored DropDirectoryQuota is in Set-ForeignConnector's range, 1 MB to
        /// 2,147,483,647 MB (0, unlimited, is accepted too).</summary>
        public static bool IsValidDropDirectoryQuota(ulong bytes)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_quota_validate(bytes) == dw_status.DW_OK;
        }

        /// <summary>Format exactly as ByteQuantifiedSize prints it (G4, invariant culture): "unlimited",
        /// "10 MB (10,485,760 bytes)", "9.766 KB (10,000 bytes)".</summary>
        public static string Format(ulong bytes)
        {
            Interop.EnsureLoaded();
            dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_quota_format_alloc(bytes, out t), out string text);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "formatting a quota");
            return text;
        }
    }
}
