# SPDX-License-Identifier: MIT
"""Threads: concurrent writers get distinct complete files; blocking calls release the GIL."""

import hashlib
import os
import subprocess
import sys
import textwrap
import threading

import dropwatch
from conftest import assert_clean

THREADS = 8
PER_THREAD = 25


def payload(t, i):
    body = hashlib.sha256(b"%d-%d" % (t, i)).hexdigest().encode() * (1 + (t * 31 + i) % 200)
    return b"Subject: %d-%d\r\n\r\n" % (t, i) + body


def run_threads(target):
    errors = []

    def wrap(t):
        try:
            target(t)
        except BaseException as e:  # report in the main thread
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def check_files(drop_dir, names):
    assert len(names) == THREADS * PER_THREAD
    assert len(set(names.values())) == len(names)  # distinct names
    assert_clean(drop_dir, list(names.values()))
    for (t, i), name in names.items():
        assert (drop_dir / name).read_bytes() == payload(t, i)  # complete and not interleaved


def test_shared_drop_from_many_threads(drop, drop_dir):
    names = {}
    lock = threading.Lock()

    def work(t):
        for i in range(PER_THREAD):
            if i % 2:
                n = drop.write(payload(t, i))
            else:
                data = payload(t, i)
                with drop.message() as m:
                    for k in range(0, len(data), 97):
                        m.write(data[k:k + 97])
                n = m.name
            with lock:
                names[(t, i)] = n

    run_threads(work)
    check_files(drop_dir, names)


def test_one_drop_per_thread(drop_dir):
    names = {}
    lock = threading.Lock()

    def work(t):
        with dropwatch.Drop.open(drop_dir, durable=False) as d:
            for i in range(PER_THREAD):
                n = d.write(payload(t, i))
                with lock:
                    names[(t, i)] = n

    run_threads(work)
    check_files(drop_dir, names)


# The writer thread blocks inside dw_drop_write_fd() reading a pipe that only another Python thread
# fills. If the binding held the GIL during that call, the feeder could never run and the child would
# hang (the parent's timeout turns that into a failure instead of a hung test run).
GIL_SCRIPT = textwrap.dedent(
    """
    import os, sys, threading, dropwatch
    r, w = os.pipe()
    data = b"x" * 200000
    def feed():
        with os.fdopen(w, "wb") as f:
            f.write(data)
    t = threading.Thread(target=feed)
    with dropwatch.Drop.open(sys.argv[1], durable=False) as d:
        t.start()
        opts = dropwatch._drop._msg_options(None, None, "normal", None)
        err = dropwatch._native.dw_io_error()
        st, name = dropwatch._native.dwpy_drop_write_fd(d._handle, r, opts, err)
        t.join()
    os.close(r)
    print(st, name)
    """
)


def test_blocking_calls_release_the_gil(drop_dir):
    out = subprocess.run(
        [sys.executable, "-c", GIL_SCRIPT, os.fspath(drop_dir)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    st, name = out.stdout.split()
    assert st == "0"
    assert (drop_dir / name).read_bytes() == b"x" * 200000


def test_pipe_source_through_the_public_api(drop, drop_dir):
    # The same situation through Drop.write(PathLike): a FIFO filled by another thread.
    fifo = drop_dir.parent / "fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(b"y" * 100000)

    t = threading.Thread(target=feed)
    t.start()
    name = drop.write(fifo)
    t.join()
    assert (drop_dir / name).read_bytes() == b"y" * 100000
