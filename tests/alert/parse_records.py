#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run real parsers over adversarial alert records.

gen_alerts prints COUNT records built from quotes, '<', '&', ']', newlines, control characters, invalid
UTF-8, XML-forbidden characters, bidi controls and over-long strings. Every record must pass:
  - XML:    xmllint --noout --schema event.xsd (libxml2), then ElementTree for the Windows Event shape;
  - JSON:   exactly one line, Python's json, the Winlogbeat/ECS field names;
  - syslog: exactly one line, a strict RFC 5424 parser written from the ABNF below;
  - text:   one header line, every other line a known label, an indented block or blank.
The connector survives each format losslessly (where the format allows; see doc/alerts.md).
usage: parse_records.py GEN_ALERTS [COUNT]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

FIELD_MAX = 8192
MARK = "...[truncated]"
NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
XSD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "event.xsd")
FAILURES = []


def fail(i, fmt, why, blob=b""):
    FAILURES.append("record %d %s: %s\n%r" % (i, fmt, why, blob[:400]))


def expected_connector(raw):
    """The connector as the formatter must carry it (None when it was not valid UTF-8: the replacement
    granularity is then the library's own, checked by the Check tests)."""
    truncated = len(raw) > FIELD_MAX
    if truncated:
        cut = FIELD_MAX
        for _ in range(3):
            if cut > 0 and (raw[cut] & 0xC0) == 0x80:
                cut -= 1
        raw = raw[:cut]
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return s + MARK if truncated else s


def xml_forbidden(ch):
    c = ord(ch)
    return (c < 0x20 and c not in (9, 10, 13)) or c in (0xFFFE, 0xFFFF)


# ---- RFC 5424, section 6 ABNF, as a strict regular expression over bytes ----
PRINTUSASCII = rb"[\x21-\x7e]"
SD_NAME = rb"[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}"  # PRINTUSASCII except '=', ']', '"'
PARAM_VALUE = rb'(?:\\[\x00-\xff]|[^"\\\]])*'       # '"', '\' and ']' only escaped
SD_PARAM = SD_NAME + rb'="' + PARAM_VALUE + rb'"'
SD_ELEMENT = rb"\[" + SD_NAME + rb"(?: " + SD_PARAM + rb")*\]"
TIMESTAMP = (rb"(?:-|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)"
             rb"(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))")
SYSLOG_RE = re.compile(
    rb"<(?P<pri>0|[1-9]\d{0,2})>(?P<version>[1-9]\d{0,2}) (?P<ts>" + TIMESTAMP + rb") "
    rb"(?P<host>-|" + PRINTUSASCII + rb"{1,255}) (?P<app>-|" + PRINTUSASCII + rb"{1,48}) "
    rb"(?P<procid>-|" + PRINTUSASCII + rb"{1,128}) (?P<msgid>-|" + PRINTUSASCII + rb"{1,32}) "
    rb"(?P<sd>-|(?:" + SD_ELEMENT + rb")+)(?: (?P<msg>[\x00-\xff]*))?\Z")
SD_ELEMENT_RE = re.compile(rb"\[(?P<id>" + SD_NAME + rb")(?P<params>(?: " + SD_PARAM + rb")*)\]")
SD_PARAM_RE = re.compile(rb" (?P<name>" + SD_NAME + rb')="(?P<value>' + PARAM_VALUE + rb')"')
UNESCAPE_RE = re.compile(r'\\(["\\\]nrt]|x[0-9A-F]{2}|u[0-9A-F]{4})')


def sd_unescape(value):
    """RFC 5424 escapes plus libdropwatch's control-character escapes (doc/alerts.md)."""
    def one(m):
        e = m.group(1)
        simple = {"n": "\n", "r": "\r", "t": "\t"}
        if e in simple:
            return simple[e]
        if e[0] in "xu":
            return chr(int(e[1:], 16))
        return e
    return UNESCAPE_RE.sub(one, value)


