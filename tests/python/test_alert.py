# SPDX-License-Identifier: MIT
"""format_alert / alert_event: every format, records built from real failures, hostile input."""

import datetime
import errno
import json
import xml.etree.ElementTree as ET

import pytest

import dropwatch

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


@pytest.fixture
def io_failure(drop_dir):
    """A real classified failure: fsync fails with EIO."""
    with dropwatch.Drop.open(drop_dir, inject={"op": "fsync", "errno": errno.EIO, "count": 1}) as d:
        with pytest.raises(dropwatch.PhysicalDiskError) as ei:
            d.write(b"x")
    return ei.value


@pytest.fixture
def quota_failure(drop_dir):
    with dropwatch.Drop.open(drop_dir, quota=10) as d:
        d.write(b"x" * 100)  # Exchange's rule: the message that crosses the quota is written
        with pytest.raises(dropwatch.CapacityError) as ei:
            d.write(b"x")  # and the next one waits
    return ei.value


def test_json_record_from_a_real_failure(io_failure, drop_dir):
    out = dropwatch.format_alert(io_failure, connector="Fax", drop_path=str(drop_dir), time=0, record_id=9)
    assert out.endswith("\n") and out.count("\n") == 1
    rec = json.loads(out)
    assert rec["winlog"]["event_id"] == "8004"
    assert rec["winlog"]["event_data"]["param1"] == "Fax"
    assert rec["winlog"]["event_data"]["param2"] == str(drop_dir)
    assert rec["winlog"]["record_id"] == "9"
    assert rec["@timestamp"] == "1970-01-01T00:00:00.000Z"
    dw = rec["dropwatch"]
    assert dw["class"] == "physical" and dw["operation"] == "fsync" and dw["errno"] == errno.EIO
    assert dw["path"] == io_failure.filename


def test_xml_record(io_failure):
    out = dropwatch.format_alert(io_failure, format="xml", connector="Fax", drop_path="/d")
    root = ET.fromstring(out)
    assert root.find(f"{NS}System/{NS}EventID").text == "8004"
    data = root.findall(f"{NS}EventData/{NS}Data")
    assert data[0].text == "Fax" and data[1].text == "/d"


def test_text_and_syslog_records(io_failure):
    text = dropwatch.format_alert(io_failure, format="TEXT", connector="Fax")
    assert "8004" in text and "Fax" in text and "CHKDSK" in text
    line = dropwatch.format_alert(io_failure, format="syslog", syslog_facility=1, app_name="gw")
    assert line.startswith("<") and " gw " in line and line.count("\n") == 1
    assert int(line[1:line.index(">")]) // 8 == 1


def test_auto_event_picks_the_sibling_event(quota_failure, tmp_path):
    assert dropwatch.alert_event(quota_failure) == (8005, "NonSmtpGWQuotaExceeded")
    assert json.loads(dropwatch.format_alert(quota_failure, event="auto"))["winlog"]["event_id"] == "8005"
    assert json.loads(dropwatch.format_alert(quota_failure))["winlog"]["event_id"] == "8005"  # default: auto
    assert json.loads(dropwatch.format_alert(quota_failure, event="8004"))["winlog"]["event_id"] == "8004"
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.Drop.open(tmp_path / "missing")
    assert dropwatch.alert_event(ei.value)[0] == 8008
    assert dropwatch.alert_event(dropwatch.DropAccessError(errno.EACCES, "denied", "/d", operation="create"))[0] == 8009
    assert dropwatch.alert_event(OSError(errno.ENAMETOOLONG, "long"))[0] == 8007
    assert dropwatch.alert_event(None, event="8004")[0] == 8004


def test_plain_oserror_is_classified(tmp_path):
    out = dropwatch.format_alert(OSError(errno.ENOSPC, "full", "/x"), operation="write")
    dw = json.loads(out)["dropwatch"]
    assert dw["class"] == "capacity" and dw["operation"] == "write" and dw["path"] == "/x"


def test_time_forms():
    t = datetime.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=datetime.timezone.utc)
    assert json.loads(dropwatch.format_alert(time=t))["@timestamp"] == "2024-05-06T07:08:09.500Z"
    assert json.loads(dropwatch.format_alert(time=t.timestamp()))["@timestamp"] == "2024-05-06T07:08:09.500Z"


def test_deterministic_with_fixed_time(io_failure):
    a = dropwatch.format_alert(io_failure, format="xml", time=1, computer="h")
    b = dropwatch.format_alert(io_failure, format="xml", time=1, computer="h")
    assert a == b


