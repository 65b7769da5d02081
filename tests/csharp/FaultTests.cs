// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Xunit;

namespace DropWatch.Tests
{
    /// <summary>Real guarded-write failures (the library's per-handle fault injection) surface as the right exception.</summary>
    public class FaultTests
    {
        private static DropOptions Inject(IOOperation op, int errno, uint count = 100) => new DropOptions
        {
            InjectOperation = op, InjectErrno = errno, InjectCount = count,
            RetryMax = 2, RetryBaseMilliseconds = 1, RetryCapMilliseconds = 2,
        };

        public static TheoryData<IOOperation, int, Type, IOClass> Cases => new TheoryData<IOOperation, int, Type, IOClass>
        {
            { IOOperation.Fsync, Errno.EIO, typeof(DropPhysicalDiskException), IOClass.PhysicalDisk },
            { IOOperation.Write, Errno.EROFS, typeof(DropLogicalDiskException), IOClass.LogicalDisk },
            { IOOperation.Create, Errno.EAGAIN, typeof(DropTransientException), IOClass.Transient },
            { IOOperation.Write, Errno.ENOSPC, typeof(DropCapacityException), IOClass.Capacity },
            { IOOperation.Create, Errno.EACCES, typeof(DropAccessException), IOClass.Access },
            { IOOperation.Rename, Errno.ENOTDIR, typeof(DropConfigurationException), IOClass.Configuration },
            { IOOperation.Write, Errno.ESTALE, typeof(DropRemoteException), IOClass.Remote },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void OneShotWriteFailureHasTheRightClass(IOOperation op, int errno, Type type, IOClass cls)
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, Inject(op, errno)))
            {
                var e = Assert.Throws(type, () => drop.Write("message body"));
                var io = Assert.IsAssignableFrom<DropIOException>(e);
                Assert.IsAssignableFrom<IOException>(e);
                Assert.Equal(cls, io.IOClass);
                Assert.Equal(op, io.Operation);
                Assert.Equal(errno, io.Errno);
                Assert.Equal(IOClassifier.Win32FromErrno(errno), io.Win32Code);
                Assert.Equal(IOClassifier.IsRetryable(cls), io.Retryable);
                Assert.Equal(IOClassifier.UserAction(cls), io.UserAction);
                Assert.True(io.Attempts >= 1);
                Assert.StartsWith(dir.Path, io.Path);
                Assert.Contains(IOClassifier.ErrnoName(errno), io.Message);
                // Nothing under any name: no partial message, no temporary file.
                Assert.Empty(dir.Messages());
                Assert.Empty(dir.TempFiles());
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void StreamedWriteFailureHasTheRightClass(IOOperation op, int errno, Type type, IOClass cls)
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, Inject(op, errno)))
            {
                var e = Assert.Throws(type, () =>
                {
                    using (var msg = drop.BeginMessage())
                    {
                        msg.Write(new byte[1000]);
                        msg.Commit();
                    }
                });
                Assert.Equal(cls, ((DropIOException)e).IOClass);
                Assert.Empty(dir.Messages());
                Assert.Empty(dir.TempFiles());
                // The handle is still usable once the injected failures are spent.
            }
        }

        [Fact]
        public void FailedStreamedWriteAbortsTheMessage()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, Inject(IOOperation.Write, Errno.EIO, 1)))
            using (var msg = drop.BeginMessage())
            {
                Assert.Throws<DropPhysicalDiskException>(() => msg.Write(new byte[10]));
                Assert.Throws<ObjectDisposedException>(() => msg.Write(new byte[10]));
                Assert.Empty(dir.TempFiles());
                // The single injected failure is spent: the next message goes through.
                drop.Write("ok");
                Assert.Single(dir.Messages());
            }
        }

        [Fact]
        public void FailedWritesReportTheirOutcome()
        {
            // Issue 17: a failed guarded write says whether the message is published after all.
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, Inject(IOOperation.DirectoryFsync, Errno.EIO, 1)))
            {
                var e = Assert.Throws<DropPhysicalDiskException>(() => drop.Write("x"));
                Assert.Equal(WriteOutcome.NotPublished, e.Outcome);
                Assert.False(e.PublishedUnsure);
                Assert.Equal("", e.Published);
                Assert.Equal("", e.LeftBehind);
                Assert.Empty(dir.Messages());
                // The classification round-trips into an alert with its outcome.
                var alert = Alert.FromException(e, "Fax");
                alert.DropPath = dir.Path;
                Assert.Contains("not-published", alert.Format(AlertFormat.Json));
            }
        }

        [Fact]
        public void RetryMaxRangeIsTheLibrarysAndNamesTheOption()
        {
            // Issue 17, failure 8: one range, checked once, naming the option.
            using (var dir = new TempDrop())
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => Drop.Open(dir.Path, new DropOptions { RetryMax = 33 }));
                Assert.Equal("RetryMax", e.ParamName);
                using (Drop.Open(dir.Path, new DropOptions { RetryMax = 32 })) { }
                Assert.Equal(5000u, new DropOptions().LockTimeoutMilliseconds);
            }
        }

        [Fact]
        public void TransientFailuresAreRetried()
        {
            using (var dir = new TempDrop())
            {
                using (var drop = Drop.Open(dir.Path, Inject(IOOperation.Write, Errno.EAGAIN, 2)))
                    drop.Write("survives two EAGAINs");
                Assert.Single(dir.Messages());
                using (var drop = Drop.Open(dir.Path, Inject(IOOperation.Create, Errno.EBUSY)))
                {
                    var e = Assert.Throws<DropTransientException>(() => drop.Write("x"));
                    Assert.Equal(3u, e.Attempts); // RetryMax 2: three attempts in all
                    Assert.True(e.Retryable);
                }
            }
        }

        [Fact]
        public void FsyncFailureIsNeverRetried()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, Inject(IOOperation.Fsync, Errno.EINTR)))
            {
                var e = Assert.Throws<DropTransientException>(() => drop.Write("x"));
                Assert.Equal(1u, e.Attempts);
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void ShortWritesStillWriteEverything()
        {
            var data = new byte[5000];
            new Random(7).NextBytes(data);
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { InjectShortWrite = 3 }))
            {
                string name = drop.Write(data);
                Assert.Equal(data, File.ReadAllBytes(Path.Combine(dir.Path, name)));
            }
        }

        [Fact]
        public void OpenDirFailureIsClassified()
        {
            using (var dir = new TempDrop())
            {
                var e = Assert.Throws<DropAccessException>(() => Drop.Open(dir.Path, Inject(IOOperation.OpenDirectory, Errno.EACCES)));
                Assert.Equal(IOOperation.OpenDirectory, e.Operation);
                Assert.Equal(dir.Path, e.Path);
            }
        }

        [Fact]
        public void SweepUsageAndHealthFailuresAreClassified()
        {
            using (var dir = new TempDrop())
            {
                using (var drop = Drop.Open(dir.Path, Inject(IOOperation.Scan, Errno.EIO)))
                {
                    Assert.Equal(IOOperation.Scan, Assert.Throws<DropPhysicalDiskException>(() => drop.Sweep(0)).Operation);
                    Assert.Throws<DropPhysicalDiskException>(() => drop.Usage());
                }
                var h = Drop.Health(dir.Path, Inject(IOOperation.Create, Errno.ENOSPC));
                Assert.False(h.IsHealthy);
                Assert.False(h.Writable);
                Assert.True(h.Exists);
                Assert.IsType<DropCapacityException>(h.Error);
            }
        }

        [Fact]
        public void DropDirectoryQuotaIsCapacity()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { QuotaBytes = 100, QuotaMode = QuotaMode.Strict }))
            {
                drop.Write(new byte[60]);
                var e = Assert.Throws<DropCapacityException>(() => drop.Write(new byte[60]));
                Assert.Equal(IOOperation.Quota, e.Operation);
                Assert.Equal(0, e.Errno);
                Assert.False(string.IsNullOrEmpty(e.Detail));
                Assert.Single(dir.Messages());
                Assert.Empty(dir.TempFiles());
            }
        }

        [Fact]
        public void ExchangeQuotaRuleIsTheDefault()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { QuotaBytes = 100 }))
            {
                Assert.Equal(QuotaMode.Exchange, new DropOptions().QuotaMode);
                drop.Write(new byte[60]);
                drop.Write(new byte[60]); // 60 < 100 before it: written
                var e = Assert.Throws<DropCapacityException>(() => drop.Write(new byte[1]));
                Assert.Equal(IOOperation.Quota, e.Operation);
                Assert.Equal(2, dir.Messages().Length);
            }
        }

        [Fact]
        public void ExpectedSizeIsCheckedAs64Bit()
        {
            // 6 GiB expected against a 5 GiB quota: fails before any byte is written. Truncated to 32 bits
            // (SWIG 4.1's default for size_t) the sizes would be 2 GiB and 1 GiB and the check would differ.
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { QuotaBytes = 5UL << 30, QuotaMode = QuotaMode.Strict }))
            {
                var e = Assert.Throws<DropCapacityException>(() => drop.BeginMessage(new MessageOptions { ExpectedSize = 6UL << 30 }));
                Assert.Equal(IOOperation.Quota, e.Operation);
                Assert.Empty(dir.TempFiles());
                using (var ok = drop.BeginMessage(new MessageOptions { ExpectedSize = 4UL << 30 }))
                    ok.Abort();
            }
        }
    }
}
