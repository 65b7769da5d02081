// SPDX-License-Identifier: MIT
using System;
using System.Text;
using Xunit;

namespace DropWatch.Tests
{
    public class DropDirectoryNameTests
    {
        [Fact]
        public void ValidNameIsValid()
        {
            var c = DropDirectoryName.Validate("Drop");
            Assert.True(c.IsValid);
            Assert.Equal(DropNameReason.Ok, c.Reason);
            Assert.Equal(4, c.Utf16Units);
            Assert.Equal("Drop", c.Name);
        }

        [Theory]
        [InlineData("a/b", DropNameReason.Separator, 1, '/')]
        [InlineData("a\\b", DropNameReason.Separator, 1, '\\')]
        [InlineData("", DropNameReason.Empty, 0, 0)]
        [InlineData("   ", DropNameReason.Blank, 0, 0)]
        [InlineData("x.", DropNameReason.TrailingDot, 1, '.')]
        [InlineData("x ", DropNameReason.TrailingSpace, 1, ' ')]
        [InlineData("CON", DropNameReason.ReservedName, 0, 0)]
        [InlineData("nul.txt", DropNameReason.ReservedName, 0, 0)]
        [InlineData("..", DropNameReason.DotName, 0, 0)]
        [InlineData("a|b", DropNameReason.ForbiddenChar, 1, '|')]
        [InlineData("a\u0001b", DropNameReason.ControlChar, 1, 1)]
        public void InvalidNamesReportReasonAndPosition(string name, DropNameReason reason, long offset, int codePoint)
        {
            var c = DropDirectoryName.Validate(name);
            Assert.False(c.IsValid);
            Assert.Equal(reason, c.Reason);
            Assert.StartsWith("DW_REASON_", c.ReasonName);
            Assert.False(string.IsNullOrWhiteSpace(c.Message));
            if (codePoint != 0)
            {
                Assert.Equal(offset, c.Offset);
                Assert.Equal(codePoint, c.CodePoint);
            }
        }

        [Fact]
        public void OffsetsAreUtf8ByteOffsets()
        {
            // "é" takes two UTF-8 bytes: the separator after it is at byte 2.
            var c = DropDirectoryName.Validate("é/x");
            Assert.Equal(DropNameReason.Separator, c.Reason);
            Assert.Equal(2, c.Offset);
        }

        [Fact]
        public void TooLongCountsUtf16Units()
        {
            Assert.True(DropDirectoryName.Validate(new string('a', 255)).IsValid);
            var c = DropDirectoryName.Validate(new string('a', 256));
            Assert.Equal(DropNameReason.TooLong, c.Reason);
            // A character outside the BMP counts two UTF-16 units: 128 of them are 256 units.
            var astral = new StringBuilder();
            for (int i = 0; i < 128; i++) astral.Append("\U0001F600");
            Assert.Equal(DropNameReason.TooLong, DropDirectoryName.Validate(astral.ToString()).Reason);
        }

        [Fact]
        public void RawBytesReportNulAndInvalidUtf8()
        {
            Assert.Equal(DropNameReason.EmbeddedNul, DropDirectoryName.Validate(new byte[] { (byte)'a', 0, (byte)'b' }).Reason);
            Assert.Equal(DropNameReason.InvalidUtf8, DropDirectoryName.Validate(new byte[] { (byte)'a', 0xC0, 0x80 }).Reason);
            Assert.True(DropDirectoryName.Validate(Encoding.UTF8.GetBytes("Drop")).IsValid);
        }

        [Fact]
        public void EnsureValidThrowsArgumentException()
        {
            DropDirectoryName.EnsureValid("Drop");
            var e = Assert.Throws<InvalidDropDirectoryNameException>(() => DropDirectoryName.EnsureValid("a\\b"));
            Assert.IsAssignableFrom<ArgumentException>(e);
            Assert.Equal(DropNameReason.Separator, e.Reason);
            Assert.Equal(ResolveInput.DropDirectory, e.Input);
            Assert.Equal(1, e.Offset);
        }

