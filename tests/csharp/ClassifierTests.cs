// SPDX-License-Identifier: MIT
using System;
using Xunit;

namespace DropWatch.Tests
{
    public class IOClassifierTests
    {
        [Theory]
        [InlineData(Errno.EIO, IOClass.PhysicalDisk)]
        [InlineData(Errno.EROFS, IOClass.LogicalDisk)]
        [InlineData(Errno.EUCLEAN, IOClass.LogicalDisk)]
        [InlineData(Errno.EAGAIN, IOClass.Transient)]
        [InlineData(Errno.EINTR, IOClass.Transient)]
        [InlineData(Errno.ENOSPC, IOClass.Capacity)]
        [InlineData(Errno.EDQUOT, IOClass.Capacity)]
        [InlineData(Errno.EACCES, IOClass.Access)]
        [InlineData(Errno.EPERM, IOClass.Access)]
        [InlineData(Errno.ENOENT, IOClass.Configuration)]
        [InlineData(Errno.ENOTDIR, IOClass.Configuration)]
        [InlineData(Errno.ESTALE, IOClass.Remote)]
        [InlineData(Errno.EHOSTDOWN, IOClass.Remote)]
        [InlineData(0, IOClass.None)]
        public void ErrnoClasses(int errno, IOClass expected)
        {
            Assert.Equal(expected, IOClassifier.FromErrno(errno));
            if (errno != 0) Assert.True(IOClassifier.IsKnownErrno(errno));
        }

        [Theory]
        [InlineData(112u, IOClass.Capacity)]
        [InlineData(5u, IOClass.Access)]
        [InlineData(3u, IOClass.Configuration)]
        [InlineData(53u, IOClass.Remote)]
        [InlineData(32u, IOClass.Transient)]
        [InlineData(1392u, IOClass.LogicalDisk)]
        [InlineData(23u, IOClass.PhysicalDisk)]
        [InlineData(0u, IOClass.None)]
        public void Win32Classes(uint code, IOClass expected)
        {
            Assert.Equal(expected, IOClassifier.FromWin32(code));
        }

        [Fact]
        public void Win32FromSignedAndHResult()
        {
            Assert.Equal(IOClass.Capacity, IOClassifier.FromWin32(112));
            Assert.Equal(IOClass.Capacity, IOClassifier.FromWin32(unchecked((int)0x80070070)));
            Assert.Equal(IOClass.Access, IOClassifier.FromWin32(unchecked((int)0x80070005)));
            // not FACILITY_WIN32: classified as the code it is (unknown, so conservatively physical)
            Assert.Equal(IOClass.PhysicalDisk, IOClassifier.FromWin32(unchecked((int)0x80004005)));
        }

        [Fact]
        public void UnknownCodesAreConservative()
        {
            Assert.Equal(IOClass.PhysicalDisk, IOClassifier.FromErrno(99999));
            Assert.False(IOClassifier.IsKnownErrno(99999));
            Assert.Equal(IOClass.PhysicalDisk, IOClassifier.FromWin32(0xFFFFFFF0u));
            Assert.False(IOClassifier.IsKnownWin32(0xFFFFFFF0u));
            Assert.True(IOClassifier.IsKnownWin32(112));
        }

        [Fact]
        public void NamesAndTexts()
        {
            Assert.Equal("ENOSPC", IOClassifier.ErrnoName(Errno.ENOSPC));
            Assert.Null(IOClassifier.ErrnoName(99999));
            Assert.Equal("ERROR_DISK_FULL", IOClassifier.Win32Name(112));
            Assert.Equal(112u, IOClassifier.Win32FromErrno(Errno.ENOSPC));
            Assert.Equal(5u, IOClassifier.Win32FromErrno(Errno.EACCES));
            Assert.False(string.IsNullOrWhiteSpace(IOClassifier.ErrnoDescription(Errno.ENOENT)));
            Assert.Contains("99999", IOClassifier.ErrnoDescription(99999));
            Assert.Equal("capacity", IOClassifier.Name(IOClass.Capacity));
            Assert.Equal("rename", IOClassifier.OperationName(IOOperation.Rename));
            foreach (IOClass c in Enum.GetValues(typeof(IOClass)))
            {
                Assert.False(string.IsNullOrWhiteSpace(IOClassifier.Describe(c)));
                Assert.NotNull(IOClassifier.UserAction(c));
            }
            Assert.True(IOClassifier.IsRetryable(IOClass.Transient));
            Assert.True(IOClassifier.IsRetryable(IOClass.Remote));
            Assert.False(IOClassifier.IsRetryable(IOClass.Access));
            Assert.False(IOClassifier.IsRetryable(IOClass.PhysicalDisk));
        }

