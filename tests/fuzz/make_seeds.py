#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the hand-written seed inputs under tests/fuzz/corpus/ (files named seed-*).

Inputs found by fuzzing (merged in with `make fuzz-merge`) live beside them under hash names.
Run from anywhere: python3 tests/fuzz/make_seeds.py
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

NAMES = [
    b"Drop", b"Fax Connector", b"drop.dir", b"\xc3\xa9t\xc3\xa9", b"\xf0\x9f\x93\xa7mail", b"%2e%2e", b"..%2f",
    b"a" * 255, b"a" * 256, b"\xf0\x9f\x98\x80" * 127, b"\xf0\x9f\x98\x80" * 128, b"\xe4\xb8\xad" * 255,
    b"", b" ", b"   ", b".", b"..", b"...", b". .", b".. ", b"..  .", b"a/b", b"a\\b", b"/", b"\\", b"/etc",
    b"\\etc", b"../x", b"..\\x", b"C:", b"C:foo", b"C:\\x", b"\\\\srv\\share", b"\\\\?\\C:\\x", b"\\\\.\\PhysicalDrive0",
    b"\\??\\C:\\x", b"con", b"CON", b"CON.txt", b"Nul.txt", b"COM1.log", b"com0", b"LPT9.x", b"LPT\xc2\xb2",
    b"COM\xc2\xb9", b"com\xc2\xb3.log", b"CON .txt", b"conin$", b"CONOUT$.x", b"CLOCK$", b"CONX", b"COM10", b"LPT",
    b"AUX ", b"prn.", b"name:stream", b"file::$DATA", b"a\x01b", b"a\x00b", b"\x00", b"a\x1fb", b"a\tb", b"Drop.",
    b"Drop ", b"\xc0\xae\xc0\xae", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xff",
    b"a\xef\xbc\x8fb", b"\xef\xbc\xbc", b"a\xe2\x88\x95b", b"\xef\xbc\x8e\xef\xbc\x8e", b"a<b", b"a>b", b'a"b',
    b"a|b", b"a?b", b"a*b", b"\x7f", b"\xc2\xa0", b"\xc2\xa5", b"\xe2\x82\xa9", b"Drop\r\nX-Injected: 1",
]

ROOT_NAME = [
    (0, b"C:\\Exchange", b"Drop"), (0, b"C:\\Exchange\\", b"Drop"), (0, b"C:/Exchange//drops/", b"Fax"),
    (0, b"D:\\", b"x"), (0, b"D:", b"x"), (0, b"D:foo", b"x"), (0, b"\\foo", b"x"), (0, b"foo\\bar", b"x"),
    (0, b"\\\\server\\share\\drops", b"Fax"), (0, b"\\\\server\\share", b"Fax"), (0, b"//server/share//x/", b"Fax"),
    (0, b"\\\\?\\D:\\x", b"Drop"), (0, b"\\\\?\\UNC\\server\\share", b"Drop"), (0, b"\\\\.\\C:\\x", b"Drop"),
    (0, b"C:\\x\\..\\y", b"Drop"), (0, b"C:\\x\\.\\y", b"Drop"), (0, b"C:\\x\\..", b"Drop"), (0, b"", b"Drop"),
    (0, b"   ", b"Drop"), (0x20, b"", b"Fax Connector"), (0x04, b"", b"Drop"), (0x08, b"", b"Drop"),
    (0x10, b"", b"Drop", b"E:\\Exch\\"), (0x10, b"", b"Drop", b"/opt/exchange/"), (0x10, b"", b"Drop", b"relative"),
    (0, b"/var/spool/exchange", b"Drop"), (0, b"/var/spool/exchange/", b"Drop"), (0, b"/", b"Drop"),
    (0, b"//var///spool", b"Drop"), (0, b"/var/../etc", b"Drop"), (0, b"/var/./x", b"Drop"), (2, b"/var/a\\b", b"Drop"),
    (1, b"/var/spool", b"Drop"), (2, b"C:\\x", b"Drop"), (0, b"C:\\x", b".."), (0, b"C:\\x", b"..\\..\\Windows"),
    (0, b"/srv", b"../etc"), (0, b"C:\\x", b"con"), (0, b"C:\\x", b"a/b"), (0, b"C:\\x", b""), (0x80, b"C:\\x", b"Drop"),
    (0x40, b"C:\\x", b"Drop"), (0, b"C:\\" + b"d" * 190, b"Drop"), (0, b"C:\\" + b"d" * 250, b"Drop"),
    (0, b"C:\\" + b"\xf0\x9f\x98\x80" * 60, b"Drop"), (0, b"\\\\?\\C:\\" + b"d" * 400, b"Drop"), (0, b"/" + b"p" * 600, b"Drop"),
    (0, b"C:\\a\x01b", b"Drop"), (0, b"C:\\a|b", b"Drop"), (0, b"C:\\\xc0\xae", b"Drop"), (0, b"\\\\server", b"Drop"),
    (0, b"\\\\", b"Drop"), (0, b"\\\\\\x\\y", b"Drop"), (0, b"C:\\x", b"\xe6\x97\xa5\xe6\x9c\xac"),
]


