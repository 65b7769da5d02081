// SPDX-License-Identifier: MIT
// Repeated alerts suppressed per connector and event, as Exchange throttles its own events.
using System;
using System.Collections.Generic;
using System.Text;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>A closed suppression window: Suppressed alerts for Connector and EventId were not logged.</summary>
    public sealed class SuppressedWindow
    {
        /// <summary>The connector.</summary>
        public string Connector { get; internal set; }
        /// <summary>The event ID.</summary>
        public uint EventId { get; internal set; }
        /// <summary>Alerts inside the window that were not logged.</summary>
        public ulong Suppressed { get; internal set; }
        /// <summary>When the logged alert opened the window.</summary>
        public DateTimeOffset Opened { get; internal set; }
        /// <summary>When the window ended.</summary>
        public DateTimeOffset Closed { get; internal set; }
    }

    /// <summary>
    /// Per connector and event ID, the first alert opens a window and is logged; repeats inside it are
    /// counted, not logged; the count is reported when the window closes. Thread-safe.
    /// </summary>
    public sealed class Throttle : IDisposable
    {
        /// <summary>The library's default window (DW_THROTTLE_DEFAULT_SECONDS: 15 minutes).</summary>
        public const uint DefaultWindowSeconds = DropWatchNative.DW_THROTTLE_DEFAULT_SECONDS;

        private SWIGTYPE_p_dw_throttle handle;
        private readonly object gate = new object();

        /// <summary>A throttle with a window of windowSeconds (0: every alert is logged).</summary>
        public Throttle(uint windowSeconds = DefaultWindowSeconds)
        {
            Interop.EnsureLoaded();
            handle = DropWatchNative.dwcs_throttle_new(windowSeconds, out int st);
            if ((dw_status)st != dw_status.DW_OK)
                throw Interop.StatusException((dw_status)st, "creating a throttle", nameof(windowSeconds));
        }

        /// <summary>The window length in seconds.</summary>
        public uint WindowSeconds { get { lock (gate) return DropWatchNative.dw_throttle_window_seconds(Live()); } }

        private SWIGTYPE_p_dw_throttle Live() => handle ?? throw new ObjectDisposedException(nameof(Throttle));

        /// <summary>
        /// One alert: true to log it. closed receives the previous window of this connector and event when
        /// this alert closed it with suppressed repeats, else null. now: null = the current time.
        /// </summary>
        public bool Check(string connector, uint eventId, out SuppressedWindow closed, DateTimeOffset? now = null)
        {
            long t = (now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
            dw_status st;
            int log;
            ulong suppressed;
            long opened, end;
            lock (gate)
                st = DropWatchNative.dwcs_throttle_check(Live(), connector ?? "", eventId, t, out log, out suppressed,
                                                         out opened, out end);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "checking the throttle", nameof(eventId));
            closed = suppressed == 0 ? null : new SuppressedWindow
            {
                Connector = connector ?? "", EventId = eventId, Suppressed = suppressed,
                Opened = DateTimeOffset.FromUnixTimeMilliseconds(opened), Closed = DateTimeOffset.FromUnixTimeMilliseconds(end),
            };
            return log != 0;
        }

        /// <summary>Take the windows that ended by now (all of them with all = true) and had suppressed alerts.</summary>
        public IList<SuppressedWindow> Expired(DateTimeOffset? now = null, bool all = false)
        {
            long t = all ? long.MaxValue : (now ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
            var list = new List<SuppressedWindow>();
            var buf = new byte[256];
            lock (gate)
            {
                for (;;)
                {
                    dw_status st = DropWatchNative.dwcs_throttle_next_expired(Live(), t, buf, (ulong)buf.Length,
                        out int ev, out ulong suppressed, out long opened, out long end);
                    if (st != dw_status.DW_OK) throw Interop.StatusException(st, "reading the throttle");
                    if (ev == 0) return list;
                    int n = Array.IndexOf(buf, (byte)0);
                    list.Add(new SuppressedWindow
                    {
                        Connector = Encoding.UTF8.GetString(buf, 0, n < 0 ? buf.Length : n), EventId = (uint)ev,
                        Suppressed = suppressed, Opened = DateTimeOffset.FromUnixTimeMilliseconds(opened),
                        Closed = DateTimeOffset.FromUnixTimeMilliseconds(end),
                    });
                }
            }
        }

        /// <summary>Free the throttle. Idempotent.</summary>
        public void Dispose()
        {
            lock (gate)
            {
                if (handle != null)
                {
                    DropWatchNative.dw_throttle_free(handle);
                    handle = null;
                }
            }
        }
    }
}
