// SPDX-License-Identifier: MIT
// Event 8004 alert records (and the sibling events Exchange logs from the same path).
using System;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>
    /// One alert occurrence: "A non-SMTP gateway connection failure occurred on the specified connector. An
    /// I/O exception occurred when writing to the Drop directory." Formatted as text, Windows Event XML,
    /// one-line JSON or an RFC 5424 syslog line; every format is well-formed for any input.
    /// </summary>
    public sealed class Alert
    {
        /// <summary>Foreign connector name.</summary>
        public string Connector { get; set; }
        /// <summary>Resolved drop directory.</summary>
        public string DropPath { get; set; }
        /// <summary>RootDropDirectoryPath as configured.</summary>
        public string Root { get; set; }
        /// <summary>DropDirectory as configured.</summary>
        public string DropDirectory { get; set; }
        /// <summary>Computer name; null = "localhost".</summary>
        public string Computer { get; set; }
        /// <summary>The I/O exception text; null = derived from <see cref="Error"/>.</summary>
        public string ExceptionText { get; set; }
        /// <summary>The classification.</summary>
        public IOErrorInfo Error { get; set; }
        /// <summary>Event time; null = now.</summary>
        public DateTimeOffset? Time { get; set; }
        /// <summary>EventRecordID, emitted only when set.</summary>
        public ulong? RecordId { get; set; }
        /// <summary>The ID Exchange logs for what it catches (Auto, the default), or always 8004.</summary>
        public AlertEventMode EventMode { get; set; }
        /// <summary>Whose management pack supplies the rule metadata and which cmdlet explanations name.</summary>
        public ExchangeVersion ExchangeVersion { get; set; }
        /// <summary>RFC 5424 facility, 0 to DW_SYSLOG_FACILITY_MAX (default: dw_alert_init's, local0).</summary>
        public int SyslogFacility { get; set; }
        /// <summary>Syslog APP-NAME; null = "dropwatch".</summary>
        public string AppName { get; set; }

        /// <summary>The library's defaults (dw_alert_init).</summary>
        public Alert()
        {
            Interop.EnsureLoaded();
            using (var a = new dw_alert())
            {
                DropWatchNative.dw_alert_init(a);
                EventMode = (AlertEventMode)(int)a.event_mode;
                ExchangeVersion = (ExchangeVersion)(int)a.exchange_version;
                SyslogFacility = a.syslog_facility;
            }
        }

        /// <summary>True when <paramref name="facility"/> is an RFC 5424 facility number the library formats
        /// (0 to DW_SYSLOG_FACILITY_MAX).</summary>
        public static bool IsValidSyslogFacility(int facility)
        {
            Interop.EnsureLoaded();
            return facility >= 0 && facility <= DropWatchNative.DW_SYSLOG_FACILITY_MAX;
        }

        /// <summary>An alert for a failed guarded write.</summary>
        public static Alert FromException(DropIOException exception, string connector = null)
        {
            if (exception == null) throw new ArgumentNullException(nameof(exception));
            return new Alert { Connector = connector, Error = exception.Error, DropPath = exception.Path };
        }

        /// <summary>The event ID this record carries (8004, or 8005/8007/8008/8009 in Auto mode).</summary>
        public uint EventId
        {
            get
            {
                Interop.EnsureLoaded();
                using (var err = Error?.ToNative())
                    return DropWatchNative.dwcs_alert_event_id((int)EventMode, err);
            }
        }

        /// <summary>Format the record. Throws ArgumentException for an out-of-range facility or format.</summary>
        public string Format(AlertFormat format = AlertFormat.Text)
        {
            Interop.EnsureLoaded();
            long timeMs = Time.HasValue ? Time.Value.ToUnixTimeMilliseconds() : -1;
            using (var err = Error?.ToNative())
            {
                dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dwcs_alert_format(
                        Connector, DropPath, Root, DropDirectory, Computer, ExceptionText, err, timeMs,
                        RecordId ?? 0, RecordId.HasValue ? 1 : 0, (int)EventMode, SyslogFacility, AppName,
                        (int)ExchangeVersion, (int)format, out t),
                    out string text);
                if (st != dw_status.DW_OK) throw Interop.StatusException(st, "formatting the alert", nameof(format));
                return text;
            }
        }

        /// <summary>Format without throwing: false with the exception Format would throw in error.</summary>
        public bool TryFormat(AlertFormat format, out string text, out Exception error)
            => Interop.Attempt(() => Format(format), out text, out error);

        /// <summary>Format by name ("text", "xml", "json", "syslog", case-insensitive).</summary>
        public string Format(string format) => Format(ParseFormat(format));

        /// <summary>Parse a format name, case-insensitively (FormatException when unknown).</summary>
        public static AlertFormat ParseFormat(string name)
            => (AlertFormat)Interop.ParseEnum(dw_enum.DW_ENUM_FORMAT, name, nameof(name), "an alert format");

        /// <summary>Name of a format ("text", ...).</summary>
        public static string FormatName(AlertFormat format)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_format_name((dw_format)(int)format)
                ?? throw new ArgumentOutOfRangeException(nameof(format), format, "unknown alert format");
        }

        /// <summary>Symbolic name of an event ID ("NonSmtpGWQuotaExceeded" for 8005), or null.</summary>
        public static string EventName(uint eventId)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_event_name(eventId);
        }
    }
}