def alert(flags=0, facility=16, cls=1, op=3, errno=5, win32=0, retry=0, attempts=1, time_ms=1764045000123,
          record=0, fields=()):
    head = struct.pack("<BBBBiIBIqQ", flags, facility, cls, op, errno, win32, retry, attempts, time_ms, record)
    assert len(head) == 33, len(head)
    return head + b"\0".join(fields)


STD = [b"Fax Connector", b"C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector", b"", b"Fax Connector",
       b"HUB01.contoso.com", b"The device is not ready.", b"dropwatch", b"C:\\x\\.dwtmp-1.tmp", b"unclassified errno 1234"]

ALERTS = [
    alert(fields=STD),
    alert(flags=1, record=123456789, fields=STD),
    alert(flags=2, cls=4, op=9, errno=0, fields=STD),
    alert(flags=2, cls=6, op=1, errno=2, fields=STD),
    alert(flags=2, cls=5, op=2, errno=13, fields=STD),
    alert(flags=2, cls=6, op=16, errno=36, fields=STD),
    alert(flags=8, cls=3, op=5, errno=4, fields=STD),
    alert(flags=4, fields=STD),
    alert(facility=0, fields=STD), alert(facility=23, fields=STD), alert(facility=24, fields=STD),
    alert(cls=9, op=19, errno=-7, win32=0xFFFFFFFF, fields=STD),
    alert(time_ms=0, fields=STD), alert(time_ms=253402300799999, fields=STD), alert(time_ms=253402300800000, fields=STD),
    alert(time_ms=(1 << 62), fields=STD),
    alert(fields=[b"<&>\"'", b"]]>", b"\x01\x02\x1b[31m", b"a\r\nb", b"\xff\xfe", b"\xc0\xaf\xed\xa0\x80",
                  b"host name with spaces", b"line1\nline2\r\nX: y", b"\"quoted\" \\ back]slash"]),
    alert(fields=[b"\xef\xbf\xbe\xef\xbf\xbf", b"\xf0\x9f\x93\xa7", b"\t", b"\x7f", b"", b"", b"a" * 60, b"", b""]),
    alert(fields=[b"{\"a\":1}", b"\\u0000", b"</Data><Data>x", b"<!--", b"-", b"%s%n", b"app[1]", b"]", b"="]),
    alert(fields=[b"x" * 9000, b"y" * 100, b"", b"", b"z" * 300, b"e" * 9000, b"", b"", b""]),
    alert(fields=[]),
    b"",
]


def write(target, data, name=None):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = name or "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for n in NAMES:
        write("fuzz_name", n)
    for entry in ROOT_NAME:
        flags, root, name = entry[:3]
        extra = entry[3] if len(entry) > 3 else b""
        write("fuzz_path", bytes([flags]) + root + b"\0" + name + (b"\0" + extra if extra else b""))
    for a in ALERTS:
        write("fuzz_alert", a)


if __name__ == "__main__":
    main()