        [Fact]
        public void NamesBackToValues()
        {
            // Every name the forward lookups give maps back (the library's tables, both ways).
            int names = 0;
            for (int e = 1; e < 4096; e++)
            {
                string n = IOClassifier.ErrnoName(e);
                if (n == null) continue;
                Assert.Equal(e, IOClassifier.ErrnoFromName(n));
                names++;
            }
            for (uint w = 1; w < 20000; w++)
            {
                string n = IOClassifier.Win32Name(w);
                if (n == null) continue;
                Assert.Equal(w, IOClassifier.Win32FromName(n));
                names++;
            }
            Assert.True(names > 50);
            Assert.Equal(Errno.ENOSPC, IOClassifier.ErrnoFromName("ENOSPC"));
            Assert.Equal(112u, IOClassifier.Win32FromName("ERROR_DISK_FULL"));
            foreach (var bad in new[] { "", "eio", "EIO ", " EIO", "5", "ERROR_DISK_FULL", "EIO\0" })
                Assert.Throws<ArgumentException>(() => IOClassifier.ErrnoFromName(bad));
            foreach (var bad in new[] { "", "error_disk_full", "ERROR_DISK_FULL ", "112", "0x70", "ENOSPC", "ERROR_SUCCESS" })
                Assert.Throws<ArgumentException>(() => IOClassifier.Win32FromName(bad));
            Assert.Throws<ArgumentNullException>(() => IOClassifier.ErrnoFromName(null));
            Assert.Throws<ArgumentNullException>(() => IOClassifier.Win32FromName(null));
            // a refused name is quoted by the library (dw_quote): a huge one makes no huge message
            string big = new string('E', 100000);
            foreach (var m in new[] { Assert.Throws<ArgumentException>(() => IOClassifier.ErrnoFromName(big)).Message,
                                      Assert.Throws<ArgumentException>(() => IOClassifier.Win32FromName(big)).Message })
            {
                Assert.Contains("...' (100000 bytes)", m);
                Assert.True(m.Length < 400, "message of " + m.Length + " characters");
            }
            Assert.StartsWith("Not an errno name: 'eio'.", Assert.Throws<ArgumentException>(() => IOClassifier.ErrnoFromName("eio")).Message);
        }

        [Fact]
        public void Classifications()
        {
            var e = IOClassifier.ClassifyErrno(Errno.ENOSPC);
            Assert.Equal("errno", e.Kind);
            Assert.Equal(Errno.ENOSPC, e.Code);
            Assert.Equal("ENOSPC", e.Name);
            Assert.True(e.Known);
            Assert.Equal(IOClass.Capacity, e.IOClass);
            Assert.Equal(typeof(DropCapacityException), e.ExceptionType);
            Assert.Equal(112u, e.Win32Equivalent);
            var w = IOClassifier.ClassifyWin32(53);
            Assert.Equal("win32", w.Kind);
            Assert.Equal(IOClass.Remote, w.IOClass);
            Assert.Equal(typeof(DropRemoteException), w.ExceptionType);
            Assert.True(w.Retryable);
        }

        [Fact]
        public void ErrorInfoFromCodes()
        {
            var i = IOErrorInfo.FromErrno(Errno.EACCES, IOOperation.Create, "/srv/drop");
            Assert.Equal(IOClass.Access, i.IOClass);
            Assert.Equal(IOOperation.Create, i.Operation);
            Assert.Equal(5u, i.Win32Code);
            Assert.Equal("/srv/drop", i.Path);
            Assert.False(i.Retryable);
            Assert.StartsWith("create failed on '/srv/drop': ", i.Describe());
            Assert.Contains("(EACCES, ERROR_ACCESS_DENIED 5); access: ", i.Describe());
            Assert.False(i.NotFound);
            // UTF-8 end to end (the text crosses as bytes, never through the platform's ANSI code page)
            Assert.Contains("'/srv/dr\u00f6p'", IOErrorInfo.FromErrno(Errno.EACCES, IOOperation.Create, "/srv/dr\u00f6p").Describe());
            Assert.True(IOErrorInfo.FromErrno(Errno.ENOENT, IOOperation.OpenDirectory).NotFound);
            Assert.True(IOErrorInfo.FromWin32(3).NotFound);
            var w = IOErrorInfo.FromWin32(112);
            Assert.Equal(IOClass.Capacity, w.IOClass);
            Assert.Equal(0, w.Errno);
        }

