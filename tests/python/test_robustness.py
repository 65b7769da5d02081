# SPDX-License-Identifier: MIT
"""No Python input crashes the interpreter: generated hostile values through every entry point.

Each call must either return or raise an ordinary exception (TypeError, ValueError, DropWatchError,
OSError). A crash in C would kill the test process, which pytest reports as a failure of the run.
"""

import random

import pytest

import dropwatch

SEEDS = range(8)
ALLOWED = (TypeError, ValueError, OverflowError, dropwatch.DropWatchError, OSError)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Generated relative paths (create_drop_directory("é")) land in a scratch directory."""
    scratch = tmp_path / "cwd"
    scratch.mkdir()
    monkeypatch.chdir(scratch)


def hostile_values(rng):
    pieces = ["", " ", ".", "..", "\\", "/", "\\\\?\\", "C:", "\0", "\ud800", "\udcff", "\uff0f", "CON", "é",
              "\U0001F600", "<>|", "\r\n", "%s%n", "a" * 300]
    s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
    raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))
    return [s, raw, s.encode("utf-8", "surrogatepass"), None, 0, -1, 2**70, -(2**70), 3.5, float("nan"),
            [], {}, object(), True, bytearray(raw), memoryview(raw)]


def call(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ALLOWED:
        pass


@pytest.mark.parametrize("seed", SEEDS)
def test_path_functions(seed):
    rng = random.Random(seed)
    for _ in range(40):
        vals = hostile_values(rng)
        a, b = rng.choice(vals), rng.choice(vals)
        call(dropwatch.validate_drop_directory, a)
        call(dropwatch.check_drop_directory, a)
        call(dropwatch.resolve_drop_path, a, b)
        call(dropwatch.resolve_drop_path, None, b, install_dir=a)
        call(dropwatch.explain_drop_path, a, b, exchange_version=rng.choice([2007, 2010, 2013, "se", a]))
        call(dropwatch.explain_drop_path, a, b, style=rng.choice(["auto", "windows", "posix", a]))
        call(dropwatch.is_reserved_name, a)
        call(dropwatch.exchange_install_dir, a)


@pytest.mark.parametrize("seed", SEEDS)
def test_value_functions(seed):
    rng = random.Random(seed)
    for _ in range(40):
        vals = hostile_values(rng)
        a = rng.choice(vals)
        call(dropwatch.parse_quota, a)
        call(dropwatch.format_quota, a)
        call(dropwatch.classify_errno, a)
        call(dropwatch.classify_win32, a)
        call(dropwatch.format_alert, connector=a, drop_path=rng.choice(vals), format=rng.choice(["json", "xml", a]))
        call(dropwatch.format_alert, OSError(rng.choice(vals), rng.choice(vals), rng.choice(vals)))
        call(dropwatch.format_alert, time=a)
        call(dropwatch.format_alert, record_id=a, syslog_facility=rng.choice(vals))
        call(dropwatch.alert_event, a)
        call(dropwatch.Envelope, a, [rng.choice(vals)])
        call(dropwatch.Envelope, "a@b", [a], eoh=rng.choice(vals))


@pytest.mark.parametrize("seed", SEEDS)
def test_drop_functions(seed, drop_dir):
    rng = random.Random(seed)
    with dropwatch.Drop.open(drop_dir, durable=False) as d:
        for _ in range(20):
            vals = hostile_values(rng)
            a = rng.choice(vals)
            call(d.write, a)
            call(d.write, b"x", expected_size=a)
            call(d.write, b"x", record_id=a, priority=rng.choice(["normal", a]))
            call(d.sweep_stale, a)
            call(d.health, a)
            call(dropwatch.Drop.open, a)
            call(dropwatch.Drop.open, drop_dir, quota=a)
            call(dropwatch.Drop.open, drop_dir, retries=a, retry_base_ms=rng.choice(vals))
            call(dropwatch.Drop.open, drop_dir, name_prefix=a)
            call(dropwatch.Drop.open, drop_dir, inject={"op": rng.choice(["write", a]), "errno": a})
            call(dropwatch.create_drop_directory, a)
            try:
                with d.message(expected_size=rng.choice([None, 10, a])) as m:
                    call(m.write, a)
                    call(m.write, rng.choice(vals))
            except ALLOWED:
                pass
    for name in list(drop_dir.iterdir()):
        assert not name.name.startswith(".dwtmp-")