def check_syslog(i, line, want):
    if not line.endswith(b"\n") or b"\n" in line[:-1] or b"\r" in line:
        return fail(i, "syslog", "not exactly one line", line)
    m = SYSLOG_RE.match(line[:-1])
    if not m:
        return fail(i, "syslog", "does not match the RFC 5424 grammar", line)
    pri = int(m.group("pri"))
    if pri > 191 or m.group("version") != b"1":
        return fail(i, "syslog", "PRI/VERSION out of range", line)
    params = {}
    for el in SD_ELEMENT_RE.finditer(m.group("sd")):
        if el.group("id") != b"dropwatch@32473":
            return fail(i, "syslog", "unexpected SD-ID", line)
        for p in SD_PARAM_RE.finditer(el.group("params")):
            name = p.group("name").decode("ascii")
            try:
                value = p.group("value").decode("utf-8")  # PARAM-VALUE is UTF-8-STRING
            except UnicodeDecodeError:
                return fail(i, "syslog", "PARAM-VALUE %s is not UTF-8" % name, line)
            if name in params:
                return fail(i, "syslog", "duplicate SD-PARAM %s" % name, line)
            params[name] = value
    msg = m.group("msg") or b""
    if msg.startswith(b"\xef\xbb\xbf"):
        try:
            msg[3:].decode("utf-8")
        except UnicodeDecodeError:
            return fail(i, "syslog", "MSG after the BOM is not UTF-8", line)
    elif any(b >= 0x80 for b in msg):
        return fail(i, "syslog", "non-ASCII MSG without BOM", line)
    for key in ("eventID", "connector", "dropPath", "exception", "class", "errno", "win32"):
        if key not in params:
            return fail(i, "syslog", "missing SD-PARAM " + key, line)
    if want is not None and sd_unescape(params["connector"]) != want:
        return fail(i, "syslog", "connector not lossless", line)
    return params


def check_json(i, line, want):
    if not line.endswith(b"\n") or b"\n" in line[:-1] or b"\r" in line:
        return fail(i, "json", "not exactly one line", line)
    try:
        text = line.decode("utf-8")
        obj = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return fail(i, "json", "not parseable: %s" % exc, line)
    if "\u2028" in text or "\u2029" in text:
        return fail(i, "json", "raw U+2028/U+2029", line)
    try:
        code = obj["event"]["code"]
        assert obj["winlog"]["event_id"] == code and isinstance(code, str)
        assert obj["event"]["kind"] == "event" and obj["log"]["level"] == "error"
        assert obj["winlog"]["provider_name"] == "MSExchangeTransport" == obj["event"]["provider"]
        assert obj["winlog"]["keywords"] == ["Classic"] and obj["winlog"]["channel"] == "Application"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", obj["@timestamp"])
        nparams = 3 if code == "8004" else 2
        assert sorted(obj["winlog"]["event_data"]) == ["param%d" % k for k in range(1, nparams + 1)]
        # 8004: the class action and the event page's; the siblings: their own one or two
        assert len(obj["dropwatch"]["actions"]) in ((3, 4) if code == "8004" else (1, 2))
        assert len(set(obj["dropwatch"]["actions"])) == len(obj["dropwatch"]["actions"])
        conn = obj["dropwatch"]["connector"]
        if want is not None:
            assert conn == want or (conn is None and want == ""), "connector not lossless"
            assert obj["winlog"]["event_data"]["param1"] == want
        else:
            assert obj["dropwatch"]["replaced"] is True, "invalid UTF-8 not flagged"
    except (AssertionError, KeyError, TypeError) as exc:
        return fail(i, "json", "shape: %r" % (exc,), line)
    return obj


def check_xml(i, blob, want, code):
    try:
        root = ET.fromstring(blob)
    except ET.ParseError as exc:
        return fail(i, "xml", "ElementTree: %s" % exc, blob)
    try:
        assert root.tag == NS + "Event"
        system = root.find(NS + "System")
        tags = [c.tag[len(NS):] for c in system]
        want_tags = ["Provider", "EventID", "Level", "Task", "Keywords", "TimeCreated", "EventRecordID",
                     "Channel", "Computer", "Security"]
        if "EventRecordID" not in tags:
            want_tags.remove("EventRecordID")
        assert tags == want_tags, tags
        assert system.find(NS + "Provider").get("Name") == "MSExchangeTransport"
        ev = system.find(NS + "EventID")
        assert ev.get("Qualifiers") == "49156" and ev.text == code
        assert system.find(NS + "Level").text == "2" and system.find(NS + "Task").text == "7"
        assert system.find(NS + "Keywords").text == "0x80000000000000"
        data = list(root.find(NS + "EventData"))
        nparams = 3 if code == "8004" else 2
        assert all(d.get("Name") is None for d in data[:nparams]), "unnamed Data not first"
        assert all(d.get("Name") for d in data[nparams:]), "unnamed Data after named"
        named = {d.get("Name"): (d.text or "") for d in data[nparams:]}
        if want is not None:
            w = "".join("\ufffd" if xml_forbidden(c) else c for c in want)
            assert named["Connector"] == w, "Connector not lossless"
            assert (data[0].text or "") == w, "%1 not the connector"
    except (AssertionError, AttributeError, KeyError) as exc:
        return fail(i, "xml", "shape: %r" % (exc,), blob)


