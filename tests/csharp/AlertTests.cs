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
                var e = Assert.Throws<DropCapacityException>(() => drop.Write("too big"));
                var alert = Alert.FromException(e, "Fax");
                alert.EventMode = AlertEventMode.Auto;
                Assert.Equal(8005u, alert.EventId);
                string text = alert.Format();
                Assert.Contains("Fax", text);
                Assert.Throws<ArgumentNullException>(() => Alert.FromException(null));
            }
        }

        [Fact]
        public void AlertWithoutErrorOrStrings()
        {
            string text = new Alert { Time = DateTimeOffset.FromUnixTimeSeconds(0) }.Format();
            Assert.Contains("localhost", text);
        }
    }
}
