// SPDX-License-Identifier: MIT
// The exception hierarchy: every classified I/O failure is a DropIOException (a System.IO.IOException) of
// the subclass for its class; configuration problems found before any I/O are ArgumentExceptions.
using System;
using DropWatch.Native;
using System.IO;

namespace DropWatch
{
    /// <summary>
    /// A classified I/O failure from libdropwatch. <see cref="IOClass"/> selects the subclass; the properties
    /// say what failed (operation, path, errno and Win32 code), whether a retry may help and what to do.
    /// </summary>
    public class DropIOException : IOException
    {
        /// <summary>The classification as the library reported it.</summary>
        public IOErrorInfo Error { get; }

        /// <summary>The errno value (0 when the failure has none, e.g. DropDirectoryQuota).</summary>
        public int Errno => Error.Errno;
        /// <summary>The Win32 error code (the closest equivalent on POSIX, or 0).</summary>
        public uint Win32Code => Error.Win32Code;
        /// <summary>True when the failure means "does not exist" (decided by the library, never by raw codes).</summary>
        public bool NotFound => Error.NotFound;
        /// <summary>The class of the failure.</summary>
        public IOClass IOClass => Error.IOClass;
        /// <summary>The operation that failed.</summary>
        public IOOperation Operation => Error.Operation;
        /// <summary>The path involved (drop directory or file).</summary>
        public string Path => Error.Path;
        /// <summary>True when a retry (later, or after the user action) may succeed.</summary>
        public bool Retryable => Error.Retryable;
        /// <summary>What the operator should do next.</summary>
        public string UserAction => Error.UserAction;
        /// <summary>How many attempts were made (transient retries included).</summary>
        public uint Attempts => Error.Attempts;
        /// <summary>Extra detail from the library ("quota 1048576 bytes, used ...").</summary>
        public string Detail => Error.Detail;
        /// <summary>For a guarded write: NotPublished, or Uncertain (published, durability unknown).</summary>
        public WriteOutcome Outcome => Error.Outcome;
        /// <summary>With Uncertain: the final file name the message is published under.</summary>
        public string Published => Error.Published;
        /// <summary>A file left behind because its removal failed, or "": in the drop directory, a temporary
        /// file in TempDir when one is set.</summary>
        public string LeftBehind => Error.LeftBehind;
        /// <summary>True when the message is published after all: never deliver it again (duplicate).</summary>
        public bool PublishedUnsure => Error.PublishedUnsure;

        /// <summary>Create an exception for a classification (use <see cref="Create"/> to get the subclass).</summary>
        public DropIOException(string message, IOErrorInfo error, Exception inner = null)
            : base(message, inner)
        {
            Error = error ?? throw new ArgumentNullException(nameof(error));
            // Like .NET's own IOExceptions: HResult carries the Win32 code as an HRESULT (dw_hresult_from_win32).
            if (error.Win32Code != 0)
            {
                Interop.EnsureLoaded();
                HResult = unchecked((int)DropWatchNative.dw_hresult_from_win32(error.Win32Code));
            }
        }

        /// <summary>The exception of the right subclass for a classification.</summary>
        public static DropIOException Create(IOErrorInfo error, string context = null)
        {
            if (error == null) throw new ArgumentNullException(nameof(error));
            string message = (string.IsNullOrEmpty(context) ? "" : context + ": ") + error.Describe();
            switch (error.IOClass)
            {
                case IOClass.PhysicalDisk: return new DropPhysicalDiskException(message, error);
                case IOClass.LogicalDisk: return new DropLogicalDiskException(message, error);
                case IOClass.Transient: return new DropTransientException(message, error);
                case IOClass.Capacity: return new DropCapacityException(message, error);
                case IOClass.Access: return new DropAccessException(message, error);
                case IOClass.Configuration: return new DropConfigurationException(message, error);
                case IOClass.Remote: return new DropRemoteException(message, error);
                default: return new DropIOException(message, error);
            }
        }

