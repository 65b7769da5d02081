// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace DropWatch.Tests
{
    public class PickupTests
    {
        private static string WriteWithEnvelope(string dir, string body)
        {
            using (var drop = Drop.Open(dir))
            using (var env = new Envelope("s@x.example", "r1@y", "r2@y"))
                return drop.Write(Encoding.ASCII.GetBytes(body), new MessageOptions { Envelope = env });
        }

        [Fact]
        public void OptionsStartWithTheLibraryDefaults()
        {
            var o = new PickupOptions(); // dw_pickup_options_init
            Assert.Equal(2000u, o.SettleMilliseconds);
            Assert.Equal(300u, o.IncompleteAfterSeconds);
            Assert.Equal(600u, o.ClaimTtlSeconds);
            Assert.True(o.Durable);
            Assert.False(o.RequireEnvelope);
            Assert.Null(o.ArchiveDirectory);
        }

        [Fact]
        public void NextReadsEnvelopeAndMimeThenAckDeletes()
        {
            using (var dir = new TempDrop())
            {
                string name = WriteWithEnvelope(dir.Path, "Subject: t\r\n\r\nbody\r\n");
                using (var p = new Pickup(dir.Path))
                {
                    PickupMessage m = p.Next();
                    Assert.NotNull(m);
                    Assert.Equal(name, m.Name);
                    Assert.Equal("s@x.example", m.Sender);
                    Assert.Equal(new[] { "r1@y", "r2@y" }, m.Recipients);
                    Assert.False(m.Redelivered);
                    Assert.Equal("Subject: t\r\n\r\nbody\r\n", Encoding.ASCII.GetString(m.ReadAll()));
                    m.Ack();
                    Assert.True(m.Done);
                    Assert.Throws<InvalidOperationException>(() => m.Ack());
                    Assert.Null(p.Next());
                }
                Assert.Empty(dir.Messages());
            }
        }

        [Fact]
        public void ReleasePutsItBackAndClaimsAreExclusive()
        {
            using (var dir = new TempDrop())
            {
                string name = WriteWithEnvelope(dir.Path, "Subject: x\r\n\r\n");
                using (var a = new Pickup(dir.Path))
                using (var b = new Pickup(dir.Path))
                {
                    PickupMessage m = a.Claim(name);
                    Assert.NotNull(m);
                    Assert.Null(b.Claim(name));
                    Assert.Null(b.Next());
                    m.Release();
                    Assert.Equal(new[] { name }, dir.Messages());
                    using (PickupMessage again = b.Next())
                        Assert.NotNull(again); // disposed undecided: released
                    Assert.Equal(new[] { name }, dir.Messages());
                }
            }
        }

        [Fact]
        public void ReceiveEnumeratesAndArchive()
        {
            using (var dir = new TempDrop())
            {
                WriteWithEnvelope(dir.Path, "Subject: 1\r\n\r\n");
                WriteWithEnvelope(dir.Path, "Subject: 2\r\n\r\n");
                using (var p = new Pickup(dir.Path, new PickupOptions { ArchiveDirectory = "done" }))
                {
                    int n = 0;
                    foreach (PickupMessage m in p.Receive())
                    {
                        m.Ack();
                        n++;
                    }
                    Assert.Equal(2, n);
                }
                Assert.Empty(dir.Messages());
                Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "done")).Length);
            }
        }

        [Fact]
        public void PartialExchangeFileIsQuarantinedWithAnAlert()
        {
            using (var dir = new TempDrop())
            {
                string f = Path.Combine(dir.Path, "EX01-1-20240501120000Z.Normal.eml");
                File.WriteAllBytes(f, Encoding.ASCII.GetBytes(
                    "X-sender: <fax@contoso.com>\r\nX-Receiver: <+1555@fax>\r\nX-EndOfInjectedXHeaders: 5000\r\nSubject: cut"));
                File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-1));
                using (var p = new Pickup(dir.Path))
                {
                    Assert.Null(p.Next());
                    Assert.Single(p.Quarantined);
                    QuarantinedFile q = p.Quarantined[0];
                    Assert.Equal("EX01-1-20240501120000Z.Normal.eml", q.Name);
                    Assert.Equal("incomplete", q.Reason);
                    Assert.Contains("\"8004\"", q.AlertJson);
                    Assert.Contains("5000", q.Text);
                }
                Assert.True(File.Exists(Path.Combine(dir.Path, ".dwpickup", "quarantine", "EX01-1-20240501120000Z.Normal.eml")));
            }
        }

        [Fact]
        public void MissingDirectoryAndBadArchiveThrow()
        {
            using (var dir = new TempDrop())
            {
                Assert.ThrowsAny<DropIOException>(() => new Pickup(Path.Combine(dir.Path, "missing")));
                Assert.Throws<ArgumentException>(() => new Pickup(dir.Path, new PickupOptions { ArchiveDirectory = "../x" }));
                Assert.False(Pickup.TryOpen(Path.Combine(dir.Path, "missing"), null, out Pickup p, out Exception e));
                Assert.Null(p);
                Assert.NotNull(e);
            }
        }
    }
}
