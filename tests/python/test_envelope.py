# SPDX-License-Identifier: MIT
"""Envelope (X-Sender / X-Receiver / X-EndOfInjectedXHeaders): format, written files parsed back, injection."""

import email
import email.policy
import re

import pytest

import dropwatch
from conftest import assert_clean

MIME = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: env\r\n\r\nBody line\r\n.\r\n\xe2\x82\xac\r\n"
EOH = re.compile(rb"X-EndOfInjectedXHeaders: *(\d+)\r\n")


def split_drop_file(data):
    """(injected header block, MIME bytes, the number X-EndOfInjectedXHeaders carries)."""
    m = EOH.search(data)
    assert m, data[:200]
    return data[: m.end()], data[m.end():], int(m.group(1))


def make_envelope(**kw):
    return dropwatch.Envelope(
        "sender@example.com",
        ["one@example.com", ("two@example.com", "NOTIFY=NEVER")],
        sender_params="SIZE=%d" % len(MIME),
        **kw,
    )


def test_format_block():
    env = make_envelope()
    block = env.format(len(MIME))
    assert block.endswith(b"X-EndOfInjectedXHeaders: %d\r\n" % len(MIME))
    lines = block.split(b"\r\n")
    assert lines[0].startswith(b"X-sender: ") and b"sender@example.com" in lines[0] and b"SIZE=" in lines[0]
    assert lines[1].startswith(b"X-Receiver: ") and b"one@example.com" in lines[1]
    assert lines[2].startswith(b"X-Receiver: ") and b"two@example.com" in lines[2] and b"NOTIFY=NEVER" in lines[2]
    assert all(b < 0x80 for b in block)
    assert b"\n" not in block.replace(b"\r\n", b"")
    assert env.sender == ("sender@example.com", "SIZE=%d" % len(MIME))
    assert [r[0] for r in env.recipients] == ["one@example.com", "two@example.com"]


def test_header_length_mode():
    env = make_envelope(eoh="header-length")
    assert env.eoh == "header-length"
    block = env.format(len(MIME))
    n = int(EOH.search(block).group(1))
    assert n != len(MIME)
    assert 0 < n <= len(block)


def check_written(data, env):
    head, body, n = split_drop_file(data)
    assert body == MIME  # byte-identical
    assert n == len(MIME)
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    keys = [k for k, _ in msg.items()]
    assert keys[:4] == ["X-sender", "X-Receiver", "X-Receiver", "X-EndOfInjectedXHeaders"]
    assert "sender@example.com" in msg["X-Sender"]
    assert [("one@example.com" in v) or ("two@example.com" in v) for v in msg.get_all("X-Receiver")] == [True, True]
    assert msg["Subject"] == "env"


def test_one_shot_write_with_envelope(drop, drop_dir):
    env = make_envelope()
    name = drop.write(MIME, envelope=env)
    check_written((drop_dir / name).read_bytes(), env)
    assert_clean(drop_dir, [name])


def test_streamed_write_with_envelope(drop, drop_dir):
    env = make_envelope()
    with drop.message(expected_size=len(MIME), envelope=env) as m:
        m.write(MIME[:10])
        m.write(MIME[10:])
    check_written((drop_dir / m.name).read_bytes(), env)


def test_streaming_with_envelope_needs_expected_size_at_begin(drop, drop_dir):
    """The MIME length is written first: without expected_size the message is refused at once, with the
    library's explanation (not a bare "call out of sequence" at commit)."""
    env = make_envelope()
    with pytest.raises(dropwatch.InvalidArgumentError) as ei:
        drop.message(envelope=env)
    assert "expected_size" in str(ei.value)
    assert "DW_EOH_HEADER_LENGTH" in ei.value.detail
    assert_clean(drop_dir, [])
    # With the header-length mode the size is not needed.
    env.eoh = "header-length"
    with drop.message(envelope=env) as m:
        m.write(MIME)
    assert m.name is not None


@pytest.mark.parametrize(
    "address",
    ["a@b\r\nX-Receiver: evil@x", "a@b\nBcc: x", "a@b\rx", "a\0@b", "jürgen@example.com", "a@b\x7f"],
)
def test_header_injection_is_refused(address):
    with pytest.raises(dropwatch.EnvelopeError) as ei:
        dropwatch.Envelope(address, ["ok@example.com"])
    assert isinstance(ei.value, ValueError)
    env = dropwatch.Envelope("ok@example.com")
    with pytest.raises(dropwatch.EnvelopeError):
        env.add_recipient(address)
    with pytest.raises(dropwatch.EnvelopeError):
        env.add_recipient("ok@example.com", "NOTIFY=NEVER" + address)
    assert env.recipients == ()


def test_incomplete_envelope_cannot_be_formatted():
    with pytest.raises(dropwatch.EnvelopeError):
        dropwatch.Envelope("a@example.com").format(1)
    with pytest.raises(dropwatch.EnvelopeError):
        dropwatch.Envelope(recipients=["b@example.com"]).format(1)


def test_incomplete_envelope_is_refused_by_a_write(drop, drop_dir):
    with pytest.raises(dropwatch.DropWatchError):
        drop.write(MIME, envelope=dropwatch.Envelope("a@example.com"))
    assert_clean(drop_dir, [])


def test_envelope_bad_arguments():
    with pytest.raises(TypeError):
        dropwatch.Envelope(42)
    with pytest.raises(ValueError):
        dropwatch.Envelope(eoh="bytes")
    env = make_envelope()
    with pytest.raises(ValueError):
        env.format(-1)
    with pytest.raises(TypeError):
        env.format("10")
    env.close()
    env.close()
    with pytest.raises(dropwatch.DropStateError):
        env.format(1)


def test_closing_an_envelope_in_use_leaves_the_message_intact(drop, drop_dir):
    env = make_envelope()
    with drop.message(expected_size=len(MIME), envelope=env) as m:
        env.close()  # the library wrote the envelope when the message started and keeps no reference
        with pytest.raises(dropwatch.DropStateError):
            env.format(1)
        m.write(MIME)
    check_written((drop_dir / m.name).read_bytes(), env)
