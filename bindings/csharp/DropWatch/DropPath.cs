// SPDX-License-Identifier: MIT
// Resolving a Foreign connector's drop directory (strictly, and as Exchange itself would).
using System;
using System.Collections.Generic;
using System.Text;
using DropWatch.Native;

namespace DropWatch
{
    /// <summary>Options for <see cref="DropPath.Resolve"/> and <see cref="DropPath.Explain"/>.</summary>
    public sealed class ResolveOptions
    {
        /// <summary>Folder used for a blank root; null = the Exchange version's default install folder.</summary>
        public string InstallDirectory { get; set; }
        /// <summary>Picks the default install folder (Exchange 2007 by default).</summary>
        public ExchangeVersion ExchangeVersion { get; set; } = ExchangeVersion.Exchange2007;
        /// <summary>Path syntax; Auto deduces it from the root ("/..." is POSIX).</summary>
        public PathStyle Style { get; set; } = PathStyle.Auto;
    }

    /// <summary>A strictly resolved drop directory.</summary>
    public sealed class ResolvedDropPath
    {
        /// <summary>The resolved path.</summary>
        public string Path { get; internal set; }
        /// <summary>Style of the result.</summary>
        public PathStyle Style { get; internal set; }
        /// <summary>True when a blank root was replaced by the install folder.</summary>
        public bool RootDefaulted { get; internal set; }
        /// <summary>True when the root uses the \\?\ long-path form.</summary>
        public bool LongPath { get; internal set; }
        /// <summary>Length in UTF-8 bytes.</summary>
        public long Length { get; internal set; }
        /// <summary>Length in UTF-16 units.</summary>
        public long Utf16Length { get; internal set; }
        /// <summary>UTF-16 units left for "\file.eml" under MAX_PATH (Windows, not long-path); 0 otherwise.</summary>
        public long FileNameRoom { get; internal set; }
        /// <inheritdoc/>
        public override string ToString() => Path;
    }

    /// <summary>Where Exchange really writes (Path.Combine semantics) compared with the strict result.</summary>
    public sealed class DropPathExplanation
    {
        /// <summary>Exchange's path.</summary>
        public string ExchangePath { get; internal set; }
        /// <summary>The warning bits.</summary>
        public ExplainWarnings Warnings { get; internal set; }
        /// <summary>One message per warning bit set.</summary>
        public string[] WarningMessages { get; internal set; }
        /// <summary>What the strict resolver returned for the same inputs.</summary>
        public DropStatus StrictStatus { get; internal set; }
        /// <summary>And its reason.</summary>
        public DropNameReason StrictReason { get; internal set; }
        /// <summary>Length of Exchange's path in bytes.</summary>
        public long ExchangeLength { get; internal set; }
        /// <summary>True when the strict resolver accepted the inputs.</summary>
        public bool StrictOk => StrictStatus == DropStatus.Ok;
        /// <summary>
        /// The folder Exchange finally opens: <see cref="ExchangePath"/> as DirectoryInfo normalises it
        /// (<see cref="DropPath.FullPath"/> with the service's current directory, C:\Windows\System32).
        /// Null when .NET Framework would throw instead (<see cref="ExplainWarnings.CombineFails"/>, or a
        /// ':' GetFullPath refuses) and for POSIX paths.
        /// </summary>
        public string FinalDirectory { get; internal set; }
        /// <inheritdoc/>
        public override string ToString() => ExchangePath;
    }

    /// <summary>Resolves RootDropDirectoryPath + DropDirectory into the drop directory.</summary>
    public static class DropPath
    {
        /// <summary>
        /// Strictly resolve a connector's drop directory. Throws <see cref="InvalidDropRootException"/>,
        /// <see cref="InvalidDropDirectoryNameException"/> or <see cref="DropPathTooLongException"/> (all
        /// ArgumentExceptions) for values Exchange would not accept or could not use.
        /// </summary>
        /// <param name="root">RootDropDirectoryPath; null or blank means the Exchange install folder.</param>
        /// <param name="dropDirectory">DropDirectory, a simple directory name.</param>
        /// <param name="options">options, or null for the defaults.</param>
        public static ResolvedDropPath Resolve(string root, string dropDirectory, ResolveOptions options = null)
        {
            if (dropDirectory == null) throw new ArgumentNullException(nameof(dropDirectory));
            Interop.EnsureLoaded();
            options = options ?? new ResolveOptions();
            using (var info = new dw_resolve_info())
            {
                dw_status st = Interop.CallAlloc(
                    (out IntPtr t) => DropWatchNative.dwcs_path_resolve(root, dropDirectory,
                        options.InstallDirectory, (int)options.ExchangeVersion, (int)options.Style, out t, info),
                    out string path);
                var reason = (DropNameReason)(int)info.reason;
                var input = (ResolveInput)(int)info.input;
                string why = null;
                if (st == dw_status.DW_E_ROOT || st == dw_status.DW_E_NAME || st == dw_status.DW_E_TOOLONG)
                    Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_resolve_describe_alloc(
                        st, root, dropDirectory, info, out t), out why);
                switch (st)
                {
                    case dw_status.DW_OK:
                        return new ResolvedDropPath
                        {
                            Path = path, Style = (PathStyle)(int)info.style, RootDefaulted = info.root_defaulted != 0,
                            LongPath = info.long_path != 0, Length = (long)info.length,
                            Utf16Length = (long)info.utf16_length, FileNameRoom = (long)info.file_name_room,
                        };
                    case dw_status.DW_E_ROOT:
                        throw new InvalidDropRootException(why,
                            nameof(root), reason, (long)info.offset, (int)info.codepoint);
                    case dw_status.DW_E_NAME:
                        throw new InvalidDropDirectoryNameException(why,
                            nameof(dropDirectory), reason, (long)info.offset, (int)info.codepoint);
                    case dw_status.DW_E_TOOLONG:
                        throw new DropPathTooLongException(why, nameof(dropDirectory), reason, input, path);
                    default:
                        throw Interop.StatusException(st, "resolving the drop directory", nameof(dropDirectory));
                }
            }
        }

