# SPDX-License-Identifier: MIT
"""Drop: writes of every input kind, streaming messages, cleanup, maintenance, quotas, bad inputs."""

import errno
import io
import os
import re
import time

import pytest

import dropwatch
from conftest import assert_clean, listing

MESSAGE = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nHello\r\n"


def read(drop_dir, name):
    return (drop_dir / name).read_bytes()


def test_write_bytes_returns_the_final_name(drop, drop_dir):
    name = drop.write(MESSAGE)
    assert name.endswith(".eml") and "/" not in name
    assert read(drop_dir, name) == MESSAGE
    assert_clean(drop_dir, [name])


@pytest.mark.parametrize("data", [bytearray(MESSAGE), memoryview(MESSAGE)])
def test_write_other_buffers(drop, drop_dir, data):
    name = drop.write(data)
    assert read(drop_dir, name) == MESSAGE


@pytest.mark.parametrize("data", ["some/path", "Subject: Grüße\r\n\r\n€\r\n"])
def test_write_refuses_str(drop, drop_dir, data):
    """A str is neither taken as content nor as a file name: drop.write("some/path") must not publish the
    path text as a message. The error says what to pass."""
    with pytest.raises(TypeError, match="write_file"):
        drop.write(data)
    with pytest.raises(TypeError):
        drop.write_many([b"ok", data])
    with pytest.raises(TypeError):
        with drop.message() as m:
            m.write(data)
    assert_clean(drop_dir, [])


def test_write_file_and_path_objects_copy_the_file(drop, drop_dir, tmp_path):
    src = tmp_path / "message.eml"
    src.write_bytes(MESSAGE)
    for arg in (str(src), bytes(src), src):
        name = drop.write_file(arg)
        assert read(drop_dir, name) == MESSAGE
    assert read(drop_dir, drop.write(src)) == MESSAGE


def test_write_file_like_streams_everything(drop, drop_dir):
    payload = os.urandom(300_000)
    name = drop.write(io.BytesIO(payload))
    assert read(drop_dir, name) == payload
    assert_clean(drop_dir, [name])


def test_write_pathlike_copies_the_file(drop, drop_dir, tmp_path):
    src = tmp_path / "message.eml"
    payload = os.urandom(200_000)
    src.write_bytes(payload)
    name = drop.write(src)
    assert read(drop_dir, name) == payload
    assert src.read_bytes() == payload  # the source is untouched


def test_write_missing_source_path_is_the_os_error(drop, drop_dir, tmp_path):
    with pytest.raises(FileNotFoundError) as ei:
        drop.write(tmp_path / "missing.eml")
    assert not isinstance(ei.value, dropwatch.DropWatchError)  # the source, not the drop, failed
    assert_clean(drop_dir, [])


def test_open_accepts_str_bytes_and_pathlike(drop_dir):
    for p in (os.fspath(drop_dir), os.fsencode(drop_dir), drop_dir):
        with dropwatch.Drop(p) as d:
            assert d.path is p
            d.write(b"x")
    assert len(assert_clean(drop_dir)) == 3


def test_empty_message_is_allowed(drop, drop_dir):
    name = drop.write(b"")
    assert read(drop_dir, name) == b""


def test_names_are_unique(drop, drop_dir):
    names = [drop.write(b"%d" % i) for i in range(50)]
    assert len(set(names)) == 50
    assert_clean(drop_dir, names)


def test_name_prefix(drop_dir):
    with dropwatch.Drop.open(drop_dir, name_prefix="gw-") as d:
        assert d.write(b"x").startswith("gw-")
    with pytest.raises(dropwatch.DropWatchError):
        dropwatch.Drop.open(drop_dir, name_prefix="bad/prefix")


