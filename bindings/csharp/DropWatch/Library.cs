// SPDX-License-Identifier: MIT
// Version of the native library actually loaded.
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>Facts about the loaded libdropwatch.</summary>
    public static class DropWatchLibrary
    {
        /// <summary>Version string of the loaded library ("0.1.0").</summary>
        public static string Version { get { Interop.EnsureLoaded(); return DropWatchNative.dw_version_string(); } }
        /// <summary>Version as major * 10000 + minor * 100 + patch.</summary>
        public static int VersionNumber { get { Interop.EnsureLoaded(); return DropWatchNative.dw_version_number(); } }
        /// <summary>Text of a status code.</summary>
        public static string StatusText(DropStatus status)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_status_str((dw_status)(int)status);
        }
        /// <summary>Symbolic name of a status code ("DW_E_IO").</summary>
        public static string StatusName(DropStatus status)
        {
            Interop.EnsureLoaded();
            return DropWatchNative.dw_status_name((dw_status)(int)status);
        }
    }
}