        [Theory]
        [InlineData(IOClass.PhysicalDisk, typeof(DropPhysicalDiskException))]
        [InlineData(IOClass.LogicalDisk, typeof(DropLogicalDiskException))]
        [InlineData(IOClass.Transient, typeof(DropTransientException))]
        [InlineData(IOClass.Capacity, typeof(DropCapacityException))]
        [InlineData(IOClass.Access, typeof(DropAccessException))]
        [InlineData(IOClass.Configuration, typeof(DropConfigurationException))]
        [InlineData(IOClass.Remote, typeof(DropRemoteException))]
        [InlineData(IOClass.None, typeof(DropIOException))]
        public void ExceptionSubclassPerClass(IOClass c, Type type)
        {
            var info = new IOErrorInfo(c, IOOperation.Write, 5, 1117, true, 3, "/p", "d");
            var e = DropIOException.Create(info, "ctx");
            Assert.IsType(type, e);
            Assert.Equal(type, DropIOException.TypeFor(c));
            Assert.IsAssignableFrom<System.IO.IOException>(e);
            Assert.StartsWith("ctx: ", e.Message);
            Assert.Equal(c, e.IOClass);
            Assert.Equal(5, e.Errno);
            Assert.Equal(1117u, e.Win32Code);
            Assert.Equal(unchecked((int)0x8007045D), e.HResult);
            Assert.Equal(3u, e.Attempts);
            Assert.Equal("d", e.Detail);
            Assert.Equal("/p", e.Path);
            Assert.True(e.Retryable);
            Assert.Equal(IOClassifier.UserAction(c), e.UserAction);
        }
    }

    public class QuotaTests
    {
        [Theory]
        [InlineData("unlimited", 0UL)]
        [InlineData("Unlimited", 0UL)]
        [InlineData("1048576", 1048576UL)]
        [InlineData("10MB", 10485760UL)]
        [InlineData("1.5 GB", 1610612736UL)]
        [InlineData("10 MB (10,485,760 bytes)", 10485760UL)]
        [InlineData("8 TB", 8796093022208UL)]
        public void Parses(string text, ulong bytes)
        {
            Assert.Equal(bytes, Quota.Parse(text));
            Assert.True(Quota.TryParse(text, out ulong b));
            Assert.Equal(bytes, b);
        }

        [Theory]
        [InlineData("abc")]
        [InlineData("-1")]
        [InlineData("0")]
        [InlineData("10 XB")]
        [InlineData("")]
        public void RejectsMalformed(string text)
        {
            Assert.Throws<FormatException>(() => Quota.Parse(text));
            Assert.False(Quota.TryParse(text, out _));
        }

        [Fact]
        public void NullArguments()
        {
            Assert.Throws<ArgumentNullException>(() => Quota.Parse(null));
            Assert.False(Quota.TryParse(null, out _));
        }

        [Fact]
        public void Formats()
        {
            Assert.Equal("unlimited", Quota.Format(0));
            Assert.Equal("10 MB (10,485,760 bytes)", Quota.Format(10485760));
            // ByteQuantifiedSize's G4 text, as .NET itself prints it
            Assert.Equal(((double)10000 / 1024).ToString("G4", System.Globalization.CultureInfo.InvariantCulture) +
                         " KB (10,000 bytes)", Quota.Format(10000));
            Assert.Equal("1024 KB (1,048,575 bytes)", Quota.Format(1048575));
            Assert.True(Quota.IsValidDropDirectoryQuota(1UL << 20));
            Assert.False(Quota.IsValidDropDirectoryQuota(1000));
            // 64-bit end to end: 5 GiB does not fit 32 bits.
            ulong five = 5UL << 30;
            Assert.Equal(five, Quota.Parse(Quota.Format(five)));
        }
    }

    public class LibraryTests
    {
        [Fact]
        public void Version()
        {
            Assert.Matches(@"^\d+\.\d+\.\d+", DropWatchLibrary.Version);
            string[] parts = DropWatchLibrary.Version.Split('.');
            Assert.Equal(int.Parse(parts[0]) * 10000 + int.Parse(parts[1]) * 100 + int.Parse(parts[2].Split('-')[0]),
                         DropWatchLibrary.VersionNumber);
        }

        [Fact]
        public void StatusTexts()
        {
            Assert.Equal("DW_E_IO", DropWatchLibrary.StatusName(DropStatus.IO));
            foreach (DropStatus s in Enum.GetValues(typeof(DropStatus)))
                Assert.False(string.IsNullOrWhiteSpace(DropWatchLibrary.StatusText(s)));
        }

        [Fact]
        public void ExchangeVersionNamesComeFromTheLibrary()
        {
            Assert.Equal(ExchangeVersion.Exchange2007, DropPath.ParseExchangeVersion("2007"));
            Assert.Equal(ExchangeVersion.Exchange2013, DropPath.ParseExchangeVersion("se"));
            Assert.Equal(ExchangeVersion.Exchange2013, DropPath.ParseExchangeVersion("2019"));
            var e = Assert.Throws<FormatException>(() => DropPath.ParseExchangeVersion("2003"));
            Assert.Contains("2007, 2010, 2013", e.Message);
            Assert.Throws<ArgumentNullException>(() => DropPath.ParseExchangeVersion(null));
            Assert.Equal(AlertFormat.Syslog, Alert.ParseFormat("SYSLOG"));
        }
    }
}
