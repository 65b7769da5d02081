// SPDX-License-Identifier: MIT
// Guarded writes into an open drop directory.
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>Options for opening a drop directory (defaults are the library's own).</summary>
    public sealed class DropOptions
    {
        /// <summary>DropDirectoryQuota in bytes; 0 = unlimited.</summary>
        public ulong QuotaBytes { get; set; }
        /// <summary>Exchange's rule (default: refused only when the files already reach the quota, so the
        /// message that crosses it is written) or Strict (never exceed).</summary>
        public QuotaMode QuotaMode { get; set; }
        /// <summary>True: no ".dwquota" ledger file in the directory (the quota rescans it per message).</summary>
        public bool NoLedger { get; set; }
        /// <summary>True: the health probe writes no canary file (Writable stays false: not probed).</summary>
        public bool NoCanary { get; set; }
        /// <summary>Where temporary files are written before their rename into the drop directory: null or ""
        /// = the drop directory itself (default); the name of one subdirectory (".dwtmp": a gateway picking up
        /// "*.*" without recursing never sees it) or an absolute directory on the same volume. It must exist
        /// and not be a reparse point (DropConfigurationException otherwise).</summary>
        public string TempDir { get; set; }
        /// <summary>Transient retries per operation.</summary>
        public uint RetryMax { get; set; }
        /// <summary>First backoff delay in milliseconds (doubled each retry).</summary>
        public uint RetryBaseMilliseconds { get; set; }
        /// <summary>Maximum single delay in milliseconds.</summary>
        public uint RetryCapMilliseconds { get; set; }
        /// <summary>Full (fsync file and directory) or None (atomic, not crash-durable).</summary>
        public Durability Durability { get; set; }
        /// <summary>How final names are made.</summary>
        public FileNaming Naming { get; set; }
        /// <summary>Optional prefix for unique names (a simple name part).</summary>
        public string NamePrefix { get; set; }
        /// <summary>Machine name for Exchange naming; null = the host name.</summary>
        public string MachineName { get; set; }
        /// <summary>Permission bits of message files (0640 by default).</summary>
        public uint FileMode { get; set; }
        /// <summary>Longest wait for the quota ledger lock in milliseconds (5000 by default); then a
        /// DropTransientException naming the process holding it.</summary>
        public uint LockTimeoutMilliseconds { get; set; }
        /// <summary>Fault injection (tests): the operation that fails.</summary>
        public IOOperation InjectOperation { get; set; }
        /// <summary>Fault injection: the errno it fails with.</summary>
        public int InjectErrno { get; set; }
        /// <summary>Fault injection: how many calls of that operation fail.</summary>
        public uint InjectCount { get; set; }
        /// <summary>Fault injection: most bytes per write call (0 = off).</summary>
        public uint InjectShortWrite { get; set; }

        /// <summary>The library's defaults.</summary>
        public DropOptions()
        {
            Interop.EnsureLoaded();
            using (var o = new dw_drop_options())
            {
                DropWatchNative.dw_drop_options_init(o);
                QuotaBytes = o.quota_bytes;
                QuotaMode = (QuotaMode)(int)o.quota_mode;
                RetryMax = o.retry_max;
                RetryBaseMilliseconds = o.retry_base_ms;
                RetryCapMilliseconds = o.retry_cap_ms;
                Durability = (Durability)(int)o.durability;
                Naming = (FileNaming)(int)o.naming;
                FileMode = o.file_mode;
                LockTimeoutMilliseconds = o.lock_timeout_ms;
                InjectOperation = IOOperation.None;
            }
        }

        internal dw_drop_options ToNative()
        {
            var o = new dw_drop_options();
            DropWatchNative.dw_drop_options_init(o);
            o.quota_bytes = QuotaBytes;
            o.quota_mode = (dw_quota_mode)(int)QuotaMode;
            o.no_ledger = NoLedger ? 1 : 0;
            o.no_canary = NoCanary ? 1 : 0;
            o.retry_max = RetryMax;
            o.retry_base_ms = RetryBaseMilliseconds;
            o.retry_cap_ms = RetryCapMilliseconds;
            o.durability = (dw_durability)(int)Durability;
            o.naming = (dw_naming)(int)Naming;
            o.file_mode = FileMode;
            o.lock_timeout_ms = LockTimeoutMilliseconds;
            // The ranges are the library's (dw_drop_options_check); its text names the C field.
            using (var err = new dw_io_error())
            {
                if (DropWatchNative.dw_drop_options_check(o, err) != dw_status.DW_OK)
                {
                    var info = new IOErrorInfo(err);
                    string field = info.Detail.Split(' ')[0];
                    throw new ArgumentOutOfRangeException(PropertyFor(field), info.Detail);
                }
            }
            return o;
        }

        // The .NET property for a C field named in the library's text (the names differ only in style).
        private static string PropertyFor(string field)
        {
            switch (field)
            {
                case "retry_max": return nameof(RetryMax);
                case "retry_base_ms": return nameof(RetryBaseMilliseconds);
                case "retry_cap_ms": return nameof(RetryCapMilliseconds);
                case "file_mode": return nameof(FileMode);
                case "lock_timeout_ms": return nameof(LockTimeoutMilliseconds);
                default: return field;
            }
        }
    }

    /// <summary>Per-message options.</summary>
    public sealed class MessageOptions
    {
        /// <summary>Message size when known (the quota is checked before any byte is written); 0 = unknown.</summary>
        public ulong ExpectedSize { get; set; }
        /// <summary>Optional envelope written before the message.</summary>
        public Envelope Envelope { get; set; }
        /// <summary>Priority, for Exchange naming.</summary>
        public MessagePriority Priority { get; set; }
        /// <summary>Record id for Exchange naming; 0 = generated.</summary>
        public ulong RecordId { get; set; }

        internal dw_msg_options ToNative()
        {
            var o = new dw_msg_options();
            DropWatchNative.dw_msg_options_init(o);
            o.expected_size = ExpectedSize;
            o.priority = (dw_priority)(int)Priority;
            o.record_id = RecordId;
            return o;
        }
    }

    /// <summary>Usage of a drop directory as the quota counts it.</summary>
    public sealed class DropUsage
    {
        /// <summary>Bytes in top-level regular files.</summary>
        public ulong Bytes { get; internal set; }
        /// <summary>Number of top-level regular files.</summary>
        public ulong Files { get; internal set; }
    }

    /// <summary>Result of a health probe. Never thrown: <see cref="Error"/> holds the first failure.</summary>
    public sealed class DropHealth
    {
        /// <summary>The directory probed.</summary>
        public string Path { get; internal set; }
        /// <summary>True when every check passed.</summary>
        public bool IsHealthy => Status == DropStatus.Ok;
        /// <summary>The status of the probe.</summary>
        public DropStatus Status { get; internal set; }
        /// <summary>The first failure, or null.</summary>
        public Exception Error { get; internal set; }
        /// <summary>The path exists.</summary>
        public bool Exists { get; internal set; }
        /// <summary>And is a directory (not a symlink).</summary>
        public bool IsDirectory { get; internal set; }
        /// <summary>A canary guarded write succeeded and was removed.</summary>
        public bool Writable { get; internal set; }
        /// <summary>Free space for the account.</summary>
        public ulong FreeBytes { get; internal set; }
        /// <summary>Size of the file system.</summary>
        public ulong TotalBytes { get; internal set; }
        /// <summary>Bytes in top-level files (quota accounting).</summary>
        public ulong UsedBytes { get; internal set; }
        /// <summary>Top-level regular files.</summary>
        public ulong FileCount { get; internal set; }
        /// <summary>Configured quota (0 = unlimited).</summary>
        public ulong QuotaBytes { get; internal set; }
        /// <summary>Temporary files older than the stale age.</summary>
        public ulong StaleTempFiles { get; internal set; }
        /// <summary>Duration of the canary write in microseconds.</summary>
        public ulong CanaryMicroseconds { get; internal set; }
        /// <summary>How writes publish on this file system: "rename-noreplace", "link", "unique-rename" (shares
        /// with neither; safe by final-name uniqueness), or "unknown".</summary>
        public string PublishMethod { get; internal set; } = "unknown";
    }

    internal sealed class DropSafeHandle : SafeHandle
    {
        internal DropSafeHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        internal SWIGTYPE_p_dw_drop Native => new SWIGTYPE_p_dw_drop(handle, false);
        protected override bool ReleaseHandle()
        {
            DropWatchNative.dw_drop_close(new SWIGTYPE_p_dw_drop(handle, false));
            return true;
        }
    }

    // A message keeps its drop directory's handle alive (AddRef): whatever order the finalizer picks, the
    // message is aborted before the directory handle is closed.
    internal sealed class MessageSafeHandle : SafeHandle
    {
        private readonly DropSafeHandle drop;
        internal bool Released;
        internal MessageSafeHandle(IntPtr p, DropSafeHandle drop) : base(IntPtr.Zero, true)
        {
            bool added = false;
            drop.DangerousAddRef(ref added);
            this.drop = drop;
            SetHandle(p);
        }
        public override bool IsInvalid => handle == IntPtr.Zero;
        internal SWIGTYPE_p_dw_msg Native => new SWIGTYPE_p_dw_msg(handle, false);
        protected override bool ReleaseHandle()
        {
            if (!Released) DropWatchNative.dw_msg_abort(new SWIGTYPE_p_dw_msg(handle, false));
            drop.DangerousRelease();
            return true;
        }
    }

    /// <summary>
    /// An open drop directory. Every message lands completely or not at all: written to a temporary name the
    /// gateway ignores, flushed, published under a unique *.eml name by an atomic no-replace rename. Failures
    /// throw a <see cref="DropIOException"/> subclass. May be shared by threads: calls are serialised (doc/thread-safety.md).
    /// </summary>
    public sealed class Drop : IDisposable
    {
        private readonly DropSafeHandle handle;
        internal readonly object Sync = new object();
        private const int ChunkSize = 64 * 1024;

        /// <summary>The path the drop directory was opened with.</summary>
        public string Path { get; }

        /// <summary>Open a drop directory that must already exist (it is never created implicitly).</summary>
        public Drop(string path, DropOptions options = null)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Interop.EnsureLoaded();
            options = options ?? new DropOptions();
            using (var o = options.ToNative())
            using (var err = new dw_io_error())
            {
                // The Inject* values travel beside the options: the library keeps them out of dw_drop_options
                // (its testing API, dropwatch/testing.h).
                SWIGTYPE_p_dw_drop p = DropWatchNative.dwcs_drop_open(path, o, options.NamePrefix, options.MachineName,
                                                                     options.TempDir,
                                                                     (int)options.InjectOperation, options.InjectErrno,
                                                                     options.InjectCount, options.InjectShortWrite,
                                                                     err, out int st);
                Interop.Check((dw_status)st, err, "Opening drop directory '" + path + "'", nameof(path));
                handle = new DropSafeHandle(SWIGTYPE_p_dw_drop.getCPtr(p).Handle);
            }
            Path = DropWatchNative.dw_drop_path(handle.Native) ?? path;
        }

        /// <summary>Open a drop directory (same as the constructor).</summary>
        public static Drop Open(string path, DropOptions options = null) => new Drop(path, options);

        /// <summary>Open without throwing: false with the classified exception in error.</summary>
        public static bool TryOpen(string path, DropOptions options, out Drop drop, out Exception error)
            => Interop.Attempt(() => new Drop(path, options), out drop, out error);

        /// <summary>Write without throwing: false with the classified exception in error.</summary>
        public bool TryWrite(byte[] data, MessageOptions options, out string name, out Exception error)
            => Interop.Attempt(() => Write(data, options), out name, out error);

        /// <summary>WriteFile without throwing: false with the classified exception in error.</summary>
        public bool TryWriteFile(string sourcePath, MessageOptions options, out string name, out Exception error)
            => Interop.Attempt(() => WriteFile(sourcePath, options), out name, out error);

        /// <summary>Sweep without throwing: false with the classified exception in error.</summary>
        public bool TrySweep(TimeSpan maxAge, out ulong removed, out Exception error)
            => Interop.Attempt(() => Sweep(maxAge), out removed, out error);

        /// <summary>Explicitly create a drop directory (admin tools only; the parent must exist). mode 0 = 0750.</summary>
        public static void CreateDirectory(string path, uint mode = 0)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Interop.EnsureLoaded();
            using (var err = new dw_io_error())
                Interop.Check(DropWatchNative.dwcs_drop_create_dir(path, mode, err), err,
                              "Creating drop directory '" + path + "'", nameof(path));
        }

        internal DropSafeHandle Handle
        {
            get
            {
                if (handle.IsClosed) throw new ObjectDisposedException(nameof(Drop), "the drop directory was closed");
                return handle;
            }
        }

        /// <summary>Guarded write of a buffer; returns the final file name.</summary>
        public string Write(byte[] data, MessageOptions options = null)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            return Write(data, 0, data.Length, options);
        }

        /// <summary>Guarded write of part of a buffer; returns the final file name.</summary>
        public string Write(byte[] data, int offset, int count, MessageOptions options = null)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (offset < 0 || count < 0 || offset > data.Length - count)
                throw new ArgumentOutOfRangeException(nameof(count), "offset and count do not describe a range of the buffer");
            if (offset != 0 || count != data.Length)
            {
                byte[] part = new byte[count];
                Buffer.BlockCopy(data, offset, part, 0, count);
                data = part;
            }
            lock (Sync)
            {
                var h = Handle;
                using (var o = options?.ToNative())
                using (var err = new dw_io_error())
                {
                    var env = options?.Envelope?.Handle;
                    dw_status st = Interop.CallOnce((byte[] b, ulong s, out ulong n) => DropWatchNative.dwcs_drop_write(
                        h.Native, data, (ulong)data.Length, o, env, b, s, out n, err), out string name);
                    GC.KeepAlive(h);
                    GC.KeepAlive(options?.Envelope);
                    Interop.Check(st, err, "Guarded write to '" + Path + "'");
                    return name;
                }
            }
        }

        /// <summary>Guarded write of text encoded as UTF-8 (no BOM); returns the final file name.</summary>
        public string Write(string text, MessageOptions options = null)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            return Write(new UTF8Encoding(false).GetBytes(text), options);
        }

        /// <summary>Guarded write of everything readable from a stream (streamed, never held whole).</summary>
        public string Write(Stream source, MessageOptions options = null)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            using (var msg = BeginMessage(options))
            {
                byte[] chunk = new byte[ChunkSize];
                int n;
                while ((n = source.Read(chunk, 0, chunk.Length)) > 0) msg.Write(chunk, 0, n);
                return msg.Commit();
            }
        }

        /// <summary>Guarded write of a file's content (read by the library; a read failure is classified).</summary>
        public string Write(FileInfo source, MessageOptions options = null)
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            return WriteFile(source.FullName, options);
        }

        /// <summary>Guarded write of a file's content, by path.</summary>
        public string WriteFile(string sourcePath, MessageOptions options = null)
        {
            if (sourcePath == null) throw new ArgumentNullException(nameof(sourcePath));
            lock (Sync)
            {
                var h = Handle;
                using (var o = options?.ToNative())
                using (var err = new dw_io_error())
                {
                    var env = options?.Envelope?.Handle;
                    dw_status st = Interop.CallOnce((byte[] b, ulong s, out ulong n) => DropWatchNative.dwcs_drop_write_file(
                        h.Native, sourcePath, o, env, b, s, out n, err), out string name);
                    GC.KeepAlive(h);
                    GC.KeepAlive(options?.Envelope);
                    Interop.Check(st, err, "Guarded write of '" + sourcePath + "' to '" + Path + "'", nameof(sourcePath));
                    return name;
                }
            }
        }

        /// <summary>
        /// Guarded write of several messages with one durability barrier (one file-system flush and one
        /// directory fsync for the lot). Returns the final names in order. On failure the exception's
        /// Data["PublishedCount"] (ulong) and Data["PublishedNames"] (string[]) tell which leading messages
        /// were published; none of the others exists under any name.
        /// </summary>
        public string[] WriteBatch(System.Collections.Generic.IList<byte[]> messages, MessageOptions options = null)
        {
            if (messages == null) throw new ArgumentNullException(nameof(messages));
            int count = messages.Count;
            var lens = new ulong[count];
            long total = 0;
            for (int i = 0; i < count; i++)
            {
                if (messages[i] == null) throw new ArgumentNullException(nameof(messages), "message " + i + " is null");
                lens[i] = (ulong)messages[i].Length;
                total += messages[i].Length;
            }
            var all = new byte[total];
            long off = 0;
            foreach (var m in messages)
            {
                Buffer.BlockCopy(m, 0, all, (int)off, m.Length);
                off += m.Length;
            }
            int stride = DropWatchNative.DW_FILE_NAME_MAX;
            var names = new byte[Math.Max(1, count) * stride];
            lock (Sync)
            {
                var h = Handle;
                using (var o = options?.ToNative())
                using (var err = new dw_io_error())
                {
                    var env = options?.Envelope?.Handle;
                    dw_status st = DropWatchNative.dwcs_drop_write_batch(h.Native, all, lens, (ulong)count, o, env, names,
                                                                        (ulong)names.Length, out ulong done, err);
                    GC.KeepAlive(h);
                    GC.KeepAlive(options?.Envelope);
                    var published = new string[(int)Math.Min(done, (ulong)count)];
                    for (int i = 0; i < published.Length; i++)
                    {
                        var one = new byte[stride];
                        Buffer.BlockCopy(names, i * stride, one, 0, stride);
                        published[i] = Interop.Utf8(one);
                    }
                    if (st != dw_status.DW_OK)
                    {
                        Exception e = st == dw_status.DW_E_IO
                            ? DropIOException.Create(new IOErrorInfo(err), "Batch write to '" + Path + "'")
                            : Interop.StatusException(st, "Batch write to '" + Path + "'", nameof(messages));
                        e.Data["PublishedCount"] = done;
                        e.Data["PublishedNames"] = published;
                        throw e;
                    }
                    return published;
                }
            }
        }

        /// <summary>Start a streamed message (creates its temporary file).</summary>
        public DropMessage BeginMessage(MessageOptions options = null)
        {
            lock (Sync)
            {
                var h = Handle;
                using (var o = options?.ToNative())
                using (var err = new dw_io_error())
                {
                    var env = options?.Envelope?.Handle;
                    SWIGTYPE_p_dw_msg m = DropWatchNative.dwcs_msg_begin(h.Native, o, env, err, out int st);
                    // The library writes the envelope here and does not keep it: the message needs it no longer.
                    GC.KeepAlive(options?.Envelope);
                    Interop.Check((dw_status)st, err, "Starting a message in '" + Path + "'");
                    return new DropMessage(this, new MessageSafeHandle(SWIGTYPE_p_dw_msg.getCPtr(m).Handle, h));
                }
            }
        }

        /// <summary>Remove temporary files older than maxAge left by crashed writers; returns how many.</summary>
        public ulong Sweep(TimeSpan maxAge)
        {
            if (maxAge < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(maxAge));
            return Sweep((uint)Math.Min(uint.MaxValue, (ulong)maxAge.TotalSeconds));
        }

        /// <summary>Remove temporary files older than maxAgeSeconds; returns how many.</summary>
        public ulong Sweep(uint maxAgeSeconds)
        {
            lock (Sync)
            {
                using (var err = new dw_io_error())
                {
                    dw_status st = DropWatchNative.dwcs_drop_sweep(Handle.Native, maxAgeSeconds, out ulong removed, err);
                    Interop.Check(st, err, "Sweeping '" + Path + "'");
                    return removed;
                }
            }
        }

        /// <summary>Usage as the quota counts it.</summary>
        public DropUsage Usage()
        {
            lock (Sync)
            {
                using (var err = new dw_io_error())
                {
                    dw_status st = DropWatchNative.dwcs_drop_usage(Handle.Native, out ulong bytes, out ulong files, err);
                    Interop.Check(st, err, "Measuring '" + Path + "'");
                    return new DropUsage { Bytes = bytes, Files = files };
                }
            }
        }

        /// <summary>The library's default age after which a temporary file counts as stale (health, sweep).</summary>
        public const uint DefaultStaleAgeSeconds = DropWatchNative.DW_STALE_AGE_DEFAULT_SECONDS;

        /// <summary>
        /// Health probe of a drop directory: existence, type, free space, quota use, stale temporary files and
        /// a canary guarded write (removed afterwards). Failures are reported in the result, not thrown.
        /// </summary>
        public static DropHealth Health(string path, DropOptions options = null, uint staleAgeSeconds = DefaultStaleAgeSeconds)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Interop.EnsureLoaded();
            options = options ?? new DropOptions();
            using (var o = options.ToNative())
            using (var h = new dw_health())
            using (var err = new dw_io_error())
            {
                dw_status st = DropWatchNative.dwcs_drop_health(path, o, options.TempDir,
                                                                (int)options.InjectOperation, options.InjectErrno,
                                                                options.InjectCount, options.InjectShortWrite,
                                                                staleAgeSeconds, h, err);
                Exception error = null;
                if (st == dw_status.DW_E_IO) error = DropIOException.Create(new IOErrorInfo(err), "Health of '" + path + "'");
                else if (st != dw_status.DW_OK) error = Interop.StatusException(st, "Health of '" + path + "'", nameof(path));
                return new DropHealth
                {
                    Path = path, Status = (DropStatus)(int)st, Error = error, Exists = h.exists != 0,
                    IsDirectory = h.is_directory != 0, Writable = h.writable != 0, FreeBytes = h.free_bytes,
                    TotalBytes = h.total_bytes, UsedBytes = h.used_bytes, FileCount = h.file_count,
                    QuotaBytes = h.quota_bytes, StaleTempFiles = h.stale_temp_files, CanaryMicroseconds = h.canary_micros,
                    PublishMethod = DropWatchNative.dw_publish_method_name(h.publish_method),
                };
            }
        }

        /// <summary>Close the drop directory (after its messages are committed or aborted).</summary>
        public void Dispose() => handle.Dispose();
    }

    /// <summary>
    /// A message being streamed into a drop directory. Commit publishes it; Dispose without Commit aborts it
    /// (its temporary file is removed, nothing appears under a final name).
    /// </summary>
    public sealed class DropMessage : IDisposable
    {
        private readonly Drop drop;
        private readonly MessageSafeHandle handle;
        private bool failed;

        internal DropMessage(Drop drop, MessageSafeHandle handle)
        {
            this.drop = drop;
            this.handle = handle;
        }

        /// <summary>True once committed or aborted.</summary>
        public bool IsCompleted => handle.IsClosed;

        private MessageSafeHandle Live
        {
            get
            {
                if (handle.IsClosed) throw new ObjectDisposedException(nameof(DropMessage), "the message was committed or aborted");
                if (failed) throw new InvalidOperationException("the message failed and was aborted");
                return handle;
            }
        }

        /// <summary>Bytes written so far (envelope included).</summary>
        public ulong Size
        {
            get { lock (drop.Sync) return DropWatchNative.dw_msg_size(Live.Native); }
        }

        /// <summary>Append bytes. On failure the message is aborted and the exception thrown.</summary>
        public void Write(byte[] data, int offset, int count)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (offset < 0 || count < 0 || offset > data.Length - count)
                throw new ArgumentOutOfRangeException(nameof(count), "offset and count do not describe a range of the buffer");
            lock (drop.Sync)
            {
                var h = Live;
                using (var err = new dw_io_error())
                {
                    dw_status st = DropWatchNative.dwcs_msg_write(h.Native, data, (ulong)offset, (ulong)count, err);
                    GC.KeepAlive(h);
                    if (st != dw_status.DW_OK)
                    {
                        failed = true;
                        handle.Dispose(); // dw_msg_abort: required after a failed write
                        Interop.Check(st, err, "Writing a message to '" + drop.Path + "'");
                    }
                }
            }
        }

        /// <summary>Append a whole buffer.</summary>
        public void Write(byte[] data) => Write(data ?? throw new ArgumentNullException(nameof(data)), 0, data.Length);

        /// <summary>Append text as UTF-8.</summary>
        public void Write(string text) => Write(new UTF8Encoding(false).GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

        /// <summary>Publish the message; returns its final file name. The message is released either way.</summary>
        public string Commit()
        {
            lock (drop.Sync)
            {
                var h = Live;
                using (var err = new dw_io_error())
                {
                    dw_status st = Interop.CallOnce((byte[] b, ulong s, out ulong n) =>
                        DropWatchNative.dwcs_msg_commit(h.Native, b, s, out n, err), out string name);
                    // dw_msg_commit always releases the message, success or not.
                    h.Released = true;
                    h.Dispose();
                    Interop.Check(st, err, "Publishing a message in '" + drop.Path + "'");
                    return name;
                }
            }
        }

        /// <summary>Abandon the message (temporary file removed).</summary>
        public void Abort()
        {
            lock (drop.Sync) handle.Dispose();
        }

        /// <summary>Abort unless committed.</summary>
        public void Dispose() => Abort();
    }
}
