// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Xunit;

namespace DropWatch.Tests
{
    /// <summary>The Try* entry points hand back exactly the exception the throwing form raises.</summary>
    public class TryPatternTests
    {
        [Fact]
        public void TryResolveAndExplain()
        {
            Assert.True(DropPath.TryResolve("D:\\Ex", "Drop", null, out var ok, out var none));
            Assert.Equal("D:\\Ex\\Drop", ok.Path);
            Assert.Null(none);
            Assert.False(DropPath.TryResolve("D:\\Ex", "a\\b", null, out var bad, out var error));
            Assert.Null(bad);
            Assert.Equal(DropNameReason.Separator, Assert.IsType<InvalidDropDirectoryNameException>(error).Reason);
            Assert.True(DropPath.TryExplain("D:\\Ex", "C:\\x", null, out var ex, out _));
            Assert.Equal("C:\\x", ex.ExchangePath);
            Assert.False(DropPath.TryExplain("D:\\Ex", null, null, out _, out var nul));
            Assert.IsType<ArgumentNullException>(nul);
        }

        [Fact]
        public void TryOpenWriteSweep()
        {
            using (var dir = new TempDrop())
            {
                Assert.False(Drop.TryOpen(Path.Combine(dir.Path, "absent"), null, out var missing, out var openError));
                Assert.Null(missing);
                Assert.Equal(Errno.ENOENT, Assert.IsType<DropConfigurationException>(openError).Errno);

                var faulty = new DropOptions { InjectOperation = IOOperation.Create, InjectErrno = Errno.EACCES, InjectCount = 1 };
                Assert.True(Drop.TryOpen(dir.Path, faulty, out var drop, out _));
                using (drop)
                {
                    Assert.False(drop.TryWrite(new byte[] { 1 }, null, out var name, out var writeError));
                    Assert.Null(name);
                    Assert.IsType<DropAccessException>(writeError);
                    Assert.True(drop.TryWrite(new byte[] { 1 }, null, out name, out writeError));
                    Assert.EndsWith(".eml", name);
                    Assert.False(drop.TryWriteFile(Path.Combine(dir.Path, "nope"), null, out _, out var readError));
                    Assert.Equal(IOOperation.Read, Assert.IsType<DropConfigurationException>(readError).Operation);
                    Assert.True(drop.TrySweep(TimeSpan.Zero, out ulong removed, out _));
                    Assert.Equal(0UL, removed);
                }
                Assert.False(drop.TrySweep(TimeSpan.Zero, out _, out var disposed));
                Assert.IsType<ObjectDisposedException>(disposed);
            }
        }

        [Fact]
        public void TryFormatAndTryCreateEnvelope()
        {
            var a = new Alert { SyslogFacility = 99 };
            Assert.False(a.TryFormat(AlertFormat.Syslog, out var text, out var error));
            Assert.Null(text);
            Assert.IsAssignableFrom<ArgumentException>(error);
            a.SyslogFacility = 1;
            Assert.True(a.TryFormat(AlertFormat.Json, out text, out _));
            Assert.StartsWith("{", text);

            Assert.True(Envelope.TryCreate("a@b.example", new[] { "c@d.example" }, out var env, out _));
            env.Dispose();
            Assert.False(Envelope.TryCreate("a@b\r\n", null, out env, out error));
            Assert.Null(env);
            Assert.IsType<DropEnvelopeException>(error);
        }
    }
}
