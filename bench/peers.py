#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peers side by side (issue 20, section 8): the same messages delivered by other tools.

* one process per message, as an MTA pipe runs them: ``safecat TMP DEST`` (the classic maildir delivery
  tool: temp file, fsync, link, no directory fsync) against ``dropwatch deliver`` (temp file, fsync,
  no-replace rename, **directory fsync**), both reading the message on standard input; with
  ``--nodirsync`` also ``dropwatch deliver`` with its directory fsync made a no-op (an LD_PRELOAD shim), the
  like-for-like comparison with safecat's weaker promise;
* the Python user's alternatives to the binding's ``Drop.write()``: ``mailbox.Maildir.add`` (no fsync at
  all) and a hand-written durable ``os.*`` sequence;
* large messages: ``dropwatch deliver FILE`` of 1 MiB and 64 MiB against ``dd bs=64K conv=fsync`` of the
  same bytes, with each process's peak RSS (GNU time);
* with ``--share DIR`` (a mounted SMB share): ``Drop.write()`` into the share against the raw sequence
  (write, fsync, rename) on the same mount.

Every figure is a ratio against its baseline in the same run, the two sides alternating in small chunks
with the order flipping each round; directories are made under a parent flagged ``chattr +T`` (fresh
block groups on ext4) and deleted only at the end. The load average is printed with each row because the
machine is shared. Appends its section to the Markdown and CSV files dw_bench wrote.
"""

import argparse
import fcntl
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_overhead as po  # noqa: E402  (Rows, fs_label, emit)

SECTION = "8. Peers side by side"
FS_TOPDIR_FL = 0x00020000
FS_IOC_GETFLAGS, FS_IOC_SETFLAGS = 0x80086601, 0x40086602


def load():
    with open("/proc/loadavg", encoding="ascii") as f:
        return f.read().split()[0]


def spread_parent(parent):
    d = tempfile.mkdtemp(prefix="dwbench-peers-", dir=parent)
    try:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            buf = fcntl.ioctl(fd, FS_IOC_GETFLAGS, struct.pack("i", 0))
            flags = struct.unpack("i", buf)[0] | FS_TOPDIR_FL
            fcntl.ioctl(fd, FS_IOC_SETFLAGS, struct.pack("i", flags))
        finally:
            os.close(fd)
    except OSError:
        pass
    return d


def run_timed(argv, stdin_path=None, env=None, rss=False):
    """Run one process; (seconds from spawn to exit, peak RSS in KiB or 0).

    The RSS comes from GNU time (/usr/bin/time -f %M), which forks the program from its own small process:
    a child forked from this interpreter would report the interpreter's pages as its peak."""
    fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    rss_file = None
    if rss:
        fd, rss_file = tempfile.mkstemp(prefix="dwbench-rss-")
        os.close(fd)
        argv = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file] + argv
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=fin, stdout=subprocess.DEVNULL, env=env)
        p.wait()
        dt = time.perf_counter() - t0
    finally:
        if stdin_path:
            fin.close()
    if p.returncode != 0:
        raise SystemExit(f"peers: {' '.join(argv)} failed (exit {p.returncode})")
    kib = 0
    if rss_file:
        with open(rss_file, encoding="ascii") as f:
            kib = int(f.read().split()[-1])
        os.unlink(rss_file)
    return dt, kib