        [Fact]
        public void LongValuesAreQuotedBounded()
        {
            // dw_quote: at most 200 bytes of a value in a message, the cut marked with its length
            string big = new string('a', 100000);
            var e = Assert.Throws<InvalidDropDirectoryNameException>(() => DropDirectoryName.EnsureValid("a/" + big));
            Assert.StartsWith("Invalid DropDirectory 'a/" + new string('a', 198) + "...' (100002 bytes): ", e.Message);
            Assert.True(e.Message.Length < 1024);
            var r = Assert.Throws<InvalidDropDirectoryNameException>(
                () => DropPath.Resolve("C:\\x", new string('\u00e9', 50000)));
            Assert.StartsWith("Invalid DropDirectory '" + new string('\u00e9', 100) + "...' (100000 bytes): ", r.Message);
            var q = Assert.Throws<FormatException>(() => Quota.Parse(big));
            Assert.StartsWith("'" + new string('a', 200) + "...' (100000 bytes) is not", q.Message);
            var f = Assert.Throws<FormatException>(() => Alert.ParseFormat(big));
            Assert.StartsWith("'" + new string('a', 200) + "...' (100000 bytes) is not", f.Message);
            var p = Assert.Throws<ArgumentException>(() => DropPath.FullPath("C:\\" + big + ":"));
            Assert.Contains("...' (100004 bytes) (an invalid path character", p.Message);
            Assert.True(p.Message.Length < 1024);
            Assert.StartsWith("'yaml' is not", Assert.Throws<FormatException>(() => Alert.ParseFormat("yaml")).Message);
        }

        [Fact]
        public void ReservedNames()
        {
            Assert.True(DropDirectoryName.IsReserved("COM1"));
            Assert.True(DropDirectoryName.IsReserved("lpt1.log"));
            Assert.True(DropDirectoryName.IsReserved("CONIN$"));
            Assert.False(DropDirectoryName.IsReserved("CLOCK$"));
            Assert.False(DropDirectoryName.IsReserved("Drop"));
        }

        [Fact]
        public void NullIsArgumentNull()
        {
            Assert.Throws<ArgumentNullException>(() => DropDirectoryName.Validate((string)null));
            Assert.Throws<ArgumentNullException>(() => DropDirectoryName.Validate((byte[])null));
            Assert.Throws<ArgumentNullException>(() => DropDirectoryName.IsReserved(null));
        }

        [Fact]
        public void ReasonTextForEveryReason()
        {
            foreach (DropNameReason r in Enum.GetValues(typeof(DropNameReason)))
                Assert.False(string.IsNullOrWhiteSpace(DropDirectoryName.ReasonText(r)));
        }
    }

    public class DropPathTests
    {
        [Fact]
        public void ResolvesWindowsRoot()
        {
            var r = DropPath.Resolve("D:\\Exchange\\", "Drop");
            Assert.Equal("D:\\Exchange\\Drop", r.Path);
            Assert.Equal(PathStyle.Windows, r.Style);
            Assert.False(r.RootDefaulted);
            Assert.Equal(r.Path.Length, r.Length);
            Assert.Equal(r.Path.Length, r.Utf16Length);
            Assert.True(r.FileNameRoom > 0);
            Assert.Equal(r.Path, r.ToString());
        }

        [Fact]
        public void SeparatorsCollapseAndSlashesBecomeBackslashes()
        {
            Assert.Equal("D:\\Exchange\\Drop", DropPath.Resolve("D:/Exchange//", "Drop").Path);
        }

        [Fact]
        public void BlankRootIsTheInstallFolder()
        {
            var r = DropPath.Resolve("", "Drop");
            Assert.True(r.RootDefaulted);
            Assert.Equal(DropPath.ExchangeInstallDirectory(ExchangeVersion.Exchange2007) + "Drop", r.Path);
            var r15 = DropPath.Resolve(null, "Drop", new ResolveOptions { ExchangeVersion = ExchangeVersion.Exchange2013 });
            Assert.Equal("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Drop", r15.Path);
            var custom = DropPath.Resolve("  ", "Drop", new ResolveOptions { InstallDirectory = "E:\\Ex\\" });
            Assert.Equal("E:\\Ex\\Drop", custom.Path);
        }

        [Fact]
        public void PosixRoot()
        {
            var r = DropPath.Resolve("/var/spool/exchange", "Drop");
            Assert.Equal("/var/spool/exchange/Drop", r.Path);
            Assert.Equal(PathStyle.Posix, r.Style);
        }