        /// <summary>Resolve without throwing: false with the exception Resolve would throw in error.</summary>
        public static bool TryResolve(string root, string dropDirectory, ResolveOptions options,
                                      out ResolvedDropPath result, out Exception error)
            => Interop.Attempt(() => Resolve(root, dropDirectory, options), out result, out error);

        /// <summary>Explain without throwing: false with the exception Explain would throw in error.</summary>
        public static bool TryExplain(string root, string dropDirectory, ResolveOptions options,
                                      out DropPathExplanation result, out Exception error)
            => Interop.Attempt(() => Explain(root, dropDirectory, options), out result, out error);

        /// <summary>
        /// Where Exchange would really write for these inputs (.NET Path.Combine semantics: an absolute
        /// DropDirectory silently replaces the root, "a\b" and ".." pass through), with warnings.
        /// </summary>
        public static DropPathExplanation Explain(string root, string dropDirectory, ResolveOptions options = null)
        {
            if (dropDirectory == null) throw new ArgumentNullException(nameof(dropDirectory));
            Interop.EnsureLoaded();
            options = options ?? new ResolveOptions();
            bool posix = DropWatchNative.dwcs_resolve_style(root, options.InstallDirectory, (int)options.ExchangeVersion,
                (int)options.Style) == (int)PathStyle.Posix;
            using (var info = new dw_explain_info())
            {
                dw_status st = Interop.CallAlloc(
                    (out IntPtr t) => DropWatchNative.dwcs_path_explain(root, dropDirectory,
                        options.InstallDirectory, (int)options.ExchangeVersion, (int)options.Style, out t, info),
                    out string path);
                if (st != dw_status.DW_OK) throw Interop.StatusException(st, "explaining the drop directory", nameof(dropDirectory));
                var messages = new List<string>();
                for (int bit = 0; bit < 31; bit++)
                {
                    uint w = 1u << bit;
                    if ((info.warnings & w) != 0) messages.Add(DropWatchNative.dw_explain_warning_str(w));
                }
                return new DropPathExplanation
                {
                    ExchangePath = path, Warnings = (ExplainWarnings)info.warnings, WarningMessages = messages.ToArray(),
                    StrictStatus = (DropStatus)(int)info.strict_status, StrictReason = (DropNameReason)(int)info.strict_reason,
                    ExchangeLength = (long)info.exchange_length,
                    FinalDirectory = posix || (info.warnings & (uint)ExplainWarnings.CombineFails) != 0 ? null
                        : TryFullPath(path, null),
                };
            }
        }

        /// <summary>
        /// What DirectoryInfo makes of a Windows path (.NET Path.GetFullPath on Windows, computed on any
        /// platform): separators unified, "." and ".." resolved, trailing dots and spaces dropped, rooted and
        /// relative paths completed from <paramref name="currentDirectory"/> (null: C:\Windows\System32).
        /// Throws ArgumentException where .NET Framework's GetFullPath throws (invalid characters, a ':' after
        /// the drive position).
        /// </summary>
        public static string FullPath(string path, string currentDirectory = null)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Interop.EnsureLoaded();
            dw_status st = Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_path_full_alloc(path, currentDirectory, out t),
                                             out string full);
            if (st == dw_status.DW_OK) return full;
            if (st == dw_status.DW_E_NAME)
                throw new ArgumentException(".NET Framework's GetFullPath refuses " + Interop.Quote(path) +
                    " (an invalid path character, or a ':' after the drive position)", nameof(path));
            throw Interop.StatusException(st, "normalising the path", nameof(currentDirectory));
        }

        private static string TryFullPath(string path, string currentDirectory)
        {
            if (path == null) return null;
            Interop.CallAlloc((out IntPtr t) => DropWatchNative.dw_path_full_alloc(path, currentDirectory, out t), out string full);
            return full;
        }

        /// <summary>Parse an Exchange version: "2007", "2010", "2013", "2016", "2019" or "SE" (the library's
        /// table, case-insensitive); FormatException when unknown.</summary>
        public static ExchangeVersion ParseExchangeVersion(string name)
            => (ExchangeVersion)Interop.ParseEnum(dw_enum.DW_ENUM_EXCHANGE_VERSION, name, nameof(name), "an Exchange version");

        /// <summary>The Exchange version of a transport server's AdminDisplayVersion ("Version 15.1 (Build
        /// 2507.6)": 8.x is 2007, 14.x 2010, 15.x and later 2013), or null when the text names none (the
        /// library's dw_exchange_version_from_build).</summary>
        public static ExchangeVersion? ExchangeVersionFromBuild(string adminDisplayVersion)
        {
            Interop.EnsureLoaded();
            int v = DropWatchNative.dwcs_exchange_version_from_build(adminDisplayVersion);
            return v < 0 ? (ExchangeVersion?)null : (ExchangeVersion)v;
        }

        /// <summary>Default installation folder of an Exchange version (with its trailing backslash).</summary>
        public static string ExchangeInstallDirectory(ExchangeVersion version)
        {
            Interop.EnsureLoaded();
            string dir = DropWatchNative.dw_exchange_install_dir((dw_exchange_version)(int)version);
            if (dir == null) throw new ArgumentOutOfRangeException(nameof(version), version, "unknown Exchange version");
            return dir;
        }
    }
}