        /// <summary>The exception type used for a class.</summary>
        public static Type TypeFor(IOClass ioClass)
        {
            switch (ioClass)
            {
                case IOClass.PhysicalDisk: return typeof(DropPhysicalDiskException);
                case IOClass.LogicalDisk: return typeof(DropLogicalDiskException);
                case IOClass.Transient: return typeof(DropTransientException);
                case IOClass.Capacity: return typeof(DropCapacityException);
                case IOClass.Access: return typeof(DropAccessException);
                case IOClass.Configuration: return typeof(DropConfigurationException);
                case IOClass.Remote: return typeof(DropRemoteException);
                default: return typeof(DropIOException);
            }
        }
    }

    /// <summary>The device or controller failed (Event 8004: physical disk problem).</summary>
    public sealed class DropPhysicalDiskException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropPhysicalDiskException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>File-system structure damaged or forced read-only (Event 8004: logical disk structure).</summary>
    public sealed class DropLogicalDiskException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropLogicalDiskException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>Temporary contention or interruption that outlasted the retries (Event 8004: transient).</summary>
    public sealed class DropTransientException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropTransientException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>No room: disk full, user quota, file size limit or DropDirectoryQuota.</summary>
    public sealed class DropCapacityException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropCapacityException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>The account may not write there.</summary>
    public sealed class DropAccessException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropAccessException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>Drop directory missing, not a directory, a refused symlink or a bad setting.</summary>
    public sealed class DropConfigurationException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropConfigurationException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>A network file system (UNC/NFS/CIFS) failure.</summary>
    public sealed class DropRemoteException : DropIOException
    {
        /// <summary>Create.</summary>
        public DropRemoteException(string message, IOErrorInfo error) : base(message, error) { }
    }

    /// <summary>A root or DropDirectory value that cannot be resolved (strict rules of dw_path_resolve).</summary>
    public class DropPathException : ArgumentException
    {
        /// <summary>Why the value was rejected.</summary>
        public DropNameReason Reason { get; }
        /// <summary>Which input the reason refers to.</summary>
        public ResolveInput Input { get; }
        /// <summary>Byte offset (UTF-8) of the problem in that input.</summary>
        public long Offset { get; }
        /// <summary>The offending code point, or 0.</summary>
        public int CodePoint { get; }

        /// <summary>Create.</summary>
        public DropPathException(string message, string paramName, DropNameReason reason, ResolveInput input,
                                 long offset, int codePoint)
            : base(message, paramName)
        {
            Reason = reason;
            Input = input;
            Offset = offset;
            CodePoint = codePoint;
        }
    }

    /// <summary>An invalid DropDirectory value.</summary>
    public sealed class InvalidDropDirectoryNameException : DropPathException
    {
        /// <summary>Create.</summary>
        public InvalidDropDirectoryNameException(string message, string paramName, DropNameReason reason, long offset,
                                                 int codePoint)
            : base(message, paramName, reason, ResolveInput.DropDirectory, offset, codePoint) { }
    }

    /// <summary>An invalid RootDropDirectoryPath (or install folder).</summary>
    public sealed class InvalidDropRootException : DropPathException
    {
        /// <summary>Create.</summary>
        public InvalidDropRootException(string message, string paramName, DropNameReason reason, long offset,
                                        int codePoint)
            : base(message, paramName, reason, ResolveInput.Root, offset, codePoint) { }
    }

    /// <summary>The resolved path exceeds the Windows MAX_PATH limit (Exchange would log event 8007).</summary>
    public sealed class DropPathTooLongException : DropPathException
    {
        /// <summary>The resolved path that is too long.</summary>
        public string ResolvedPath { get; }

        /// <summary>Create.</summary>
        public DropPathTooLongException(string message, string paramName, DropNameReason reason, ResolveInput input,
                                        string resolvedPath)
            : base(message, paramName, reason, input, 0, 0)
        {
            ResolvedPath = resolvedPath;
        }
    }

    /// <summary>An envelope address or parameter that would inject headers (printable ASCII only).</summary>
    public sealed class DropEnvelopeException : ArgumentException
    {
        /// <summary>Create.</summary>
        public DropEnvelopeException(string message, string paramName) : base(message, paramName) { }
    }
}
