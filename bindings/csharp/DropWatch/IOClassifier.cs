// SPDX-License-Identifier: MIT
// Classification of errno values and Win32 codes, and the managed copy of a dw_io_error.
using System;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>A classified I/O failure (the managed copy of a dw_io_error). Plain data.</summary>
    public sealed class IOErrorInfo
    {
        /// <summary>The class.</summary>
        public IOClass IOClass { get; }
        /// <summary>The failing operation.</summary>
        public IOOperation Operation { get; }
        /// <summary>errno value, or 0.</summary>
        public int Errno { get; }
        /// <summary>Win32 code, or 0.</summary>
        public uint Win32Code { get; }
        /// <summary>True when a retry may help.</summary>
        public bool Retryable { get; }
        /// <summary>Attempts made.</summary>
        public uint Attempts { get; }
        /// <summary>The path involved.</summary>
        public string Path { get; }
        /// <summary>Extra detail, or "".</summary>
        public string Detail { get; }
        /// <summary>What the operator should do for this class.</summary>
        public string UserAction => IOClassifier.UserAction(IOClass);
        /// <summary>For guarded writes, which of the three outcomes happened (None for other calls).</summary>
        public WriteOutcome Outcome { get; }
        /// <summary>With <see cref="WriteOutcome.Uncertain"/>: the final file name the message is published under, else "".</summary>
        public string Published { get; } = "";
        /// <summary>A file left behind because its removal (an undo) failed, else "": in the drop directory, a
        /// temporary file in TempDir when one is set.</summary>
        public string LeftBehind { get; } = "";
        /// <summary>errno of that failed removal (0 when none).</summary>
        public int LeftErrno { get; }
        /// <summary>True when the message is published after all (durability unknown): never deliver it again.</summary>
        public bool PublishedUnsure => Outcome == WriteOutcome.Uncertain;

        internal IOErrorInfo(dw_io_error err)
        {
            IOClass = (IOClass)(int)err.io_class;
            Operation = (IOOperation)(int)err.op;
            Errno = err.sys_errno;
            Win32Code = err.win32;
            Retryable = err.retryable != 0;
            Attempts = err.attempts;
            Path = Text(err, 0);
            Detail = Text(err, 1);
            Outcome = (WriteOutcome)(int)err.outcome;
            LeftErrno = err.left_errno;
            Published = Text(err, 2);
            LeftBehind = Text(err, 3);
        }

        // A char-array member (0 path, 1 detail, 2 published, 3 left_behind), read in place.
        private static string Text(dw_io_error err, int which)
        {
            DropWatchNative.dwcs_io_error_text(err, which, out IntPtr text);
            string s = Interop.PeekText(text) ?? "";
            GC.KeepAlive(err); // the text lives in err's native memory
            return s;
        }

        /// <summary>Create a classification from explicit values (for alerts about failures seen elsewhere).</summary>
        public IOErrorInfo(IOClass ioClass, IOOperation operation, int errno, uint win32Code, bool retryable,
                           uint attempts, string path, string detail)
        {
            IOClass = ioClass;
            Operation = operation;
            Errno = errno;
            Win32Code = win32Code;
            Retryable = retryable;
            Attempts = attempts;
            Path = path ?? "";
            Detail = detail ?? "";
        }

        /// <summary>Classify a failure from its errno value, as the library does (dw_io_error_set).</summary>
        public static IOErrorInfo FromErrno(int errno, IOOperation operation = IOOperation.None, string path = null)
            => FromCodes(errno, 0, operation, path);

        /// <summary>Classify a failure from its Win32 code (e.g. one Exchange logged).</summary>
        public static IOErrorInfo FromWin32(uint win32Code, IOOperation operation = IOOperation.None, string path = null)
            => FromCodes(0, win32Code, operation, path);

        private static IOErrorInfo FromCodes(int errno, uint win32, IOOperation operation, string path)
        {
            Interop.EnsureLoaded();
            using (var err = new dw_io_error())
            {
                dw_status st = DropWatchNative.dw_io_error_set(err, (dw_op)(int)operation, errno, win32, path);
                if (st != dw_status.DW_OK) throw Interop.StatusException(st, "classifying an I/O failure");
                return new IOErrorInfo(err);
            }
        }

        internal dw_io_error ToNative()
        {
            var err = new dw_io_error();
            DropWatchNative.dwb_io_error_fill(err, (int)IOClass, (int)Operation, Errno, Win32Code, Retryable ? 1 : 0,
                                               Attempts, Path, Detail);
            DropWatchNative.dwb_io_error_set_outcome(err, (int)Outcome, Published, LeftBehind, LeftErrno);
            return err;
        }

        /// <summary>One line: "create failed on '/x': Permission denied (EACCES, ERROR_ACCESS_DENIED 5); access: ..."
        /// (the library's dw_io_error_describe, the text every binding shows).</summary>
        public string Describe()
        {
            Interop.EnsureLoaded();
            using (var err = ToNative())
            {
                dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_io_error_describe_alloc(err, out t),
                                                 out string text);
                if (st != dw_status.DW_OK) throw Interop.StatusException(st, "describing an I/O failure");
                return text;
            }
        }

        /// <summary>True when the failure means "does not exist" (the library's dw_io_error_not_found: ENOENT,
        /// ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND), so that callers never compare raw codes.</summary>
        public bool NotFound
        {
            get
            {
                Interop.EnsureLoaded();
                using (var err = ToNative()) return DropWatchNative.dw_io_error_not_found(err) != 0;
            }
        }

        /// <inheritdoc/>
        public override string ToString() => Describe();
    }

    /// <summary>The classification of one errno value or Win32 code, with its texts.</summary>
    public sealed class IOClassification
    {
        /// <summary>"errno" or "win32".</summary>
        public string Kind { get; internal set; }
        /// <summary>The code classified.</summary>
        public long Code { get; internal set; }
        /// <summary>Symbolic name ("ENOSPC", "ERROR_DISK_FULL"), or null when unknown.</summary>
        public string Name { get; internal set; }
        /// <summary>True when the code is in the library's table (else the conservative default applied).</summary>
        public bool Known { get; internal set; }
        /// <summary>The class.</summary>
        public IOClass IOClass { get; internal set; }
        /// <summary>Short class name ("capacity").</summary>
        public string ClassName { get; internal set; }
        /// <summary>One-line description of the class.</summary>
        public string Description { get; internal set; }
        /// <summary>What the operator should do.</summary>
        public string UserAction { get; internal set; }
        /// <summary>True when retrying may help for this class.</summary>
        public bool Retryable { get; internal set; }
        /// <summary>The exception type a failure with this code raises.</summary>
        public Type ExceptionType { get; internal set; }
        /// <summary>For errno: the closest Win32 code (0 when none).</summary>
        public uint Win32Equivalent { get; internal set; }
    }

    /// <summary>Classifies errno values and Win32 codes (pure functions, no I/O).</summary>
    public static class IOClassifier
    {
        /// <summary>Class of an errno value (unknown: PhysicalDisk; 0: None).</summary>
        public static IOClass FromErrno(int errno)
        {
            Interop.EnsureLoaded();
            return (IOClass)(int)DropWatchNative.dw_class_from_errno(errno);
        }

        /// <summary>Class of a Win32 error code (unknown: PhysicalDisk; 0: None).</summary>
        public static IOClass FromWin32(uint code)
        {
            Interop.EnsureLoaded();
            return (IOClass)(int)DropWatchNative.dw_class_from_win32(code);
        }

        /// <summary>Class of a Win32 error code given as a signed int (Marshal.GetLastWin32Error, HRESULTs:
        /// the library's dw_win32_from_hresult takes the code out of a FACILITY_WIN32 one).</summary>
        public static IOClass FromWin32(int code)
        {
            Interop.EnsureLoaded();
            return FromWin32(DropWatchNative.dw_win32_from_hresult(unchecked((uint)code)));
        }

        /// <summary>True when errno is in the classification table.</summary>
        public static bool IsKnownErrno(int errno) { Interop.EnsureLoaded(); return DropWatchNative.dw_errno_is_known(errno) != 0; }
        /// <summary>True when the Win32 code is in the classification table.</summary>
        public static bool IsKnownWin32(uint code) { Interop.EnsureLoaded(); return DropWatchNative.dw_win32_is_known(code) != 0; }
        /// <summary>Short lower-case class name ("physical", "capacity", ...).</summary>
        public static string Name(IOClass c) { Interop.EnsureLoaded(); return DropWatchNative.dw_class_name((dw_class)(int)c); }
        /// <summary>One-line description of a class.</summary>
        public static string Describe(IOClass c) { Interop.EnsureLoaded(); return DropWatchNative.dw_class_str((dw_class)(int)c); }
        /// <summary>The operator's next action for a class.</summary>
        public static string UserAction(IOClass c) { Interop.EnsureLoaded(); return DropWatchNative.dw_class_action((dw_class)(int)c); }
        /// <summary>True when retrying may help for this class.</summary>
        public static bool IsRetryable(IOClass c) { Interop.EnsureLoaded(); return DropWatchNative.dw_class_retryable((dw_class)(int)c) != 0; }
        /// <summary>Short operation name ("create", "rename", ...).</summary>
        public static string OperationName(IOOperation op) { Interop.EnsureLoaded(); return DropWatchNative.dw_op_name((dw_op)(int)op); }
        /// <summary>Symbolic errno name ("ENOSPC"), or null.</summary>
        public static string ErrnoName(int errno) { Interop.EnsureLoaded(); return DropWatchNative.dw_errno_name(errno); }
        /// <summary>Symbolic Win32 name ("ERROR_DISK_FULL"), or null.</summary>
        public static string Win32Name(uint code) { Interop.EnsureLoaded(); return DropWatchNative.dw_win32_name(code); }
        /// <summary>The errno value of a symbolic name, the inverse of <see cref="ErrnoName"/> ("ENOSPC" gives
        /// ENOSPC): exact and case-sensitive, names only (the library's dw_errno_from_name).</summary>
        /// <exception cref="ArgumentNullException">name is null.</exception>
        /// <exception cref="ArgumentException">name is not an errno name on this platform.</exception>
        public static int ErrnoFromName(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Interop.EnsureLoaded();
            int v = DropWatchNative.dwb_errno_from_name(Interop.NoNul(name, nameof(name)));
            if (v == 0) throw new ArgumentException("Not an errno name: " + Interop.Quote(name) + ".", nameof(name));
            return v;
        }

        /// <summary>The Win32 code of a symbolic name, the inverse of <see cref="Win32Name"/> ("ERROR_DISK_FULL"
        /// gives 112): exact and case-sensitive, names only (dw_win32_from_name).</summary>
        /// <exception cref="ArgumentNullException">name is null.</exception>
        /// <exception cref="ArgumentException">name is not a Win32 error name.</exception>
        public static uint Win32FromName(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Interop.EnsureLoaded();
            uint v = DropWatchNative.dwb_win32_from_name(Interop.NoNul(name, nameof(name)));
            if (v == 0) throw new ArgumentException("Not a Win32 error name: " + Interop.Quote(name) + ".", nameof(name));
            return v;
        }

        /// <summary>The Windows system text of a Win32 code ("There is not enough space on the disk."), or null.</summary>
        public static string Win32Message(uint code) { Interop.EnsureLoaded(); return DropWatchNative.dw_win32_message(code); }
        /// <summary>The closest Win32 code for an errno value, or 0.</summary>
        public static uint Win32FromErrno(int errno) { Interop.EnsureLoaded(); return DropWatchNative.dw_win32_from_errno(errno); }

        /// <summary>Description of an errno value (strerror).</summary>
        public static string ErrnoDescription(int errno)
        {
            Interop.EnsureLoaded();
            dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_errno_str_alloc(errno, out t), out string text);
            if (st != dw_status.DW_OK) throw Interop.StatusException(st, "describing errno " + errno);
            return text;
        }

        /// <summary>Everything known about an errno value.</summary>
        public static IOClassification ClassifyErrno(int errno)
        {
            IOClass c = FromErrno(errno);
            return Fill(new IOClassification
            {
                Kind = "errno", Code = errno, Name = ErrnoName(errno), Known = IsKnownErrno(errno),
                Win32Equivalent = Win32FromErrno(errno),
            }, c);
        }

        /// <summary>Everything known about a Win32 code.</summary>
        public static IOClassification ClassifyWin32(uint code)
        {
            IOClass c = FromWin32(code);
            return Fill(new IOClassification
            {
                Kind = "win32", Code = code, Name = Win32Name(code), Known = IsKnownWin32(code), Win32Equivalent = code,
            }, c);
        }

        private static IOClassification Fill(IOClassification r, IOClass c)
        {
            r.IOClass = c;
            r.ClassName = Name(c);
            r.Description = Describe(c);
            r.UserAction = UserAction(c);
            r.Retryable = IsRetryable(c);
            r.ExceptionType = DropIOException.TypeFor(c);
            return r;
        }
    }
}
