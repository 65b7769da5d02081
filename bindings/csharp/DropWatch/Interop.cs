// SPDX-License-Identifier: MIT
// Internal helpers around the SWIG plumbing: texts the library hands out (UTF-8), and status -> exception mapping.
// Exceptions are always created and thrown here in managed code, after the native call has returned.
using System;
using System.Runtime.InteropServices;
using System.Text;
using DropWatch.Native;

namespace DropWatch
{
    internal static class Interop
    {
        internal delegate dw_status BufferCall(byte[] buffer, ulong size, out ulong needed);

        /// <summary>The value of a C enum name (dw_enum_from_name: ASCII case ignored, the library's aliases
        /// accepted); FormatException listing the library's names when unknown.</summary>
        internal static int ParseEnum(dw_enum kind, string name, string paramName, string what)
        {
            if (name == null) throw new ArgumentNullException(paramName);
            EnsureLoaded();
            int v = DropWatchNative.dwb_enum_from_name((int)kind, name);
            if (v >= 0) return v;
            var names = new System.Collections.Generic.List<string>();
            for (uint i = 0; (v = DropWatchNative.dwb_enum_value_at((int)kind, i)) >= 0; i++)
                names.Add(DropWatchNative.dw_enum_name(kind, v));
            throw new FormatException(Quote(name) + " is not " + what + " (" + string.Join(", ", names) + ")");
        }

        private static volatile bool loaded;

        /// <summary>Load the native glue now, turning the runtime's wrapped failure into a clear one.</summary>
        internal static void EnsureLoaded()
        {
            if (loaded) return;
            try
            {
                DropWatchNative.dw_version_number();
                loaded = true;
            }
            catch (TypeInitializationException e) when (e.InnerException != null)
            {
                throw Unwrap(e);
            }
            catch (DllNotFoundException e)
            {
                throw Unwrap(e);
            }
        }

        private static Exception Unwrap(Exception e)
        {
            Exception inner = e;
            while (inner is TypeInitializationException && inner.InnerException != null) inner = inner.InnerException;
            return new DllNotFoundException(
                "libdropwatch's .NET glue (dropwatch_csharp.so, with libdropwatch.so beside it or on the loader path) " +
                "could not be loaded: " + inner.Message, inner);
        }

        /// <summary>UTF-8 text of a NUL-terminated buffer.</summary>
        internal static string Utf8(byte[] buffer)
        {
            int n = Array.IndexOf(buffer, (byte)0);
            if (n < 0) n = buffer.Length;
            return Encoding.UTF8.GetString(buffer, 0, n);
        }

        /// <summary>UTF-8 text at a native pointer that stays owned by the library (null for IntPtr.Zero).
        /// Decoded by hand: netstandard2.0 has no Marshal.PtrToStringUTF8.</summary>
        internal static string PeekText(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>A string argument as it crosses to the library: refused (ArgumentException, as .NET's file
        /// APIs do) when it holds a NUL, which would end the marshalled UTF-8 text there.</summary>
        internal static string NoNul(string value, string paramName)
        {
            if (value != null && value.IndexOf('\0') >= 0)
                throw new ArgumentException("'" + paramName + "' contains a NUL character", paramName);
            return value;
        }

        /// <summary>A text a dw_*_alloc() call allocated: decoded, then released with dw_free.</summary>
        internal static string TakeText(IntPtr p)
        {
            try { return PeekText(p); }
            finally { if (p != IntPtr.Zero) DropWatchNative.dw_free(p); }
        }

        internal delegate dw_status AllocCall(out IntPtr text);

        /// <summary>Run a dw_*_alloc() call: its status, and its text (null when it produced none).</summary>
        internal static dw_status CallAlloc(AllocCall call, out string text)
        {
            dw_status st = call(out IntPtr p);
            text = TakeText(p);
            return st;
        }

        /// <summary>Run a caller-buffer call exactly once (for calls with side effects, such as writes): the
        /// buffer is sized for the library's longest file name, so it never needs a second call.</summary>
        internal static dw_status CallOnce(BufferCall call, out string text, int size = 256)
        {
            byte[] buffer = new byte[size];
            dw_status st = call(buffer, (ulong)buffer.Length, out ulong _);
            text = st == dw_status.DW_OK ? Utf8(buffer) : null;
            return st;
        }

        /// <summary>
        /// The Try pattern for callers that must not see exceptions thrown at them (PowerShell records every
        /// exception a script catches in -ErrorVariable and $Error): run f, hand back the exception instead.
        /// </summary>
        internal static bool Attempt<T>(Func<T> f, out T result, out Exception error)
        {
            try
            {
                result = f();
                error = null;
                return true;
            }
            catch (Exception e) when (!(e is OutOfMemoryException) && !(e is System.Threading.ThreadAbortException))
            {
                result = default(T);
                error = e;
                return false;
            }
        }

        internal static string StatusText(dw_status st) => DropWatchNative.dw_status_str(st);

        /// <summary>A caller's value quoted for an exception message by the library (dw_quote): at most 200 bytes
        /// of it, a cut marked "...' (N bytes)", so a huge argument never makes a huge message.</summary>
        internal static string Quote(string value)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value ?? "");
            EnsureLoaded();
            dw_status st = CallAlloc((out IntPtr t) => DropWatchNative.dwcs_quote(bytes, (ulong)bytes.Length, out t),
                                     out string text);
            return st == dw_status.DW_OK && text != null ? text : "''";
        }

        /// <summary>The exception for a non-OK status that is not an I/O failure or a path problem.</summary>
        internal static Exception StatusException(dw_status st, string what, string paramName = null)
        {
            string message = what + ": " + StatusText(st);
            switch (st)
            {
                case dw_status.DW_E_INVAL: return new ArgumentException(message, paramName);
                case dw_status.DW_E_NOMEM: return new OutOfMemoryException(message);
                case dw_status.DW_E_STATE: return new InvalidOperationException(message);
                case dw_status.DW_E_UNSUPPORTED: return new PlatformNotSupportedException(message);
                case dw_status.DW_E_PARSE: return new FormatException(message);
                case dw_status.DW_E_ENVELOPE: return new DropEnvelopeException(message, paramName);
                case dw_status.DW_E_NAME:
                case dw_status.DW_E_ROOT:
                case dw_status.DW_E_TOOLONG: return new ArgumentException(message, paramName);
                default: return new InvalidOperationException(message + " (" + DropWatchNative.dw_status_name(st) + ")");
            }
        }

        /// <summary>Throw for a failed call that filled a dw_io_error.</summary>
        internal static void Check(dw_status st, dw_io_error err, string what, string paramName = null)
        {
            if (st == dw_status.DW_OK) return;
            if (st == dw_status.DW_E_IO && err != null)
                throw DropIOException.Create(new IOErrorInfo(err), what);
            throw StatusException(st, what, paramName);
        }
    }
}