def test_exchange_naming(drop_dir):
    with dropwatch.Drop.open(drop_dir, naming="exchange", machine_name="MBX01") as d:
        name = d.write(b"x", priority="high", record_id=42)
        other = d.write(b"y", priority="low")
    assert re.fullmatch(r"MBX01-42-\d{14}Z\.High\.eml", name), name
    assert other.startswith("MBX01-") and other.endswith(".Low.eml")
    assert_clean(drop_dir, [name, other])


def test_non_durable_writes_are_still_complete(drop_dir):
    with dropwatch.Drop.open(drop_dir, durable=False) as d:
        name = d.write(MESSAGE)
    assert read(drop_dir, name) == MESSAGE


def test_short_writes_still_land_completely(drop_dir):
    inject = dropwatch.FaultInjection(op="none", short_write=7)
    payload = os.urandom(10_000)
    with dropwatch.Drop.open(drop_dir, inject=inject) as d:
        name = d.write(payload)
    assert read(drop_dir, name) == payload


# ---- streaming -------------------------------------------------------------------------------------


def test_message_commits_on_success(drop, drop_dir):
    with drop.message() as m:
        assert m.write(b"Subject: s\r\n") == 12
        m.write(b"\r\n")
        m.write(memoryview(b"body\r\n"))
        assert m.size == 20
        assert listing(drop_dir)[0] == []  # nothing visible before the commit
    assert m.closed and m.name
    assert read(drop_dir, m.name) == b"Subject: s\r\n\r\nbody\r\n"
    assert_clean(drop_dir, [m.name])


def test_message_aborts_on_exception(drop, drop_dir):
    with pytest.raises(KeyError):
        with drop.message() as m:
            m.write(b"partial")
            raise KeyError("boom")
    assert m.closed and m.name is None
    assert listing(drop_dir) == ([], [], [])


def test_explicit_commit_and_abort(drop, drop_dir):
    m = drop.message()
    m.write(b"one")
    name = m.commit()
    assert name == m.name
    m2 = drop.message()
    m2.write(b"two")
    m2.abort()
    assert_clean(drop_dir, [name])


def test_message_collected_without_commit_is_aborted(drop, drop_dir):
    m = drop.message()
    m.write(b"forgotten")
    del m
    import gc

    gc.collect()
    assert listing(drop_dir) == ([], [], [])


def test_close_aborts_open_messages(drop_dir):
    d = dropwatch.Drop.open(drop_dir)
    m = d.message()
    m.write(b"x")
    d.close()
    assert m.closed
    assert listing(drop_dir) == ([], [], [])


def test_failed_stream_write_aborts(drop_dir):
    with dropwatch.Drop.open(drop_dir, inject={"op": "write", "errno": errno.EIO, "count": 1}) as d:
        with pytest.raises(dropwatch.PhysicalDiskError):
            with d.message() as m:
                m.write(b"x")
        assert m.closed
        assert_clean(drop_dir, [])
        # the injection is used up: the next message lands
        name = d.write(b"ok")
    assert_clean(drop_dir, [name])


def test_failed_commit_leaves_nothing(drop_dir):
    with dropwatch.Drop.open(drop_dir, inject={"op": "rename", "errno": errno.EIO, "count": 1}) as d:
        m = d.message()
        m.write(b"x")
        with pytest.raises(dropwatch.PhysicalDiskError):
            m.commit()
        assert m.closed
    assert listing(drop_dir) == ([], [], [])


# ---- quota -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("unlimited", None),
        ("1048576", 1048576),
        ("10MB", 10 * 1024 * 1024),
        ("10 MB (10,485,760 bytes)", 10485760),
        ("1.5 GB", 1610612736),
        (b"2KB", 2048),
    ],
)
def test_parse_quota(text, value):
    assert dropwatch.parse_quota(text) == value


@pytest.mark.parametrize("text", ["", "ten", "-5", "0", "10 XB", "99999999999999999999999", "1\0"])
def test_parse_quota_rejects(text):
    with pytest.raises(ValueError):
        dropwatch.parse_quota(text)


