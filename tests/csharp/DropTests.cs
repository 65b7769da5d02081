// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace DropWatch.Tests
{
    public class DropWriteTests
    {
        [Fact]
        public void WriteBytesPublishesOneCompleteMessage()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                Assert.Equal(dir.Path, drop.Path);
                byte[] data = Encoding.ASCII.GetBytes("Subject: t\r\n\r\nbody\r\n");
                string name = drop.Write(data);
                Assert.EndsWith(".eml", name);
                Assert.Equal(new[] { name }, dir.Messages());
                Assert.Empty(dir.TempFiles());
                Assert.Equal(data, File.ReadAllBytes(Path.Combine(dir.Path, name)));
            }
        }

        [Fact]
        public void EveryWriteGetsAUniqueName()
        {
            using (var dir = new TempDrop())
            using (var drop = new Drop(dir.Path))
            {
                var names = Enumerable.Range(0, 20).Select(i => drop.Write("m" + i)).ToArray();
                Assert.Equal(20, names.Distinct().Count());
                Assert.Equal(20, dir.Messages().Length);
            }
        }

        [Fact]
        public void WriteStringIsUtf8WithoutBom()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string name = drop.Write("héllo ✓");
                Assert.Equal(Encoding.UTF8.GetBytes("héllo ✓"), File.ReadAllBytes(Path.Combine(dir.Path, name)));
            }
        }

        [Fact]
        public void WritePartOfABuffer()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string name = drop.Write(Encoding.ASCII.GetBytes("xxHELLOyy"), 2, 5);
                Assert.Equal("HELLO", File.ReadAllText(Path.Combine(dir.Path, name)));
                Assert.Throws<ArgumentOutOfRangeException>(() => drop.Write(new byte[4], 3, 2));
                Assert.Throws<ArgumentOutOfRangeException>(() => drop.Write(new byte[4], -1, 2));
            }
        }

        [Fact]
        public void WriteStreamLargerThanOneChunk()
        {
            var data = new byte[300 * 1024 + 17];
            new Random(42).NextBytes(data);
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string name = drop.Write(new MemoryStream(data));
                Assert.Equal(data, File.ReadAllBytes(Path.Combine(dir.Path, name)));
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void WriteFileByPathAndFileInfo()
        {
            using (var dir = new TempDrop())
            using (var src = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string source = Path.Combine(src.Path, "in.eml");
                File.WriteAllText(source, "from a file");
                string a = drop.WriteFile(source);
                string b = drop.Write(new FileInfo(source));
                Assert.Equal("from a file", File.ReadAllText(Path.Combine(dir.Path, a)));
                Assert.Equal("from a file", File.ReadAllText(Path.Combine(dir.Path, b)));
            }
        }

        [Fact]
        public void MissingSourceFileIsAClassifiedReadFailure()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string missing = Path.Combine(dir.Path, "no-such-source.eml");
                var e = Assert.Throws<DropConfigurationException>(() => drop.WriteFile(missing));
                Assert.Equal(IOOperation.Read, e.Operation);
                Assert.Equal(Errno.ENOENT, e.Errno);
                Assert.Equal(missing, e.Path);
                Assert.Empty(dir.Messages());
            }
        }

        [Fact]
        public void WriteBatchPublishesEveryMessageInOrder()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                var msgs = Enumerable.Range(0, 5).Select(i => Encoding.ASCII.GetBytes("batch " + i)).ToList();
                msgs.Add(new byte[0]);
                string[] names = drop.WriteBatch(msgs);
                Assert.Equal(6, names.Length);
                Assert.Equal(6, names.Distinct().Count());
                for (int i = 0; i < msgs.Count; i++)
                    Assert.Equal(msgs[i], File.ReadAllBytes(Path.Combine(dir.Path, names[i])));
                Assert.Empty(drop.WriteBatch(new byte[0][]));
                Assert.Throws<ArgumentNullException>(() => drop.WriteBatch(null));
                Assert.Throws<ArgumentNullException>(() => drop.WriteBatch(new byte[][] { null }));
            }
        }

        [Fact]
        public void WriteBatchFailureSaysWhatWasPublished()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { InjectOperation = IOOperation.Create, InjectErrno = Errno.EACCES, InjectCount = 1 }))
            {
                var e = Assert.Throws<DropAccessException>(() => drop.WriteBatch(new[] { new byte[3], new byte[4] }));
                Assert.Equal(0UL, (ulong)e.Data["PublishedCount"]);
                Assert.Empty((string[])e.Data["PublishedNames"]);
                Assert.Empty(dir.Messages());
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void StreamedMessage()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string name;
                using (var msg = drop.BeginMessage())
                {
                    msg.Write("part one, ");
                    msg.Write(Encoding.ASCII.GetBytes("part two"));
                    msg.Write(Encoding.ASCII.GetBytes("..!"), 2, 1);
                    Assert.Equal(19UL, msg.Size);
                    Assert.Empty(dir.Messages()); // nothing under a final name before commit
                    Assert.Single(dir.TempFiles());
                    name = msg.Commit();
                    Assert.True(msg.IsCompleted);
                    Assert.Throws<ObjectDisposedException>(() => msg.Write("late"));
                    Assert.Throws<ObjectDisposedException>(() => msg.Commit());
                }
                Assert.Equal("part one, part two!", File.ReadAllText(Path.Combine(dir.Path, name)));
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void DisposedMessageIsAborted()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                using (var msg = drop.BeginMessage())
                    msg.Write("never published");
                var m2 = drop.BeginMessage();
                m2.Write("x");
                m2.Abort();
                m2.Abort(); // idempotent
                Assert.Empty(dir.Messages());
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void ClosedDropRefusesWrites()
        {
            using (var dir = new TempDrop())
            {
                var drop = Drop.Open(dir.Path);
                drop.Dispose();
                drop.Dispose();
                Assert.Throws<ObjectDisposedException>(() => drop.Write("x"));
                Assert.Throws<ObjectDisposedException>(() => drop.Usage());
            }
        }

        [Fact]
        public void MessageKeepsItsDropAliveUntilItEnds()
        {
            using (var dir = new TempDrop())
            {
                var drop = Drop.Open(dir.Path);
                var msg = drop.BeginMessage();
                msg.Write("still ok");
                drop.Dispose(); // the native handle stays open while the message holds it
                msg.Abort();
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void NullArguments()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                Assert.Throws<ArgumentNullException>(() => drop.Write((byte[])null));
                Assert.Throws<ArgumentNullException>(() => drop.Write((string)null));
                Assert.Throws<ArgumentNullException>(() => drop.Write((Stream)null));
                Assert.Throws<ArgumentNullException>(() => drop.WriteFile(null));
            }
            Assert.Throws<ArgumentNullException>(() => Drop.Open(null));
            Assert.Throws<ArgumentNullException>(() => Drop.Health(null));
        }

        [Fact]
        public void NamePrefixAndExchangeNaming()
        {
            using (var dir = new TempDrop())
            {
                using (var drop = Drop.Open(dir.Path, new DropOptions { NamePrefix = "fax-" }))
                    Assert.StartsWith("fax-", drop.Write("a"));
                var opts = new DropOptions { Naming = FileNaming.Exchange, MachineName = "HUB01" };
                using (var drop = Drop.Open(dir.Path, opts))
                {
                    string name = drop.Write("b", new MessageOptions { RecordId = 77, Priority = MessagePriority.High });
                    Assert.StartsWith("HUB01-77-", name);
                    Assert.EndsWith(".eml", name);
                }
            }
        }

        [Fact]
        public void InvalidOptionsAreArgumentExceptions()
        {
            using (var dir = new TempDrop())
            {
                Assert.Throws<ArgumentException>(() => Drop.Open(dir.Path, new DropOptions { NamePrefix = "a/b" }));
                // Out of the library's range: an ArgumentOutOfRangeException naming the property and the range.
                var e = Assert.ThrowsAny<ArgumentException>(() => Drop.Open(dir.Path, new DropOptions { FileMode = 0x10000 }));
                Assert.Equal("FileMode", e.ParamName);
                Assert.Contains("0 to 07777", e.Message);
            }
        }

        [Fact]
        public void DefaultOptionsComeFromTheLibrary()
        {
            var o = new DropOptions();
            Assert.Equal(4u, o.RetryMax);
            Assert.Equal(10u, o.RetryBaseMilliseconds);
            Assert.Equal(1000u, o.RetryCapMilliseconds);
            Assert.Equal(Convert.ToUInt32("640", 8), o.FileMode);
            Assert.Equal(0UL, o.QuotaBytes);
            Assert.Equal(IOOperation.None, o.InjectOperation);
            Assert.Equal(Durability.Full, o.Durability);
        }

        [Fact]
        public void NoDurabilityStillAtomic()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { Durability = Durability.None }))
            {
                string name = drop.Write("fast");
                Assert.Equal("fast", File.ReadAllText(Path.Combine(dir.Path, name)));
            }
        }

        [Fact]
        public void TempDirKeepsTemporaryFilesOutOfTheDropDirectory()
        {
            using (var dir = new TempDrop())
            {
                string tmp = Path.Combine(dir.Path, ".dwtmp");
                Directory.CreateDirectory(tmp);
                var options = new DropOptions { TempDir = ".dwtmp", QuotaBytes = 1 << 20 };
                using (var drop = Drop.Open(dir.Path, options))
                {
                    using (var msg = drop.BeginMessage())
                    {
                        msg.Write("streamed");
                        Assert.Empty(dir.TempFiles());
                        Assert.Empty(dir.Messages());
                        Assert.Single(Directory.GetFiles(tmp, ".dwtmp-*"));
                        msg.Commit();
                    }
                    drop.Write("one");
                    drop.WriteBatch(new[] { new byte[] { 1 }, new byte[] { 2 } });
                    string stale = Path.Combine(tmp, ".dwtmp-old-1.tmp");
                    File.WriteAllText(stale, "x");
                    File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
                    DropHealth h = Drop.Health(dir.Path, options);
                    Assert.True(h.Writable);
                    Assert.Equal(1UL, h.StaleTempFiles);
                    Assert.Equal(1UL, drop.Sweep(TimeSpan.FromHours(1)));
                }
                Assert.Equal(4, dir.Messages().Length);
                Assert.Empty(dir.TempFiles());
                Assert.Empty(Directory.GetFiles(tmp));
                var missing = new DropOptions { TempDir = "missing" };
                var e = Assert.Throws<DropConfigurationException>(() => Drop.Open(dir.Path, missing));
                Assert.Contains("temp_dir does not exist", e.Detail);
                Assert.False(Directory.Exists(Path.Combine(dir.Path, "missing")));
            }
        }

        [Fact]
        public void EmbeddedNulIsRefusedNotTruncated()
        {
            // P/Invoke hands the library the text up to the first NUL: "drop\0/elsewhere" opened "drop",
            // TempDir ".dwtmp\0x" used ".dwtmp". Every string argument is refused instead, as .NET's own file
            // APIs and Python (ValueError) do.
            using (var dir = new TempDrop())
            {
                Directory.CreateDirectory(Path.Combine(dir.Path, ".dwtmp"));
                var e = Assert.Throws<ArgumentException>(() => Drop.Open(dir.Path + "\0/elsewhere"));
                Assert.Contains("NUL", e.Message);
                Assert.Throws<ArgumentException>(() => Drop.Open(dir.Path, new DropOptions { TempDir = ".dwtmp\0x" }));
                Assert.Throws<ArgumentException>(() => DropPath.Resolve("/srv/drop", "Fax\0/../../etc"));
                Assert.Throws<ArgumentException>(() => DropPath.FullPath("C:\\x\0y"));
                Assert.False(Drop.TryOpen(dir.Path + "\0x", null, out Drop d, out Exception err));
                Assert.IsType<ArgumentException>(err);
                using (var ok = Drop.Open(dir.Path, new DropOptions { TempDir = ".dwtmp" })) { }
            }
        }

        [Fact]
        public void EnvelopeIsWrittenBeforeTheMessage()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            using (var env = new Envelope("sender@example.com", "rcpt@example.com"))
            {
                string body = "Subject: x\r\n\r\nhi\r\n";
                string name = drop.Write(body, new MessageOptions { Envelope = env });
                string text = File.ReadAllText(Path.Combine(dir.Path, name));
                string headers = env.Format((ulong)body.Length);
                Assert.Equal(headers + body, text);
                Assert.Contains("X-sender: <sender@example.com>", headers);
                Assert.Contains("X-Receiver: <rcpt@example.com>", headers);
                Assert.Contains("X-EndOfInjectedXHeaders: " + body.Length, headers);
            }
        }
    }

    public class EnvelopeTests
    {
        [Fact]
        public void HeaderInjectionIsRefused()
        {
            using (var env = new Envelope())
            {
                var e = Assert.Throws<DropEnvelopeException>(() => env.SetSender("a@b\r\nX-Evil: 1"));
                Assert.IsAssignableFrom<ArgumentException>(e);
                Assert.Throws<DropEnvelopeException>(() => env.AddRecipient("x@y\n"));
                Assert.Throws<ArgumentNullException>(() => env.SetSender(null));
            }
        }

        [Fact]
        public void FormatNeedsSenderAndRecipient()
        {
            using (var env = new Envelope())
            {
                Assert.Throws<DropEnvelopeException>(() => env.Format(10));
                env.SetSender("a@b.example", "SIZE=10");
                env.AddRecipient("c@d.example");
                env.AddRecipient("e@f.example", "NOTIFY=NEVER");
                string h = env.Format(10);
                Assert.EndsWith("\r\n", h);
                Assert.Equal(2, h.Split(new[] { "X-Receiver:" }, StringSplitOptions.None).Length - 1);
                env.SetEndOfHeadersMode(EndOfHeadersMode.HeaderLength);
                Assert.NotEqual(h, env.Format(10));
            }
        }

        [Fact]
        public void DisposedEnvelope()
        {
            var env = new Envelope();
            env.Dispose();
            env.Dispose();
            Assert.Throws<ObjectDisposedException>(() => env.SetSender("a@b"));
        }
    }

    public class DropDirectoryTests
    {
        [Fact]
        public void MissingDirectoryIsConfiguration()
        {
            using (var dir = new TempDrop())
            {
                string missing = Path.Combine(dir.Path, "absent");
                var e = Assert.Throws<DropConfigurationException>(() => Drop.Open(missing));
                Assert.Equal(Errno.ENOENT, e.Errno);
                Assert.Equal(IOOperation.OpenDirectory, e.Operation);
                Assert.Equal(missing, e.Path);
                Assert.False(e.Retryable);
                Assert.Contains("never created", e.Detail);
                Assert.Contains(missing, e.Message);
                Assert.False(Directory.Exists(missing)); // never created implicitly
            }
        }

        [Fact]
        public void FileInsteadOfDirectoryIsConfiguration()
        {
            using (var dir = new TempDrop())
            {
                string file = Path.Combine(dir.Path, "file");
                File.WriteAllText(file, "x");
                var e = Assert.Throws<DropConfigurationException>(() => Drop.Open(file));
                Assert.Equal(Errno.ENOTDIR, e.Errno);
            }
        }

        [Fact]
        public void SymlinkIsRefused()
        {
            using (var dir = new TempDrop())
            {
                string real = Path.Combine(dir.Path, "real");
                Directory.CreateDirectory(real);
                string link = Path.Combine(dir.Path, "link");
                File.CreateSymbolicLink(link, real);
                var e = Assert.Throws<DropConfigurationException>(() => Drop.Open(link));
                Assert.Equal(Errno.ELOOP, e.Errno);
                Assert.Equal(IOOperation.OpenDirectory, e.Operation);
                Assert.Contains("symlink", e.Detail);
            }
        }

        [Fact]
        public void CreateDirectoryExplicitly()
        {
            using (var dir = new TempDrop())
            {
                string d = Path.Combine(dir.Path, "made");
                Drop.CreateDirectory(d);
                Assert.True(Directory.Exists(d));
                Drop.CreateDirectory(d); // existing: not an error
                var e = Assert.Throws<DropConfigurationException>(() => Drop.CreateDirectory(Path.Combine(dir.Path, "no", "parent")));
                Assert.Equal(IOOperation.Mkdir, e.Operation);
            }
        }

        [Fact]
        public void UsageCountsTopLevelFiles()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                Assert.Equal(0UL, drop.Usage().Files);
                drop.Write(new byte[100]);
                drop.Write(new byte[50]);
                var u = drop.Usage();
                Assert.Equal(2UL, u.Files);
                Assert.Equal(150UL, u.Bytes);
            }
        }

        [Fact]
        public void SweepRemovesOnlyStaleTemporaryFiles()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path))
            {
                string stale = Path.Combine(dir.Path, ".dwtmp-crashed-1.tmp");
                string fresh = Path.Combine(dir.Path, ".dwtmp-running-2.tmp");
                string foreign = Path.Combine(dir.Path, "other.tmp");
                string old = Path.Combine(dir.Path, "old.eml");
                foreach (var f in new[] { stale, fresh, foreign, old }) File.WriteAllText(f, "x");
                var twoHoursAgo = DateTime.UtcNow.AddHours(-2);
                File.SetLastWriteTimeUtc(stale, twoHoursAgo);
                File.SetLastWriteTimeUtc(foreign, twoHoursAgo);
                File.SetLastWriteTimeUtc(old, twoHoursAgo);
                Assert.Equal(1UL, drop.Sweep(TimeSpan.FromHours(1)));
                Assert.False(File.Exists(stale));
                Assert.True(File.Exists(fresh) && File.Exists(foreign) && File.Exists(old));
                // A file exactly as old as the limit is kept; one older goes.
                File.SetLastWriteTimeUtc(fresh, DateTime.UtcNow.AddSeconds(-30));
                Assert.Equal(1UL, drop.Sweep(5));
                Assert.False(File.Exists(fresh));
                Assert.Throws<ArgumentOutOfRangeException>(() => drop.Sweep(TimeSpan.FromSeconds(-1)));
            }
        }

        [Fact]
        public void HealthOfAGoodDirectory()
        {
            using (var dir = new TempDrop())
            {
                File.WriteAllText(Path.Combine(dir.Path, "a.eml"), "12345");
                ulong quota = 5UL << 30; // above 32 bits: 64-bit end to end
                var h = Drop.Health(dir.Path, new DropOptions { QuotaBytes = quota });
                Assert.True(h.IsHealthy, h.Error?.Message);
                Assert.Null(h.Error);
                Assert.True(h.Exists && h.IsDirectory && h.Writable);
                Assert.Contains(h.PublishMethod, new[] { "rename-noreplace", "link" }); // shares: "unique-rename"
                Assert.Equal(quota, h.QuotaBytes);
                Assert.Equal(1UL, h.FileCount);
                Assert.Equal(5UL, h.UsedBytes);
                Assert.True(h.TotalBytes >= h.FreeBytes && h.TotalBytes > 0);
                Assert.Empty(dir.TempFiles()); // the canary is gone
                Assert.Single(dir.Messages());
            }
        }

        [Fact]
        public void HealthReportsFailureWithoutThrowing()
        {
            using (var dir = new TempDrop())
            {
                var h = Drop.Health(Path.Combine(dir.Path, "absent"));
                Assert.False(h.IsHealthy);
                Assert.False(h.Exists);
                Assert.Equal(DropStatus.IO, h.Status);
                var e = Assert.IsType<DropConfigurationException>(h.Error);
                Assert.Equal(Errno.ENOENT, e.Errno);
            }
        }

        [Fact]
        public void HealthCountsStaleTemporaryFiles()
        {
            using (var dir = new TempDrop())
            {
                string stale = Path.Combine(dir.Path, ".dwtmp-old-1.tmp");
                File.WriteAllText(stale, "x");
                File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-3));
                Assert.Equal(1UL, Drop.Health(dir.Path, null, 3600).StaleTempFiles);
            }
        }
    }
}
