// SPDX-License-Identifier: MIT
using System;
using Xunit;

namespace DropWatch.Tests
{
    // The folder Exchange finally opens: Path.Combine (Explain), then DirectoryInfo's GetFullPath.
    public class FinalDirectoryTests
    {
        [Theory]
        [InlineData("D:", "Fax", "D:Fax", "D:\\Fax")]
        [InlineData("D:\\Exchange", "X400. ", "D:\\Exchange\\X400. ", "D:\\Exchange\\X400")]
        [InlineData("D:\\Exchange", "..\\Outside", "D:\\Exchange\\..\\Outside", "D:\\Outside")]
        [InlineData("D:/Exchange/", "X400/Out", "D:/Exchange/X400/Out", "D:\\Exchange\\X400\\Out")]
        [InlineData("D:\\Exchange", "\\Rooted", "\\Rooted", "C:\\Rooted")]
        [InlineData("\\\\hub01\\drops", "..\\..\\x", "\\\\hub01\\drops\\..\\..\\x", "\\\\hub01\\drops\\x")]
        public void ExplainReportsTheFinalDirectory(string root, string value, string combined, string final)
        {
            var e = DropPath.Explain(root, value);
            Assert.Equal(combined, e.ExchangePath);
            Assert.Equal(final, e.FinalDirectory);
        }

        [Theory]
        [InlineData("D:\\Exchange", "a|b")]
        [InlineData("D:\\Ex<change", "X400")]
        public void CombineThrowsOnFrameworkSoNoFinalDirectory(string root, string value)
        {
            var e = DropPath.Explain(root, value);
            Assert.True((e.Warnings & ExplainWarnings.CombineFails) != 0);
            Assert.Null(e.FinalDirectory);
        }

        [Fact]
        public void ColonAfterTheDrivePositionHasNoFinalDirectory()
        {
            var e = DropPath.Explain("D:\\Exchange", "X400:");
            Assert.Equal("D:\\Exchange\\X400:", e.ExchangePath);
            Assert.Null(e.FinalDirectory);
            Assert.Throws<ArgumentException>(() => DropPath.FullPath(e.ExchangePath));
        }

        [Fact]
        public void FullPathUsesTheCurrentDirectory()
        {
            Assert.Equal("C:\\Windows\\System32\\Fax", DropPath.FullPath("Fax"));
            Assert.Equal("E:\\Work\\Fax", DropPath.FullPath("E:Fax", "E:\\Work"));
            Assert.Throws<ArgumentNullException>(() => DropPath.FullPath(null));
            Assert.ThrowsAny<ArgumentException>(() => DropPath.FullPath("x", "relative"));
        }

        [Fact]
        public void PosixRootsHaveNoWindowsFinalDirectory()
        {
            Assert.Null(DropPath.Explain("/var/spool/exchange", "Drop").FinalDirectory);
            // The library decides the style (dw_resolve_style): "//server/share" is a UNC path, not POSIX.
            Assert.Equal("\\\\hub01\\drops\\Drop", DropPath.Explain("//hub01/drops", "Drop").FinalDirectory);
            Assert.Null(DropPath.Explain("D:\\Exchange", "Drop", new ResolveOptions { Style = PathStyle.Posix }).FinalDirectory);
        }
    }
}