def test_parse_quota_types():
    with pytest.raises(TypeError):
        dropwatch.parse_quota(10)
    with pytest.raises(TypeError):
        dropwatch.parse_quota(None)


def test_format_quota():
    assert dropwatch.format_quota(None) == "unlimited"
    assert dropwatch.format_quota(10485760) == "10 MB (10,485,760 bytes)"
    assert dropwatch.parse_quota(dropwatch.format_quota(123456789)) == 123456789
    with pytest.raises(ValueError):
        dropwatch.format_quota(-1)


def test_quota_text_and_expected_size(drop_dir):
    with dropwatch.Drop.open(drop_dir, quota="1 KB", quota_mode="strict") as d:
        assert d.health().quota_bytes == 1024
        with pytest.raises(dropwatch.CapacityError) as ei:
            with d.message(expected_size=4096) as m:
                pytest.fail("the quota must refuse before the body")  # pragma: no cover
        assert ei.value.operation == "quota"
        d.write(b"a" * 1000)
        with pytest.raises(dropwatch.CapacityError):
            d.write(b"b" * 100)
    assert len(assert_clean(drop_dir)) == 1


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-1, ValueError), (2**64, ValueError), (True, TypeError),
                                      (1.5, TypeError), ("lots", ValueError)])
def test_bad_quota(drop_dir, bad, exc):
    with pytest.raises(exc):
        dropwatch.Drop.open(drop_dir, quota=bad)


# ---- maintenance -------------------------------------------------------------------------------------


def test_usage_counts_top_level_files(drop, drop_dir):
    assert drop.usage() == dropwatch.Usage(bytes=0, files=0)
    drop.write(b"12345")
    (drop_dir / "other.txt").write_bytes(b"123")
    (drop_dir / "sub").mkdir()
    u = drop.usage()
    assert u.files == 2 and u.bytes == 8


def test_sweep_stale_removes_only_old_temporaries(drop, drop_dir):
    old = drop_dir / ".dwtmp-1-2-deadbeef.tmp"
    fresh = drop_dir / ".dwtmp-1-3-feedface.tmp"
    keep = drop_dir / "note.tmp"
    for p in (old, fresh, keep):
        p.write_bytes(b"x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    os.utime(keep, (past, past))
    os.utime(fresh, (time.time() - 100, time.time() - 100))
    name = drop.write(b"x")
    os.utime(drop_dir / name, (past, past))
    import datetime

    assert drop.sweep_stale(datetime.timedelta(hours=1)) == 1
    assert not old.exists() and fresh.exists() and keep.exists() and (drop_dir / name).exists()
    assert drop.sweep_stale(50) == 1
    assert not fresh.exists()


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (2**40, ValueError), ("1h", TypeError),
                                      (float("nan"), ValueError)])
def test_sweep_bad_age(drop, bad, exc):
    with pytest.raises(exc):
        drop.sweep_stale(bad)


def test_health_of_a_good_directory(drop, drop_dir):
    drop.write(b"abc")
    h = drop.health()
    assert h.ok and h and h.error is None
    assert h.exists and h.is_directory and h.writable
    assert h.total_bytes >= h.free_bytes > 0
    assert h.file_count == 1 and h.used_bytes == 3
    assert h.quota_bytes is None
    assert h.publish_method in ("rename-noreplace", "link")  # a local file system (shares: "unique-rename")
    h.raise_for_error()
    assert_clean(drop_dir)  # the canary is gone
    assert dropwatch.drop_health(drop_dir).ok


def test_health_of_a_missing_directory(tmp_path):
    h = dropwatch.drop_health(tmp_path / "missing")
    assert not h.ok and not h.exists and not h.writable
    assert isinstance(h.error, dropwatch.DropConfigurationError)
    with pytest.raises(dropwatch.DropConfigurationError):
        h.raise_for_error()


