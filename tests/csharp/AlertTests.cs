// SPDX-License-Identifier: MIT
using System;
using System.Text.Json;
using System.Xml.Linq;
using Xunit;

namespace DropWatch.Tests
{
    public class AlertTests
    {
        private static Alert Sample() => new Alert
        {
            Connector = "Fax Connector",
            DropPath = "D:\\Exchange\\Drop",
            Root = "D:\\Exchange",
            DropDirectory = "Drop",
            Computer = "HUB01",
            Error = IOErrorInfo.FromErrno(Errno.ENOSPC, IOOperation.Write, "D:\\Exchange\\Drop\\x.tmp"),
            Time = DateTimeOffset.FromUnixTimeMilliseconds(1700000000123),
            RecordId = 4242,
        };

        [Fact]
        public void EveryFormatIsDeterministicAndCarriesTheFacts()
        {
            foreach (AlertFormat f in Enum.GetValues(typeof(AlertFormat)))
            {
                string a = Sample().Format(f), b = Sample().Format(f);
                Assert.Equal(a, b);
                Assert.EndsWith("\n", a);
                Assert.Contains("Fax Connector", a);
                Assert.Contains("8004", a);
            }
        }

        [Fact]
        public void XmlIsWellFormed()
        {
            var doc = XDocument.Parse(Sample().Format(AlertFormat.Xml));
            Assert.Equal("Event", doc.Root.Name.LocalName);
            Assert.Contains("4242", doc.ToString());
        }

        [Fact]
        public void JsonIsOneParsableLine()
        {
            string json = Sample().Format(AlertFormat.Json);
            Assert.Equal(json.Length - 1, json.IndexOf('\n'));
            using (var doc = JsonDocument.Parse(json))
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }

        [Fact]
        public void HostileValuesStayWellFormed()
        {
            var a = Sample();
            a.Connector = "evil\"<&>'\r\n<Event>\u0001";
            XDocument.Parse(a.Format(AlertFormat.Xml));
            using (JsonDocument.Parse(a.Format(AlertFormat.Json))) { }
            string syslog = a.Format(AlertFormat.Syslog);
            Assert.Equal(syslog.Length - 1, syslog.IndexOf('\n'));
        }

        [Fact]
        public void SyslogFacility()
        {
            var a = Sample();
            // PRI = facility * 8 + severity; the alert is a critical error (severity 2).
            a.SyslogFacility = 16;
            Assert.StartsWith("<130>1 ", a.Format(AlertFormat.Syslog));
            a.SyslogFacility = 0;
            Assert.StartsWith("<2>1 ", a.Format(AlertFormat.Syslog));
            a.SyslogFacility = 24;
            Assert.Throws<ArgumentException>(() => a.Format(AlertFormat.Syslog));
            Assert.Throws<ArgumentException>(() => Sample().Format((AlertFormat)9));
        }

        [Fact]
        public void DefaultsAndFacilityRangeComeFromTheLibrary()
        {
            var a = new Alert();
            Assert.Equal(16, a.SyslogFacility); // dw_alert_init: local0
            Assert.Equal(AlertEventMode.Auto, a.EventMode);
            Assert.Equal(ExchangeVersion.Exchange2007, a.ExchangeVersion);
            Assert.True(Alert.IsValidSyslogFacility(0));
            Assert.True(Alert.IsValidSyslogFacility(23));
            Assert.False(Alert.IsValidSyslogFacility(24));
            Assert.False(Alert.IsValidSyslogFacility(-1));
        }

        [Fact]
        public void EventIds()
        {
            var a = Sample();
            Assert.Equal(8004u, a.EventId);
            a.EventMode = AlertEventMode.Auto;
            a.Error = new IOErrorInfo(IOClass.Capacity, IOOperation.Quota, 0, 0, true, 1, "/d", "quota");
            Assert.Equal(8005u, a.EventId);
            a.Error = IOErrorInfo.FromErrno(Errno.ENOENT, IOOperation.OpenDirectory, "/d");
            Assert.Equal(8008u, a.EventId);
            a.Error = IOErrorInfo.FromErrno(Errno.EACCES, IOOperation.Create, "/d");
            Assert.Equal(8009u, a.EventId);
            Assert.Contains("8009", a.Format(AlertFormat.Json));
            Assert.Equal("NonSmtpGWQuotaExceeded", Alert.EventName(8005));
            Assert.Null(Alert.EventName(1234));
        }

