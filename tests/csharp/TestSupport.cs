// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;

namespace DropWatch.Tests
{
    /// <summary>A fresh drop directory per test, removed afterwards.</summary>
    internal sealed class TempDrop : IDisposable
    {
        public string Path { get; }

        public TempDrop()
        {
            string root = Environment.GetEnvironmentVariable("DW_TEST_TMPDIR");
            if (string.IsNullOrEmpty(root)) root = System.IO.Path.GetTempPath();
            Path = System.IO.Path.Combine(root, "dwcs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string[] Names(string pattern = "*") =>
            Directory.GetFiles(Path, pattern).Select(System.IO.Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        public string[] Messages() => Names("*.eml");

        public string[] TempFiles() => Names(".dwtmp-*");

        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    internal static class Errno
    {
        // Linux values (the tests run where the library is built).
        public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EAGAIN = 11, EACCES = 13, EBUSY = 16, ENOTDIR = 20,
            EINVAL = 22, EFBIG = 27, ENOSPC = 28, EROFS = 30, ELOOP = 40, ETIMEDOUT = 110, EHOSTDOWN = 112,
            ESTALE = 116, EUCLEAN = 117, EREMOTEIO = 121, EDQUOT = 122;
    }
}