def test_health_counts_stale_temporaries(drop, drop_dir):
    old = drop_dir / ".dwtmp-9-9-00000000.tmp"
    old.write_bytes(b"x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert drop.health(stale_age=3600).stale_temp_files == 1


def test_create_drop_directory(tmp_path):
    p = tmp_path / "New"
    assert dropwatch.create_drop_directory(p, 0o700) == p
    assert p.is_dir() and (p.stat().st_mode & 0o777) == 0o700
    assert dropwatch.create_drop_directory(os.fspath(p)) == os.fspath(p)  # existing: fine
    with pytest.raises(dropwatch.DropConfigurationError) as ei:
        dropwatch.create_drop_directory(tmp_path / "no" / "parent")
    assert ei.value.operation == "mkdir"
    with pytest.raises(ValueError):
        dropwatch.create_drop_directory(p, 0o10000)


# ---- bad inputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 42, 1.0, ["/tmp"], object()])
def test_open_type_errors(bad):
    with pytest.raises(TypeError):
        dropwatch.Drop.open(bad)


def test_open_value_errors(drop_dir):
    with pytest.raises(ValueError):
        dropwatch.Drop.open(os.fspath(drop_dir) + "\0x")
    with pytest.raises(ValueError):
        dropwatch.Drop.open(drop_dir, naming="random")
    with pytest.raises(ValueError):
        dropwatch.Drop.open(drop_dir, inject={"op": "explode", "errno": 5})
    with pytest.raises(TypeError):
        dropwatch.Drop.open(drop_dir, inject={"op": "write", "bogus": 1})
    with pytest.raises(TypeError):
        dropwatch.Drop.open(drop_dir, inject="write")
    with pytest.raises(ValueError):
        dropwatch.Drop.open(drop_dir, retries=-1)
    with pytest.raises(ValueError):
        dropwatch.Drop.open(drop_dir, file_mode=2**40)
    with pytest.raises(TypeError):
        dropwatch.Drop.open(drop_dir, durable="yes")


@pytest.mark.parametrize("bad", [None, 42, 3.14, {"a": 1}, ["x"]])
def test_write_type_errors(drop, drop_dir, bad):
    with pytest.raises(TypeError):
        drop.write(bad)
    assert_clean(drop_dir, [])


def test_write_option_errors(drop, drop_dir):
    with pytest.raises(ValueError):
        drop.write(b"x", priority="urgent")
    with pytest.raises(ValueError):
        drop.write(b"x", record_id=-1)
    with pytest.raises(ValueError):
        drop.write(b"x", expected_size=-5)
    with pytest.raises(TypeError):
        drop.write(b"x", envelope="a@b")
    with pytest.raises(TypeError):
        drop.message().write(12)
    assert_clean(drop_dir, [])


def test_file_like_returning_text_is_refused(drop, drop_dir):
    with pytest.raises(TypeError):
        drop.write(io.StringIO("Subject: t\r\n\r\n"))
    assert_clean(drop_dir, [])


def test_file_like_that_raises_aborts(drop, drop_dir):
    class Broken(io.RawIOBase):
        calls = 0

        def read(self, n=-1):
            self.calls += 1
            if self.calls > 1:
                raise OSError(errno.EIO, "source broke")
            return b"first chunk"

    with pytest.raises(OSError, match="source broke"):
        drop.write(Broken())
    assert listing(drop_dir) == ([], [], [])


def test_repr_and_closed(drop_dir):
    d = dropwatch.Drop.open(drop_dir)
    assert "open" in repr(d) and not d.closed
    d.close()
    assert "closed" in repr(d) and d.closed


# ---- batches -----------------------------------------------------------------------------------------


def test_write_many_publishes_all_in_order(drop, drop_dir):
    msgs = [b"Subject: %d\r\n\r\n" % i + os.urandom(i * 100) for i in range(20)] + ["text €".encode(), bytearray(b"ba")]
    names = drop.write_many(msgs)
    assert len(names) == len(msgs) == len(set(names))
    for name, m in zip(names, msgs):
        assert read(drop_dir, name) == bytes(m)
    assert_clean(drop_dir, names)


def test_write_many_empty_and_generator(drop, drop_dir):
    assert drop.write_many([]) == []
    names = drop.write_many(b"%d" % i for i in range(3))
    assert [read(drop_dir, n) for n in names] == [b"0", b"1", b"2"]


@pytest.mark.parametrize("op", ["create", "write", "rename"])
def test_write_many_failure_reports_what_landed(drop_dir, op):
    with dropwatch.Drop.open(drop_dir, inject={"op": op, "errno": errno.EIO, "count": 1}) as d:
        with pytest.raises(dropwatch.PhysicalDiskError) as ei:
            d.write_many([b"a", b"b", b"c"])
    e = ei.value
    assert e.operation == op
    assert isinstance(e.published, list)
    # exactly the published ones exist, complete; nothing else under any name
    assert_clean(drop_dir, e.published)
    for n in e.published:
        assert read(drop_dir, n) in (b"a", b"b", b"c")


@pytest.mark.parametrize("bad", [b"one message", "one message", 42, None, [b"ok", 5], [None]])
def test_write_many_type_errors(drop, drop_dir, bad):
    with pytest.raises(TypeError):
        drop.write_many(bad)
    assert_clean(drop_dir, [])


def test_no_files_but_messages(drop_dir):
    with dropwatch.Drop.open(drop_dir, quota=1000, ledger=False) as d:
        d.write(b"x" * 10)
        h = dropwatch.drop_health(drop_dir, canary=False)
        assert h.writable is False
    assert sorted(p.suffix for p in drop_dir.iterdir()) == [".eml"]


@pytest.mark.parametrize("relative", [True, False])
def test_temp_dir_keeps_temporaries_out_of_the_drop_directory(drop_dir, tmp_path, relative):
    """temp_dir: while a message is written the drop directory holds nothing but final names."""
    tdir = drop_dir / ".dwtmp" if relative else tmp_path / "tmp"
    tdir.mkdir()
    with dropwatch.Drop.open(drop_dir, temp_dir=".dwtmp" if relative else tdir, quota="10 MB") as d:
        with d.message() as m:
            m.write(MESSAGE)
            emls, temps, others = listing(drop_dir)
            assert temps == [] and emls == []
            assert len(os.listdir(tdir)) == 1
        names = [m.name] + d.write_many([b"a", b"b"]) + [d.write(MESSAGE)]
        assert d.health().writable
        (tdir / ".dwtmp-1-1-old.tmp").write_bytes(b"x")
        os.utime(tdir / ".dwtmp-1-1-old.tmp", (time.time() - 7200,) * 2)
        assert d.health().stale_temp_files == 1
        assert d.sweep_stale(3600) == 1
    assert_clean(drop_dir, names)
    assert os.listdir(tdir) == []
    h = dropwatch.drop_health(drop_dir, temp_dir=os.fsencode(tdir))
    assert h.ok and h.writable


def test_temp_dir_refusals(drop_dir, tmp_path):
    with pytest.raises(dropwatch.DropConfigurationError, match="temp_dir does not exist"):
        dropwatch.Drop.open(drop_dir, temp_dir="missing")
    (tmp_path / "link").symlink_to(tmp_path)
    with pytest.raises(dropwatch.DropConfigurationError, match="symlink"):
        dropwatch.Drop.open(drop_dir, temp_dir=tmp_path / "link")
    with pytest.raises(dropwatch.InvalidArgumentError, match="temp_dir invalid"):
        dropwatch.Drop.open(drop_dir, temp_dir="a/b")
    with pytest.raises(TypeError, match="temp_dir"):
        dropwatch.Drop.open(drop_dir, temp_dir=42)
    h = dropwatch.drop_health(drop_dir, temp_dir="missing")
    assert not h.ok and isinstance(h.error, dropwatch.DropConfigurationError)
    assert os.listdir(drop_dir) == []