        [Fact]
        public void InvalidDropDirectoryThrows()
        {
            var e = Assert.Throws<InvalidDropDirectoryNameException>(() => DropPath.Resolve("D:\\Exchange", "Pickup\\x"));
            Assert.Equal(DropNameReason.Separator, e.Reason);
            Assert.Equal("dropDirectory", e.ParamName);
            Assert.Equal(6, e.Offset);
        }

        [Fact]
        public void InvalidRootThrows()
        {
            var e = Assert.Throws<InvalidDropRootException>(() => DropPath.Resolve("relative\\dir", "Drop"));
            Assert.Equal(ResolveInput.Root, e.Input);
            Assert.Equal(DropNameReason.RootRelative, e.Reason);
            Assert.IsAssignableFrom<ArgumentException>(e);
            Assert.Equal(DropNameReason.RootDotComponent,
                Assert.Throws<InvalidDropRootException>(() => DropPath.Resolve("D:\\a\\..\\b", "Drop")).Reason);
        }

        [Fact]
        public void TooLongPathThrowsWithThePath()
        {
            string root = "D:\\" + new string('a', 200);
            var e = Assert.Throws<DropPathTooLongException>(() => DropPath.Resolve(root, "Drop"));
            Assert.Equal(root + "\\Drop", e.ResolvedPath);
            Assert.IsAssignableFrom<ArgumentException>(e);
        }

        [Fact]
        public void NullDropDirectoryIsArgumentNull()
        {
            Assert.Throws<ArgumentNullException>(() => DropPath.Resolve("D:\\", null));
            Assert.Throws<ArgumentNullException>(() => DropPath.Explain("D:\\", null));
        }

        [Fact]
        public void ExplainShowsExchangesJoin()
        {
            var same = DropPath.Explain("D:\\Exchange", "Drop");
            Assert.Equal("D:\\Exchange\\Drop", same.ExchangePath);
            Assert.True(same.StrictOk);
            Assert.Equal(ExplainWarnings.None, same.Warnings & ExplainWarnings.Differs);
            Assert.Empty(same.WarningMessages);

            var replaced = DropPath.Explain("D:\\Exchange", "C:\\Other");
            Assert.Equal("C:\\Other", replaced.ExchangePath);
            Assert.True(replaced.Warnings.HasFlag(ExplainWarnings.RootReplaced));
            Assert.True(replaced.Warnings.HasFlag(ExplainWarnings.Differs));
            Assert.False(replaced.StrictOk);
            Assert.Equal(DropStatus.InvalidName, replaced.StrictStatus);
            Assert.NotEmpty(replaced.WarningMessages);

            var nested = DropPath.Explain("D:\\Exchange", "a\\..\\..\\b");
            Assert.True(nested.Warnings.HasFlag(ExplainWarnings.ParentEscape));
            Assert.Equal(nested.ExchangePath.Length, nested.ExchangeLength);
        }

        [Fact]
        public void InstallDirectories()
        {
            Assert.Equal("C:\\Program Files\\Microsoft\\Exchange Server\\", DropPath.ExchangeInstallDirectory(ExchangeVersion.Exchange2007));
            Assert.EndsWith("V14\\", DropPath.ExchangeInstallDirectory(ExchangeVersion.Exchange2010));
            Assert.Throws<ArgumentOutOfRangeException>(() => DropPath.ExchangeInstallDirectory((ExchangeVersion)42));
        }

        [Theory]
        [InlineData("Version 8.3 (Build 83.6)", ExchangeVersion.Exchange2007)]
        [InlineData("Version 14.3 (Build 123.4)", ExchangeVersion.Exchange2010)]
        [InlineData("Version 15.1 (Build 2507.6)", ExchangeVersion.Exchange2013)]
        [InlineData("15.2.1118.7", ExchangeVersion.Exchange2013)]
        [InlineData("Version 16.0 (Build 1.0)", ExchangeVersion.Exchange2013)]
        [InlineData("Version 6.5 (Build 7638.2)", null)]
        [InlineData("Version 15", null)]
        [InlineData("", null)]
        [InlineData(null, null)]
        public void ExchangeVersionFromAdminDisplayVersion(string text, ExchangeVersion? expected)
        {
            Assert.Equal(expected, DropPath.ExchangeVersionFromBuild(text));
        }
    }
}