@pytest.mark.parametrize("fmt", dropwatch.ALERT_FORMATS)
def test_hostile_fields_stay_well_formed(fmt):
    nasty = 'a\0b\r\n"<x>&]]>\udcff\u2028' + "}" * 3
    out = dropwatch.format_alert(
        OSError(errno.EIO, nasty, nasty), format=fmt, connector=nasty, drop_path=nasty.encode("utf-8", "surrogateescape"),
        root=nasty, drop_directory=nasty, computer="h\nx", exception_text=nasty, app_name="a b", time=0,
    )
    if fmt == "json":
        json.loads(out)
        assert out.count("\n") == 1
    elif fmt == "xml":
        ET.fromstring(out)
    elif fmt == "syslog":
        assert out.count("\n") == 1
    assert "\0" not in out


def test_huge_field_is_bounded():
    out = dropwatch.format_alert(connector="c" * 1_000_000)
    assert len(out) < 200_000
    assert json.loads(out)["dropwatch"]["truncated"] is True


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"format": "yaml"}, ValueError),
        ({"format": None}, ValueError),
        ({"event": "8006"}, ValueError),
        ({"syslog_facility": 24}, ValueError),
        ({"syslog_facility": -1}, ValueError),
        ({"record_id": -1}, ValueError),
        ({"record_id": 2**64}, ValueError),
        ({"time": "now"}, TypeError),
        ({"time": -5}, ValueError),
        ({"time": float("nan")}, ValueError),
        ({"connector": 5}, TypeError),
        ({"operation": "explode"}, ValueError),
    ],
)
def test_bad_arguments(kwargs, exc):
    with pytest.raises(exc):
        dropwatch.format_alert(**kwargs)


def test_bad_error_type():
    with pytest.raises(TypeError):
        dropwatch.format_alert("disk broke")
    with pytest.raises(TypeError):
        dropwatch.format_alert(ValueError("x"))


def test_exchange_version_picks_one_pack(io_failure):
    t2007 = dropwatch.format_alert(io_failure, format="text")
    assert "Product Version:        8.0\n" in t2007 and "Set-TransportServer" in t2007 and "Exchange 2010" not in t2007
    t2013 = dropwatch.format_alert(io_failure, format="text", exchange_version="SE")
    assert "Product Version:        14.0\n" in t2013 and "Set-TransportService" in t2013
    assert "Exchange 2007" not in t2013 and "Set-TransportServer)" not in t2013
    rec = json.loads(dropwatch.format_alert(io_failure, exchange_version=2010))
    assert rec["dropwatch"]["alert_type"] == "Error" and rec["dropwatch"]["product_version"] == "14.0"
    with pytest.raises(ValueError):
        dropwatch.format_alert(io_failure, exchange_version=2003)


def test_throttle_suppresses_repeats_and_reports_the_count(quota_failure):
    with dropwatch.Throttle() as t:
        assert t.window == dropwatch.THROTTLE_DEFAULT_SECONDS == 900
        assert t.check("Fax", quota_failure, now=1000) == (True, None)  # 8005: the first is logged
        assert t.check("Fax", 8005, now=1100) == (False, None)
        assert t.check("Fax", 8004, now=1100) == (True, None)  # another event: its own window
        assert t.expired(now=1200) == []
        log, closed = t.check("Fax", 8005, now=1900)  # the window's end
        assert log is True
        assert closed == dropwatch.SuppressedWindow("Fax", 8005, 1, 1000000, 1900000)
        t.check("Fax", 8005, now=1901)
        (w,) = t.expired(all=True)
        assert (w.connector, w.event_id, w.suppressed) == ("Fax", 8005, 1)
    with pytest.raises(ValueError):
        t.check("Fax", 8004)
    with pytest.raises(ValueError):
        dropwatch.Throttle(window=-1)
    # the window's limit is the library's (DW_THROTTLE_MAX_SECONDS, 31 days)
    with dropwatch.Throttle(window=31 * 24 * 3600) as t:
        assert t.window == 31 * 24 * 3600
    with pytest.raises(ValueError):
        dropwatch.Throttle(window=31 * 24 * 3600 + 1)


def test_defaults_are_the_librarys():
    import inspect

    from dropwatch import _native

    assert dropwatch.STALE_AGE_DEFAULT_SECONDS == _native.DW_STALE_AGE_DEFAULT_SECONDS == 3600
    assert inspect.signature(dropwatch.drop_health).parameters["stale_age"].default == 3600
    assert inspect.signature(dropwatch.Drop.health).parameters["stale_age"].default == 3600
    assert inspect.signature(dropwatch.Pickup).parameters["poll_ms"].default == _native.DW_PICKUP_WAIT_DEFAULT_MS
    with dropwatch.Throttle(window=0) as t0:
        assert all(t0.check("Fax", 8004, now=5)[0] for _ in range(3))


def test_format_literal_matches_the_library_table():
    # The type hint is written out for type checkers; the accepted names come from C's table.
    import typing

    from dropwatch import _alert, _native, _util

    assert set(typing.get_args(_alert.AlertFormatArg)) == set(dropwatch.ALERT_FORMATS)
    events = typing.get_args(typing.get_args(_alert.EventArg)[0])
    assert set(events) == set(_util.enum_choices(_native.DW_ENUM_EVENT_MODE))