TEXT_LABELS = {"Message", "Product Name", "Product Version", "Event ID", "Event Source", "Alert Type",
               "MOM Rule Path", "MOM Rule Name", "Log Name", "Level", "Task Category", "Keywords",
               "Time (UTC)", "Computer", "Record ID", "Connector", "Drop Directory Path",
               "RootDropDirectoryPath", "DropDirectory", "I/O Class", "Operation", "Errno", "Win32 Code",
               "Retryable", "Attempts", "Path", "Detail", "Exception Type", "Exception", "Notes"}


def check_text(i, blob):
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return fail(i, "text", "not UTF-8", blob)
    if re.search(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]", text):
        return fail(i, "text", "raw control or line-breaking character", blob)
    lines = text.split("\n")
    if lines[-1] != "" or not re.match(r"(Critical Error|Error|Warning) - \d{4}-", lines[0]):
        return fail(i, "text", "header", blob)
    seen = []
    for line in lines[1:-1]:
        if line in ("", "Explanation:", "User Action:") or line.startswith("  "):
            continue
        label = line.split(":", 1)[0]
        if label not in TEXT_LABELS or len(line) < 24 or line[len(label) + 1:24].strip():
            return fail(i, "text", "line is not a field: %r" % line[:80], blob)
        seen.append(label)
    if len(seen) != len(set(seen)):
        return fail(i, "text", "a label appears twice (forged field)", blob)


def main():
    gen = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    xmllint = shutil.which("xmllint")
    if not xmllint:
        print("xmllint not found (install libxml2-utils)", file=sys.stderr)
        return 1
    out = subprocess.run([gen, "nasty", str(count)], stdout=subprocess.PIPE, check=True).stdout
    parts = out.split(b"\0")
    if len(parts) != 5 * count + 1 or parts[-1] != b"":
        print("gen_alerts printed %d parts, expected %d" % (len(parts), 5 * count + 1), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(count):
            hexconn, text, xml, js, sl = parts[5 * i:5 * i + 5]
            want = expected_connector(bytes.fromhex(hexconn.decode("ascii")))
            check_text(i, text)
            obj = check_json(i, js, want)
            check_syslog(i, sl, want)
            code = obj["event"]["code"] if isinstance(obj, dict) else "8004"
            check_xml(i, xml, want, code)
            name = os.path.join(tmp, "r%05d.xml" % i)
            with open(name, "wb") as f:
                f.write(xml)
            files.append(name)
        checked_xml = 0
        for k in range(0, len(files), 200):
            r = subprocess.run([xmllint, "--noout", "--schema", XSD] + files[k:k + 200],
                               stderr=subprocess.PIPE)
            # xmllint reports "FILE validates" on stderr for every valid file; anything else is a failure.
            bad = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if not l.endswith(" validates")]
            if r.returncode != 0 or bad:
                FAILURES.append("xmllint: " + "\n".join(bad)[:2000])
            checked_xml += len(files[k:k + 200])
    # The golden records go through the same parsers.
    gdir = os.path.join(os.path.dirname(XSD), "golden")
    for n, ev in enumerate(("8004", "8005", "8007", "8008", "8009")):
        def golden(ext):
            with open(os.path.join(gdir, "%s.%s" % (ev, ext)), "rb") as f:
                return f.read()
        want = "Fax Connector"
        check_text(-1 - n, golden("text"))
        check_json(-1 - n, golden("json"), want)
        check_syslog(-1 - n, golden("syslog"), want)
        check_xml(-1 - n, golden("xml"), want, ev)
        r = subprocess.run([xmllint, "--noout", "--schema", XSD, os.path.join(gdir, ev + ".xml")],
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            FAILURES.append("xmllint golden %s: %s" % (ev, r.stderr.decode("utf-8", "replace")))
    for f in FAILURES[:20]:
        print(f, file=sys.stderr)
    print("%d records x 4 formats: %d failures" % (count, len(FAILURES)))
    if checked_xml != count:
        print("xmllint saw %d of %d XML records" % (checked_xml, count), file=sys.stderr)
        return 1
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
