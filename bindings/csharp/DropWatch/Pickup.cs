// SPDX-License-Identifier: MIT
// The gateway's side of a drop directory: claim ready messages, read envelope and MIME, acknowledge or
// release (libdropwatch's dw_pickup_* API; see doc/pickup.md).
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>Options of a <see cref="Pickup"/>.</summary>
    public sealed class PickupOptions
    {
        /// <summary>Age (ms) before a file whose length cannot be verified is ready (default: dw_pickup_options_init's).</summary>
        public uint SettleMilliseconds { get; set; }
        /// <summary>Age (s) after which a short or malformed file is quarantined (default: dw_pickup_options_init's).</summary>
        public uint IncompleteAfterSeconds { get; set; }
        /// <summary>Age (s) after which another picker's claim is taken over (default: dw_pickup_options_init's).</summary>
        public uint ClaimTtlSeconds { get; set; }
        /// <summary>When set, acknowledged messages move into this subdirectory instead of being deleted.</summary>
        public string ArchiveDirectory { get; set; }
        /// <summary>fsync the directories after ack and release (default true).</summary>
        public bool Durable { get; set; }
        /// <summary>Quarantine files without an X-Sender envelope.</summary>
        public bool RequireEnvelope { get; set; }

        /// <summary>The library's defaults (dw_pickup_options_init).</summary>
        public PickupOptions()
        {
            Interop.EnsureLoaded();
            using (var o = new dw_pickup_options())
            {
                DropWatchNative.dw_pickup_options_init(o);
                SettleMilliseconds = o.settle_ms;
                IncompleteAfterSeconds = o.incomplete_after_seconds;
                ClaimTtlSeconds = o.claim_ttl_seconds;
                Durable = o.durable != 0;
                RequireEnvelope = o.require_envelope != 0;
            }
        }
    }

    /// <summary>A file quarantined because Exchange (or someone) left it broken.</summary>
    public sealed class QuarantinedFile
    {
        /// <summary>The file's name in the drop directory.</summary>
        public string Name { get; internal set; }
        /// <summary>Its name inside .dwpickup/quarantine.</summary>
        public string MovedTo { get; internal set; }
        /// <summary>incomplete, truncated, malformed, oversize or no-envelope.</summary>
        public string Reason { get; internal set; }
        /// <summary>One-line explanation.</summary>
        public string Text { get; internal set; }
        /// <summary>The Event 8004 alert record as JSON.</summary>
        public string AlertJson { get; internal set; }
    }

    internal sealed class PickupSafeHandle : SafeHandle
    {
        internal PickupSafeHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        internal SWIGTYPE_p_dw_pickup Native => new SWIGTYPE_p_dw_pickup(handle, false);
        protected override bool ReleaseHandle()
        {
            DropWatchNative.dw_pickup_close(new SWIGTYPE_p_dw_pickup(handle, false));
            return true;
        }
    }

    /// <summary>
    /// A drop directory opened for pickup. <see cref="Next"/> claims the oldest ready message (two pickers never
    /// get the same one); <see cref="Receive"/> enumerates them. One thread at a time per instance.
    /// </summary>
    public sealed class Pickup : IDisposable
    {
        private readonly PickupSafeHandle handle;
        internal readonly object Sync = new object();
        private readonly List<QuarantinedFile> quarantined = new List<QuarantinedFile>();
        internal readonly HashSet<PickupMessage> Live = new HashSet<PickupMessage>();

        /// <summary>The drop directory.</summary>
        public string Path { get; }

        /// <summary>Files quarantined so far by this instance.</summary>
        public IReadOnlyList<QuarantinedFile> Quarantined => quarantined;

        /// <summary>Open a drop directory (which must exist) for pickup.</summary>
        public Pickup(string path, PickupOptions options = null)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Interop.EnsureLoaded();
            options = options ?? new PickupOptions();
            using (var err = new dw_io_error())
            {
                SWIGTYPE_p_dw_pickup p = DropWatchNative.dwcs_pickup_open(path, options.SettleMilliseconds,
                    options.IncompleteAfterSeconds, options.ClaimTtlSeconds, options.ArchiveDirectory,
                    options.Durable ? 1 : 0, options.RequireEnvelope ? 1 : 0, err, out int st);
                Interop.Check((dw_status)st, err, "Opening drop directory '" + path + "' for pickup", nameof(path));
                handle = new PickupSafeHandle(SWIGTYPE_p_dw_pickup.getCPtr(p).Handle);
            }
            Path = path;
        }

        /// <summary>Open without throwing: false with the classified exception in error.</summary>
        public static bool TryOpen(string path, PickupOptions options, out Pickup pickup, out Exception error)
            => Interop.Attempt(() => new Pickup(path, options), out pickup, out error);

        internal PickupSafeHandle Handle
        {
            get
            {
                if (handle.IsClosed) throw new ObjectDisposedException(nameof(Pickup), "the pickup handle was closed");
                return handle;
            }
        }

        /// <summary>True when <see cref="Wait"/> uses change notification (inotify), false when it polls.</summary>
        public bool Watching { get { lock (Sync) return DropWatchNative.dw_pickup_watching(Handle.Native) != 0; } }

        /// <summary>Claim the oldest ready message, or null when none is ready.</summary>
        public PickupMessage Next()
        {
            lock (Sync)
            {
                var h = Handle;
                using (var err = new dw_io_error())
                {
                    SWIGTYPE_p_dw_pickup_msg m = DropWatchNative.dwcs_pickup_next(h.Native, err, out int st);
                    CollectQuarantined(h);
                    Interop.Check((dw_status)st, err, "Picking up from '" + Path + "'");
                    IntPtr ptr = m == null ? IntPtr.Zero : SWIGTYPE_p_dw_pickup_msg.getCPtr(m).Handle;
                    return ptr == IntPtr.Zero ? null : Track(new PickupMessage(this, ptr));
                }
            }
        }

        /// <summary>Next without throwing: false with the classified exception in error.</summary>
        public bool TryNext(out PickupMessage message, out Exception error)
            => Interop.Attempt(Next, out message, out error);

        /// <summary>Claim the named message; null when it is gone or not ready.</summary>
        public PickupMessage Claim(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            lock (Sync)
            {
                var h = Handle;
                using (var err = new dw_io_error())
                {
                    SWIGTYPE_p_dw_pickup_msg m = DropWatchNative.dwcs_pickup_claim(h.Native, name, err, out int st);
                    CollectQuarantined(h);
                    Interop.Check((dw_status)st, err, "Claiming '" + name + "'", nameof(name));
                    IntPtr ptr = m == null ? IntPtr.Zero : SWIGTYPE_p_dw_pickup_msg.getCPtr(m).Handle;
                    return ptr == IntPtr.Zero ? null : Track(new PickupMessage(this, ptr));
                }
            }
        }

        /// <summary>How long a follow loop waits between scans when nothing is ready (the library's
        /// DW_PICKUP_WAIT_DEFAULT_MS; a change ends the wait earlier).</summary>
        public static readonly TimeSpan DefaultWait = TimeSpan.FromMilliseconds(DropWatchNative.DW_PICKUP_WAIT_DEFAULT_MS);

        /// <summary>Block until the directory changes or the timeout passes.</summary>
        public void Wait(TimeSpan timeout)
        {
            double ms = Math.Max(0, Math.Min(timeout.TotalMilliseconds, uint.MaxValue));
            using (var err = new dw_io_error())
                Interop.Check(DropWatchNative.dw_pickup_wait(Handle.Native, (uint)ms, err), err, "Waiting on '" + Path + "'");
        }

        /// <summary>
        /// The ready messages, oldest first, each claimed as it is reached. The caller acknowledges or releases
        /// each one; one left undecided when the enumeration moves on is released. With follow, waits for new
        /// messages until the enumeration is abandoned.
        /// </summary>
        public IEnumerable<PickupMessage> Receive(bool follow = false)
        {
            while (true)
            {
                PickupMessage m = Next();
                if (m == null)
                {
                    if (!follow) yield break;
                    Wait(DefaultWait);
                    continue;
                }
                try
                {
                    yield return m;
                }
                finally
                {
                    if (!m.Done) m.Release();
                }
            }
        }

        private void CollectQuarantined(PickupSafeHandle h)
        {
            for (ulong i = 0; ; i++)
            {
                string name = QText(h, i, 0);
                if (name == null) return;
                quarantined.Add(new QuarantinedFile
                {
                    Name = name,
                    MovedTo = QText(h, i, 1),
                    Text = QText(h, i, 2),
                    Reason = QText(h, i, 3),
                    AlertJson = QText(h, i, 10 + (int)dw_format.DW_FORMAT_JSON),
                });
            }
        }

        private static string QText(PickupSafeHandle h, ulong i, int which)
        {
            dw_status st = DropWatchNative.dwcs_pickup_quarantined_text(h.Native, i, which, out IntPtr borrowed, out IntPtr owned);
            string text = Interop.TakeText(owned) ?? Interop.PeekText(borrowed);
            GC.KeepAlive(h); // borrowed texts live in the pickup handle
            return st == dw_status.DW_OK ? text : null;
        }

        private PickupMessage Track(PickupMessage m)
        {
            Live.Add(m);
            return m;
        }

        /// <summary>Release the messages still claimed through this instance and close the handle.</summary>
        public void Dispose()
        {
            lock (Sync)
            {
                if (handle.IsClosed) return;
                foreach (var m in new List<PickupMessage>(Live)) m.TryRelease(out Exception _);
                handle.Dispose();
            }
        }
    }

    /// <summary>A claimed message: envelope, MIME stream, then <see cref="Ack"/> or <see cref="Release"/>.
    /// Disposing an undecided message releases it.</summary>
    public sealed class PickupMessage : IDisposable
    {
        private readonly Pickup pickup;
        private IntPtr ptr;

        internal PickupMessage(Pickup pickup, IntPtr p)
        {
            this.pickup = pickup;
            ptr = p;
            var m = new SWIGTYPE_p_dw_pickup_msg(p, false);
            Name = Text(m, 0, 0);
            Sender = Text(m, 1, -1);
            SenderParameters = Text(m, 2, -1);
            ulong n = DropWatchNative.dw_pickup_msg_recipient_count(m);
            var r = new string[n];
            var rp = new string[n];
            for (ulong i = 0; i < n; i++)
            {
                r[i] = Text(m, 1, (long)i);
                rp[i] = Text(m, 2, (long)i);
            }
            Recipients = r;
            RecipientParameters = rp;
            using (var info = new dw_pickup_info())
            {
                DropWatchNative.dw_pickup_msg_info(m, info);
                MimeSize = info.mime_size;
                FileSize = info.file_size;
                HasEnvelope = info.has_envelope != 0;
                Redelivered = info.redelivered != 0;
            }
        }

        private static string Text(SWIGTYPE_p_dw_pickup_msg m, int which, long index)
        {
            dw_status st = DropWatchNative.dwcs_pickup_msg_text(m, which, index, out IntPtr text);
            return st == dw_status.DW_OK ? Interop.PeekText(text) : null;
        }

        /// <summary>The message's file name in the drop directory.</summary>
        public string Name { get; }
        /// <summary>X-Sender address (null without an envelope; "" for the null sender).</summary>
        public string Sender { get; }
        /// <summary>MAIL FROM parameters, or null.</summary>
        public string SenderParameters { get; }
        /// <summary>X-Receiver addresses.</summary>
        public string[] Recipients { get; }
        /// <summary>RCPT TO parameters per recipient (null entries when none).</summary>
        public string[] RecipientParameters { get; }
        /// <summary>Bytes of the MIME message.</summary>
        public ulong MimeSize { get; }
        /// <summary>Bytes in the file (envelope included).</summary>
        public ulong FileSize { get; }
        /// <summary>True when the file starts with an envelope.</summary>
        public bool HasEnvelope { get; }
        /// <summary>True when taken over from a crashed picker's claim (possibly handed on before).</summary>
        public bool Redelivered { get; }
        /// <summary>True once acknowledged or released.</summary>
        public bool Done => ptr == IntPtr.Zero;

        private SWIGTYPE_p_dw_pickup_msg Live
        {
            get
            {
                if (ptr == IntPtr.Zero) throw new InvalidOperationException("the message was already acknowledged or released");
                return new SWIGTYPE_p_dw_pickup_msg(ptr, false);
            }
        }

        /// <summary>Read up to count bytes of the MIME message into buffer; 0 at the end.</summary>
        public int Read(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || count < 0 || offset > buffer.Length - count) throw new ArgumentOutOfRangeException(nameof(count));
            lock (pickup.Sync)
            {
                byte[] tmp = offset == 0 ? buffer : new byte[count];
                using (var err = new dw_io_error())
                {
                    dw_status st = DropWatchNative.dwcs_pickup_msg_read(Live, tmp, (ulong)count, out ulong got, err);
                    Interop.Check(st, err, "Reading '" + Name + "'");
                    if (offset != 0) Array.Copy(tmp, 0, buffer, offset, (int)got);
                    return (int)got;
                }
            }
        }

        /// <summary>The whole MIME message (from the start).</summary>
        public byte[] ReadAll()
        {
            lock (pickup.Sync) DropWatchNative.dw_pickup_msg_rewind(Live);
            var ms = new MemoryStream();
            var buf = new byte[64 * 1024];
            int n;
            while ((n = Read(buf, 0, buf.Length)) > 0) ms.Write(buf, 0, n);
            return ms.ToArray();
        }

        /// <summary>Acknowledge: delete (or archive) the message, durably.</summary>
        public void Ack() => Finish(true);

        /// <summary>Put the message back for this or another picker.</summary>
        public void Release() => Finish(false);

        private void Finish(bool ack)
        {
            lock (pickup.Sync)
            {
                var m = Live;
                ptr = IntPtr.Zero;
                pickup.Live.Remove(this);
                using (var err = new dw_io_error())
                {
                    dw_status st = ack ? DropWatchNative.dw_pickup_ack(m, err) : DropWatchNative.dw_pickup_release(m, err);
                    Interop.Check(st, err, (ack ? "Acknowledging '" : "Releasing '") + Name + "'");
                }
            }
        }

        /// <summary>Ack without throwing.</summary>
        public bool TryAck(out Exception error) => Interop.Attempt(() => { Ack(); return true; }, out bool _, out error);

        /// <summary>Release without throwing.</summary>
        public bool TryRelease(out Exception error) => Interop.Attempt(() => { Release(); return true; }, out bool _, out error);

        /// <summary>Releases the message when it is still undecided.</summary>
        public void Dispose()
        {
            if (!Done) Release();
        }
    }
}
