# SPDX-License-Identifier: MIT
"""dropwatch.Pickup: the gateway's loop as an iterator and context managers."""

import json
import os
import threading
import time

import pytest

import dropwatch


def write(drop_dir, body, sender="s@x.example", recipients=("r1@y", "r2@y")):
    env = dropwatch.Envelope(sender=sender, recipients=list(recipients))
    with dropwatch.Drop.open(drop_dir, durable=False) as d:
        return d.write(body, envelope=env)


def exchange_partial(drop_dir, name, announced, mime, age=3600):
    path = drop_dir / name
    path.write_bytes(
        b"X-sender: <fax@contoso.com>\r\nX-Receiver: <+1555@fax>\r\nX-EndOfInjectedXHeaders: %d\r\n" % announced + mime
    )
    t = time.time() - age
    os.utime(path, (t, t))
    return path


def test_iterate_reads_envelope_and_mime_and_acks(drop_dir):
    body = b"Subject: one\r\n\r\nbody\r\n"
    name = write(drop_dir, body)
    seen = []
    for msg in dropwatch.Pickup(drop_dir):
        assert msg.name == name
        assert msg.sender == "s@x.example"
        assert msg.recipients == (("r1@y", None), ("r2@y", None))
        assert msg.mime_size == len(body)
        assert not msg.redelivered
        assert msg.read() == body
        seen.append(msg.name)
    assert seen == [name]
    assert [n for n in os.listdir(drop_dir) if n.endswith(".eml")] == []
    assert os.listdir(drop_dir / ".dwpickup" / "claimed") == []


def test_exception_in_loop_releases(drop_dir):
    name = write(drop_dir, b"Subject: x\r\n\r\ny\r\n")
    with pytest.raises(RuntimeError):
        for msg in dropwatch.Pickup(drop_dir):
            raise RuntimeError("gateway down")
    assert (drop_dir / name).exists()
    # break without ack also releases
    for msg in dropwatch.Pickup(drop_dir):
        break
    assert (drop_dir / name).exists()
    # explicit ack inside the loop is kept
    for msg in dropwatch.Pickup(drop_dir):
        msg.ack()
        break
    assert not (drop_dir / name).exists()


def test_message_context_manager_and_chunks(drop_dir):
    body = b"Subject: big\r\n\r\n" + b"z" * 200000
    write(drop_dir, body)
    with dropwatch.Pickup(drop_dir) as p:
        with p.next() as msg:
            got = b"".join(msg)
            assert got == body
            msg.rewind()
            assert msg.read(7) == b"Subject"
        assert msg.done
        with pytest.raises(dropwatch.DropStateError):
            msg.read()
        assert p.next() is None


def test_scan_order_and_claim_conflict(drop_dir):
    for i, age in enumerate((30, 10, 20)):
        f = drop_dir / f"m{i}.eml"
        f.write_bytes(b"plain message %d" % i)
        t = time.time() - age
        os.utime(f, (t, t))
    with dropwatch.Pickup(drop_dir, settle_ms=0) as a, dropwatch.Pickup(drop_dir, settle_ms=0) as b:
        stats = a.scan()
        assert stats.ready == ("m0.eml", "m2.eml", "m1.eml")
        m = a.claim("m0.eml")
        assert m is not None and m.sender is None and m.recipients == ()
        assert b.claim("m0.eml") is None
        assert b.scan().claimed == 1
        m.release()
        assert b.claim("m0.eml") is not None
        with pytest.raises(dropwatch.InvalidArgumentError):
            a.claim("../escape.eml")


def test_partial_exchange_file_quarantined(drop_dir):
    exchange_partial(drop_dir, "EX01-1-20240501120000Z.Normal.eml", 5000, b"Subject: cut")
    handed = []
    p = dropwatch.Pickup(drop_dir)
    for msg in p:
        handed.append(msg.name)
    assert handed == []
    assert len(p.quarantined) == 1
    q = p.quarantined[0]
    assert q.reason == "incomplete" and q.mime_expected == 5000 and q.mime_actual == 12
    rec = json.loads(q.alert("json"))
    assert rec["event"]["code"] == "8004"
    assert "incomplete" in q.alert("text")
    assert (drop_dir / ".dwpickup" / "quarantine" / q.moved_to).exists()
    with pytest.raises(ValueError):
        q.alert("yaml")
    p.close()


def test_archive_and_options(drop_dir):
    name = write(drop_dir, b"Subject: a\r\n\r\n")
    for msg in dropwatch.Pickup(drop_dir, archive="done", durable=False):
        pass
    assert (drop_dir / "done" / name).exists()
    with pytest.raises(dropwatch.InvalidArgumentError):
        dropwatch.Pickup(drop_dir, archive="../out")
    with pytest.raises(ValueError):
        dropwatch.Pickup(drop_dir, settle_ms=-1)
    with pytest.raises(dropwatch.DropConfigurationError):
        dropwatch.Pickup(drop_dir / "missing")


def test_follow_wakes_on_new_message(drop_dir):
    p = dropwatch.Pickup(drop_dir, follow=True, poll_ms=5000)
    assert p.watching in (True, False)
    t = threading.Timer(0.2, write, args=(drop_dir, b"Subject: late\r\n\r\n"))
    t.start()
    start = time.monotonic()
    for msg in p:
        assert msg.read().startswith(b"Subject: late")
        break  # ack explicitly below is not needed: break releases, so ack first
    t.join()
    assert time.monotonic() - start < 3
    assert p.next(timeout=2) is not None  # released by the break, claimed again
    p.close()


def test_threads_each_message_once(drop_dir):
    total = 120
    with dropwatch.Drop.open(drop_dir, durable=False) as d:
        env = dropwatch.Envelope(sender="a@b", recipients=["c@d"])
        for i in range(total):
            d.write(b"id=%d\r\n" % i, envelope=env)
    seen = []
    lock = threading.Lock()

    def picker():
        for msg in dropwatch.Pickup(drop_dir, durable=False):
            with lock:
                seen.append(msg.read())

    threads = [threading.Thread(target=picker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == sorted(b"id=%d\r\n" % i for i in range(total))