def dynamically_linked(path):
    """True when the ELF file at path asks for a dynamic loader (a PT_INTERP program header): only such a
    program can take an LD_PRELOAD shim. A static PIE has none."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:  # ELF64 only (the benchmark is Linux x86-64/arm64)
            return True
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return any(struct.unpack_from("<I", table, i * phentsize)[0] == 3 for i in range(phnum))  # PT_INTERP


def bench_cli(cli, env, parent, rounds, count, rows, nodirsync=None, cli_shared=None):
    fs = po.fs_label(parent)
    msg = os.path.join(parent, "msg-4k")
    with open(msg, "wb") as f:
        f.write(b"Subject: peers\r\n\r\n" + b"x" * (4096 - 18))
    res = {"dw": [], "dws": [], "sc": [], "nd": [], "scn": [], "true": [], "ver": [], "vers": []}
    static = not dynamically_linked(cli)
    sides = ["dw", "sc"] + (["dws"] if cli_shared else [])
    # the shim needs a program that loads shared objects: the shared-libc copy when the CLI is a static PIE
    nd_cli = cli_shared if static else cli
    if nodirsync and not nd_cli:
        print("peers: the CLI is a static PIE and no --cli-shared copy was given: the row without the "
              "directory fsync (an LD_PRELOAD shim) is left out", file=sys.stderr)
        nodirsync = None
    if nodirsync:
        # dropwatch deliver with its directory fsync turned into a no-op (bench/nodirsync.c): safecat's
        # promise; its baseline is safecat under the same preload, which costs both the same library load
        sides += ["nd", "scn"]
        nd_env = dict(env)
        nd_env["LD_PRELOAD"] = nodirsync + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
    l0 = load()
    for r in range(rounds + 1):  # round 0 warms the caches
        drop = os.path.join(parent, f"drop-{r}")
        ndrop = os.path.join(parent, f"nodirsync-{r}")
        sc = os.path.join(parent, f"maildir-{r}")
        scn = os.path.join(parent, f"maildir-preload-{r}")
        for d in (drop, ndrop, os.path.join(sc, "tmp"), os.path.join(sc, "new"), os.path.join(scn, "tmp"),
                  os.path.join(scn, "new")):
            os.makedirs(d)
        sdrop = os.path.join(parent, f"drop-shared-{r}")
        os.makedirs(sdrop)
        t = {"dw": 0.0, "dws": 0.0, "sc": 0.0, "nd": 0.0, "scn": 0.0, "true": 0.0, "ver": 0.0, "vers": 0.0}
        for k in range(0, count, 5):
            shift = (k // 5 + r) % len(sides)  # the order rotates chunk by chunk
            for side in sides[shift:] + sides[:shift]:
                for _ in range(5):
                    if side == "dw":
                        t["dw"] += run_timed([cli, "deliver", "--root", parent, "--drop-dir", f"drop-{r}"], msg, env)[0]
                    elif side == "dws":
                        t["dws"] += run_timed([cli_shared, "deliver", "--root", parent, "--drop-dir",
                                               f"drop-shared-{r}"], msg, env)[0]
                    elif side == "nd":
                        t["nd"] += run_timed([nd_cli, "deliver", "--root", parent, "--drop-dir", f"nodirsync-{r}"], msg,
                                             nd_env)[0]
                    elif side == "scn":
                        t["scn"] += run_timed(["safecat", os.path.join(scn, "tmp"), os.path.join(scn, "new")], msg,
                                              nd_env)[0]
                    else:
                        t["sc"] += run_timed(["safecat", os.path.join(sc, "tmp"), os.path.join(sc, "new")], msg)[0]
            t["true"] += run_timed(["/bin/true"])[0]
            t["ver"] += run_timed([cli, "--version"], None, env)[0]
            if cli_shared:
                t["vers"] += run_timed([cli_shared, "--version"], None, env)[0]
        if r > 0:
            for k in sides:
                res[k].append(count / t[k])
            for k in ("true", "ver", "vers"):
                res[k].append(t[k] / (count / 5) * 1e6)
    note = (f"{count} processes per side and round, 4 KiB on stdin; dropwatch also fsyncs the directory, "
            f"safecat does not (its new name can be lost on power failure); load {l0} → {load()}")
    linked = "a static PIE (the default build)" if static else "linked against the shared C library"
    rows.pair(fs, f"dropwatch deliver, one process per message, durable 4 KiB; the program {linked}", "messages/s",
              False, res["dw"], res["sc"], "safecat TMP DEST, one process per message", note, target=1.0)
    if cli_shared:
        rows.pair(fs, "dropwatch deliver, shared C library (configure --disable-static-libc, as the Debian "
                  "package builds it), durable 4 KiB", "messages/s", False, res["dws"], res["sc"],
                  "safecat TMP DEST, one process per message", note + "; the same objects as the row above, "
                  "linked against the shared C library (bench/dropwatch-shared-libc)")
    if nodirsync:
        rows.pair(fs, "dropwatch deliver without its directory fsync (safecat's promise), 4 KiB", "messages/s",
                  False, res["nd"], res["scn"], "safecat TMP DEST under the same LD_PRELOAD",
                  f"{count} processes per side and round, interleaved with the row above; the directory fsync "
                  f"made a no-op by an LD_PRELOAD shim (bench/nodirsync.c), loaded into safecat too so both "
                  f"pay its load: the file is still fsynced before the rename, the new name is not, as with "
                  f"safecat" + ("; measured with the shared-libc copy (a static PIE cannot load the shim)"
                                if nd_cli != cli else ""))
    rows.text(fs, f"process start-up: dropwatch --version ({'static PIE' if static else 'shared C library'}) "
              "/ /bin/true", "µs", f"{statistics.median(res['ver']):.0f}", "/bin/true",
              f"{statistics.median(res['true']):.0f}",
              note="exec + loading (libdropwatch is linked in unless configure --disable-static-cli; the C "
              "library too unless --disable-static-libc) + argument parsing, no delivery")
    if cli_shared:
        rows.text(fs, "process start-up: dropwatch --version, shared C library / /bin/true", "µs",
                  f"{statistics.median(res['vers']):.0f}", "/bin/true", f"{statistics.median(res['true']):.0f}",
                  note="the same objects linked against the shared C library: the dynamic loader's share of a "
                  "start-up is the difference to the row above")


def bench_python(dw, parent, rounds, count, rows):
    import mailbox
    fs = po.fs_label(parent)
    body = b"Subject: peers\r\n\r\n" + b"x" * (4096 - 18)
    res = {"drop": [], "maildir": [], "raw": []}
    l0 = load()
    for r in range(rounds + 1):
        dd = os.path.join(parent, f"py-drop-{r}")
        rd = os.path.join(parent, f"py-raw-{r}")
        os.makedirs(dd)
        os.makedirs(rd)
        md = mailbox.Maildir(os.path.join(parent, f"py-maildir-{r}"), create=True)
        dfd = os.open(rd, os.O_RDONLY | os.O_DIRECTORY)
        t = {"drop": 0.0, "maildir": 0.0, "raw": 0.0}
        seq = 0
        with dw.Drop.open(dd) as drop:
            for k in range(0, count, 5):
                order = ["drop", "maildir", "raw"]
                if (k // 5 + r) % 2:
                    order.reverse()
                for side in order:
                    t0 = time.perf_counter()
                    for _ in range(5):
                        if side == "drop":
                            drop.write(body)
                        elif side == "maildir":
                            md.add(body)
                        else:
                            seq += 1
                            tmp, fin = f".t{seq}.tmp", f"m{seq}.eml"
                            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640, dir_fd=dfd)
                            os.write(fd, body)
                            os.fsync(fd)
                            os.close(fd)
                            os.rename(tmp, fin, src_dir_fd=dfd, dst_dir_fd=dfd)
                            os.fsync(dfd)
                    t[side] += time.perf_counter() - t0
        os.close(dfd)
        if r > 0:
            for k in t:
                res[k].append(count / t[k])
    note = f"{count} messages per side and round, interleaved in chunks of 5; load {l0} → {load()}"
    rows.pair(fs, "Drop.write(), durable 4 KiB", "files/s", False, res["drop"], res["maildir"],
              "mailbox.Maildir.add (no fsync at all: not durable)", note)
    rows.pair(fs, "Drop.write(), durable 4 KiB", "files/s", False, res["drop"], res["raw"],
              "hand-written durable os.open(O_EXCL)→write→fsync→rename→fsync(dir)", note)


def bench_large(cli, env, parent, rounds, rows):
    fs = po.fs_label(parent)
    for size, per in ((1 << 20, 8), (64 << 20, 1)):
        src = os.path.join(parent, f"src-{size}")
        with open(src, "wb") as f:
            chunk = os.urandom(1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
        res = {"dw": [], "dd": []}
        rss = {"dw": 0, "dd": 0}
        l0 = load()
        for r in range(rounds + 1):
            drop = os.path.join(parent, f"large-{size}-{r}")
            ddd = os.path.join(parent, f"dd-{size}-{r}")
            os.makedirs(drop)
            os.makedirs(ddd)
            t = {"dw": 0.0, "dd": 0.0}
            for i in range(per):
                for side in (("dw", "dd") if (i + r) % 2 == 0 else ("dd", "dw")):
                    if side == "dw":
                        dt, m = run_timed([cli, "deliver", "--root", parent, "--drop-dir", os.path.basename(drop),
                                           src], None, env, rss=True)
                    else:
                        dt, m = run_timed(["dd", f"if={src}", f"of={ddd}/out-{i}", "bs=64K", "conv=fsync",
                                           "status=none"], rss=True)
                    t[side] += dt
                    if r > 0:
                        rss[side] = max(rss[side], m)
            if r > 0:
                for k in t:
                    res[k].append(size * per / t[k] / 1e6)
        label = f"{size >> 20} MiB"
        rows.pair(fs, f"dropwatch deliver FILE, {label}, durable", "MB/s", False, res["dw"], res["dd"],
                  "dd if=FILE of=… bs=64K conv=fsync (same bytes, same file system)",
                  f"{per} per side and round, one process each; load {l0} → {load()}", target=0.9)
        rows.text(fs, f"peak RSS, {label}", "KiB", str(rss["dw"]), "dd bs=64K", str(rss["dd"]),
                  note="peak RSS of the process (GNU time %M; its own fork+exec is included in the time of both sides); dropwatch copies through a 64 KiB buffer")


def bench_share(dw, share, rounds, count, rows):
    fs = po.fs_label(share)
    body = b"Subject: share\r\n\r\n" + b"x" * (4096 - 18)
    res = {"drop": [], "raw": []}
    l0 = load()
    for r in range(rounds + 1):
        dd = tempfile.mkdtemp(prefix="dwbench-share-drop-", dir=share)
        rd = tempfile.mkdtemp(prefix="dwbench-share-raw-", dir=share)
        t = {"drop": 0.0, "raw": 0.0}
        with dw.Drop.open(dd) as drop:
            for k in range(count):
                for side in (("drop", "raw") if (k + r) % 2 == 0 else ("raw", "drop")):
                    t0 = time.perf_counter()
                    if side == "drop":
                        drop.write(body)
                    else:
                        tmp, fin = os.path.join(rd, f".t{k}.tmp"), os.path.join(rd, f"m{k}.eml")
                        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
                        os.write(fd, body)
                        os.fsync(fd)
                        os.close(fd)
                        os.rename(tmp, fin)
                    t[side] += time.perf_counter() - t0
        for d in (dd, rd):
            shutil.rmtree(d, ignore_errors=True)
        if r > 0:
            for k in t:
                res[k].append(count / t[k])
    rows.pair(fs, "Drop.write() into the share, durable 4 KiB", "files/s", False, res["drop"], res["raw"],
              "raw open(O_EXCL)→write→fsync→rename on the same mount",
              f"{count} per side and round, alternating; load {l0} → {load()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", required=True, help="the dropwatch executable (not the libtool wrapper)")
    ap.add_argument("--dir", action="append", default=[], help="benchmark in the first DIR")
    ap.add_argument("--share", help="a mounted SMB share to deliver into")
    ap.add_argument("--nodirsync", help="bench/.libs/libnodirsync.so: adds dropwatch deliver without its "
                    "directory fsync (safecat's promise) beside the real figure")
    ap.add_argument("--cli-shared", help="bench/dropwatch-shared-libc: the same CLI linked against the shared C "
                    "library, for the rows that compare the two and for the LD_PRELOAD row when --cli is static")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=40, help="processes or messages per side and round")
    ap.add_argument("--share-only", action="store_true", help="only the share rows (bench/share.sh)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--md")
    ap.add_argument("--csv")
    args, _unknown = ap.parse_known_args()
    if args.quick:
        args.rounds, args.count = 3, 20
    po.SECTION = SECTION
    env = dict(os.environ)
    parent = spread_parent((args.dir or [tempfile.gettempdir()])[0])
    rows = po.Rows()
    try:
        try:
            import dropwatch as dw
        except ImportError:
            dw = None
        if args.share_only:
            if not dw:
                raise SystemExit("peers: --share needs the Python binding")
            bench_share(dw, args.share, args.rounds, args.count, rows)
        elif shutil.which("safecat"):
            print(f"peers: safecat vs dropwatch deliver in {parent}", file=sys.stderr)
            nodirsync = args.nodirsync if args.nodirsync and os.path.exists(args.nodirsync) else None
            cli_shared = args.cli_shared if args.cli_shared and os.path.exists(args.cli_shared) else None
            bench_cli(args.cli, env, parent, args.rounds, args.count, rows, nodirsync, cli_shared)
        else:
            rows.text("—", "safecat", "", "not installed", result="FAIL")
        if dw and not args.share_only:
            print("peers: Python alternatives", file=sys.stderr)
            bench_python(dw, parent, args.rounds, args.count * 2, rows)
        if not args.share_only:
            print("peers: large messages", file=sys.stderr)
            bench_large(args.cli, env, parent, 3 if not args.quick else 2, rows)
        if args.share and dw and not args.share_only:
            print(f"peers: share {args.share}", file=sys.stderr)
            bench_share(dw, args.share, args.rounds, args.count, rows)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    po.emit(rows, args.md, args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