        [Fact]
        public void FormatNames()
        {
            Assert.Equal(AlertFormat.Json, Alert.ParseFormat("JSON"));
            Assert.Equal(AlertFormat.Syslog, Alert.ParseFormat("syslog"));
            Assert.Throws<FormatException>(() => Alert.ParseFormat("yaml"));
            Assert.Throws<ArgumentNullException>(() => Alert.ParseFormat(null));
            Assert.Equal("xml", Alert.FormatName(AlertFormat.Xml));
            Assert.Equal(Sample().Format(AlertFormat.Xml), Sample().Format("Xml"));
        }

        [Fact]
        public void FromARealFailure()
        {
            using (var dir = new TempDrop())
            using (var drop = Drop.Open(dir.Path, new DropOptions { QuotaBytes = 1 }))
            {
                drop.Write("crosses the quota: still written, as Exchange does");
                var e = Assert.Throws<DropCapacityException>(() => drop.Write("waits"));
                var alert = Alert.FromException(e, "Fax");
                Assert.Equal(AlertEventMode.Auto, alert.EventMode); // the default
                Assert.Equal(8005u, alert.EventId);
                string text = alert.Format();
                Assert.Contains("Fax", text);
                Assert.Throws<ArgumentNullException>(() => Alert.FromException(null));
            }
        }

        [Fact]
        public void ExchangeFidelity()
        {
            var a = Sample();
            Assert.Contains("an I/O exception There is not enough space on the disk. occurred .", a.Format());
            Assert.Contains("Product Version:        8.0", a.Format());
            a.ExchangeVersion = ExchangeVersion.Exchange2013;
            string t = a.Format();
            Assert.Contains("Product Version:        14.0", t);
            Assert.Contains("Set-TransportService", t);
            Assert.DoesNotContain("Exchange 2007", t);
            a.EventMode = AlertEventMode.Event8004;
            a.Error = IOErrorInfo.FromErrno(Errno.EACCES, IOOperation.Create, "/d");
            Assert.Equal(8004u, a.EventId);
            Assert.Equal("There is not enough space on the disk.", IOClassifier.Win32Message(112));
            Assert.Null(IOClassifier.Win32Message(99999));
        }

        [Fact]
        public void ThrottleSuppressesRepeats()
        {
            var t0 = DateTimeOffset.FromUnixTimeSeconds(1700000000);
            using (var t = new Throttle())
            {
                Assert.Equal(900u, t.WindowSeconds);
                Assert.True(t.Check("Fax", 8008, out var c0, t0));
                Assert.Null(c0);
                Assert.False(t.Check("Fax", 8008, out _, t0.AddMinutes(1)));
                Assert.False(t.Check("Fax", 8008, out _, t0.AddMinutes(2)));
                Assert.True(t.Check("Fax", 8004, out _, t0.AddMinutes(2)));
                Assert.Empty(t.Expired(t0.AddMinutes(3)));
                Assert.True(t.Check("Fax", 8008, out var closed, t0.AddMinutes(15)));
                Assert.Equal(2UL, closed.Suppressed);
                Assert.Equal("Fax", closed.Connector);
                Assert.False(t.Check("Fax", 8008, out _, t0.AddMinutes(16)));
                var all = t.Expired(all: true);
                Assert.Single(all);
                Assert.Equal(8008u, all[0].EventId);
                Assert.Equal(1UL, all[0].Suppressed);
            }
            var gone = new Throttle(0);
            Assert.True(gone.Check("Fax", 8004, out _));
            Assert.True(gone.Check("Fax", 8004, out _));
            gone.Dispose();
            Assert.Throws<ObjectDisposedException>(() => gone.Check("Fax", 8004, out _));
        }

        [Fact]
        public void DefaultsAreTheLibrarys()
        {
            // Compile-time constants from the C header (SWIG %csconst), not copies.
            Assert.Equal(900u, Throttle.DefaultWindowSeconds);
            Assert.Equal(3600u, Drop.DefaultStaleAgeSeconds);
            Assert.Equal(TimeSpan.FromSeconds(1), Pickup.DefaultWait);
            var p = typeof(Drop).GetMethod("Health").GetParameters()[2];
            Assert.Equal(Drop.DefaultStaleAgeSeconds, (uint)p.DefaultValue);
        }

        [Fact]
        public void AlertWithoutErrorOrStrings()
        {
            string text = new Alert { Time = DateTimeOffset.FromUnixTimeSeconds(0) }.Format();
            Assert.Contains("localhost", text);
        }
    }
}
