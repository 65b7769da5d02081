#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Binding overhead of libdropwatch's Python binding (issue 8, part 6).

Measures, from Python, DropDirectory validation and durable 4 KiB delivery, each against

* the C figure: the same work done by bench/dw_bench (``--probe validate`` / ``--probe deliver``), which
  times itself, so process start-up is not counted;
* what a Python user would otherwise write: a pure-Python validator of the same Windows naming rules
  (below) and the raw ``os.open(O_EXCL) -> os.write -> os.fsync -> os.rename -> os.fsync(dir)`` sequence.

Rounds alternate the sides (and the order flips each round); the table reports the median and min-max
over rounds, and speed ratios computed per round. Results are printed and appended (section 6) to the
Markdown and CSV files written by dw_bench. Run by ``make bench`` with $(PYTHON) against the build-tree
binding; runnable by hand:

    PYTHONPATH=_build/bindings/python/inplace LD_LIBRARY_PATH=_build/lib/.libs \\
        python3 bench/python_overhead.py --bench _build/bench/dw_bench --dir /tmp --quick
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

SECTION = "6. Binding overhead (Python)"

# ---- a pure-Python validator of the same rules --------------------------------------------------------

_FORBIDDEN = set('<>:"|?*')
_LOOKALIKES = {"\uff0f", "\uff3c", "\u2215", "\u2216", "\u29f8", "\u29f9", "\u2044", "\ufe68", "\uff1a"}
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
_RESERVED |= {f"COM{c}" for c in "0123456789\u00b9\u00b2\u00b3"}
_RESERVED |= {f"LPT{c}" for c in "0123456789\u00b9\u00b2\u00b3"}


def py_validate(raw):
    """Return None when ``raw`` (UTF-8 bytes) is a valid DropDirectory, else a short reason.

    What a Python user would write from the naming rules: decode strictly, then check each rule in turn.
    """
    try:
        name = raw.decode("utf-8")  # strict: rejects overlongs, encoded surrogates, truncation
    except UnicodeDecodeError:
        return "invalid-utf8"
    if name == "":
        return "empty"
    if name.strip(" ") == "":
        return "blank"
    if name.startswith(("\\\\?\\", "\\\\.\\", "\\??\\")):
        return "device-prefix"
    if name.startswith("\\\\"):
        return "unc"
    if name[0] in "\\/":
        return "rooted"
    if len(name) >= 2 and name[1] == ":" and name[0].isascii() and name[0].isalpha():
        return "drive"
    if "\\" in name or "/" in name:
        return "separator"
    if name.rstrip(". ") == "":
        return "dot-name"
    for ch in name:
        if ch == "\0":
            return "embedded-nul"
        if ord(ch) < 32:
            return "control-char"
        if ch == ":":
            return "stream"
        if ch in _FORBIDDEN:
            return "forbidden-char"
        if ch in _LOOKALIKES:
            return "lookalike"
    if name.endswith("."):
        return "trailing-dot"
    if name.endswith(" "):
        return "trailing-space"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED:
        return "reserved-name"
    if len(name.encode("utf-16-le")) // 2 > 255:
        return "too-long"
    return None


def py_raw_write(dirfd, seq, data, tag):
    """The raw durable sequence in Python: what a user writes without the library."""
    tmp = f".py-{tag}-{seq}.tmp"
    final = f"py-{tag}-{seq}.eml"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o640, dir_fd=dirfd)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(tmp, final, src_dir_fd=dirfd, dst_dir_fd=dirfd)
    os.fsync(dirfd)
    return final


# ---- helpers -------------------------------------------------------------------------------------------


def fs_label(path):
    """'<path> (<fstype>)' from /proc/self/mountinfo, like dw_bench."""
    real = os.path.realpath(path)
    best, fstype, source = -1, "?", ""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if "-" not in parts:
                    continue
                dash = parts.index("-")
                mp = parts[4].encode().decode("unicode_escape")
                if (real == mp or real.startswith(mp.rstrip("/") + "/") or mp == "/") and len(mp) > best:
                    best, fstype, source = len(mp), parts[dash + 1], parts[dash + 2]
    except OSError:
        pass
    return f"{path} ({fstype}{journal_note(fstype, source)})"


def journal_note(fstype, source):
    """' without a journal' for an ext3/ext4 with no /proc/fs/jbd2/<dev>-* entry, like dw_bench."""
    dev = os.path.basename(source)
    if fstype not in ("ext3", "ext4") or not dev or not os.path.exists(f"/proc/fs/ext4/{dev}"):
        return ""
    try:
        names = os.listdir("/proc/fs/jbd2")
    except OSError:
        return ""
    return "" if any(n.startswith(dev + "-") for n in names) else " without a journal"


def run_bench(bench, *args):
    out = subprocess.run([bench, *args], check=True, stdout=subprocess.PIPE, text=True).stdout
    return out


def timed_loop(fn, items, min_seconds):
    """ns per item of fn over items, repeating until min_seconds of this thread's CPU time have passed.

    CPU time, like dw_bench's pure-function figures: on a shared machine wall time also counts the time
    other processes held the core.
    """
    n = 0
    start = time.thread_time()
    while True:
        for it in items:
            fn(it)
        n += 1
        elapsed = time.thread_time() - start
        if elapsed >= min_seconds:
            return elapsed * 1e9 / (n * len(items))


def fmt(v):
    if v != v:
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    if abs(v) >= 10:
        return f"{v:.2f}"
    return f"{v:.3g}"


def spread(vals):
    return f"{fmt(statistics.median(vals))} ({fmt(min(vals))}–{fmt(max(vals))})"


class Rows:
    def __init__(self):
        self.rows = []

    def pair(self, fs, what, unit, lower_better, lib, base, base_name, note="", target=None):
        """target: the speed ratio the median must reach (PASS/MISS), or None for an information row."""
        ratios = [(b / l if lower_better else l / b) for l, b in zip(lib, base)]
        med = statistics.median(ratios)
        self.rows.append([fs, what, unit, spread(lib), base_name, spread(base),
                          f"{fmt(med)}× ({fmt(min(ratios))}–{fmt(max(ratios))})",
                          "—" if target is None else f"≥ {fmt(target)}×",
                          "—" if target is None else ("PASS" if med >= target else "MISS"), note])

    def text(self, fs, what, unit, lib, base_name="", base="", ratio="", target="—", result="—", note=""):
        self.rows.append([fs, what, unit, lib, base_name, base, ratio, target, result, note])

    def markdown(self):
        out = [f"\n### {SECTION}\n",
               "| file system | case | unit | Python median (min–max) | baseline | baseline median (min–max) "
               "| speed ratio median (min–max) | target | result | note |",
               "|---|---|---|---|---|---|---|---|---|---|"]
        for r in self.rows:
            out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
        return "\n".join(out) + "\n"

    def csv(self):
        lines = []
        for r in self.rows:
            cells = [SECTION] + [str(c) for c in r]
            lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
        return "\n".join(lines) + "\n"


# ---- the measurements ----------------------------------------------------------------------------------


def bench_validation(dw, native, bench, names, rounds, seconds, rows):
    lib_verdicts = [dw.validate_drop_directory(n).valid for n in names]
    py_verdicts = [py_validate(n) is None for n in names]
    agree = sum(a == b for a, b in zip(lib_verdicts, py_verdicts))

    def low_level(n, chk=native.dw_name_check()):
        native.dw_name_validate_n(n, chk)

    sides = {
        "high": lambda: timed_loop(dw.validate_drop_directory, names, seconds),
        "low": lambda: timed_loop(low_level, names, seconds),
        "pure": lambda: timed_loop(py_validate, names, seconds),
        "c": lambda: float(run_bench(bench, "--probe", "validate", "--pure-ms", str(int(seconds * 1000))).strip()),
    }
    res = {k: [] for k in sides}
    order = list(sides)
    for r in range(rounds):
        for k in (order if r % 2 == 0 else order[::-1]):
            res[k].append(sides[k]())
    fs = "— (CPU only)"
    note = f"{len(names)} names (the dw_bench corpus, as bytes)"
    rows.pair(fs, "validate_drop_directory() (NameCheck object)", "ns/name (CPU)", True, res["high"], res["c"],
              "C dw_name_validate (dw_bench)", note)
    rows.pair(fs, "_native.dw_name_validate_n() (raw SWIG call)", "ns/name (CPU)", True, res["low"], res["c"],
              "C dw_name_validate (dw_bench)", note)
    rows.pair(fs, "validate_drop_directory() (NameCheck object)", "ns/name (CPU)", True, res["high"], res["pure"],
              "pure-Python validator of the same rules", f"verdicts agree on {agree}/{len(names)} names")
    rows.pair(fs, "pure-Python validator of the same rules", "ns/name (CPU)", True, res["pure"], res["c"],
              "C dw_name_validate (dw_bench)", "what a Python user would otherwise write")


def bench_delivery(dw, bench, parent, rounds, count, rows):
    """Drop.write() vs the same in pure Python (interleaved in chunks of two files inside each round, so
    both see the same moments of a shared disk) and vs the C library (dw_bench, before or after)."""
    data = (b"Subject: bench\r\n\r\n" + b"x" * 4096)[:4096]
    fs = fs_label(parent)

    def py_round(r):
        dl = tempfile.mkdtemp(prefix="dwbench-py-", dir=parent)
        dr = tempfile.mkdtemp(prefix="dwbench-pyraw-", dir=parent)
        dirfd = os.open(dr, os.O_RDONLY | os.O_DIRECTORY)
        t = {"py": 0.0, "raw": 0.0}
        try:
            with dw.Drop.open(dl) as drop:
                for k in range(0, count, 2):
                    for side in (("py", "raw") if (k // 2 + r) % 2 == 0 else ("raw", "py")):
                        t0 = time.perf_counter()
                        for i in range(k, min(k + 2, count)):
                            if side == "py":
                                drop.write(data)
                            else:
                                py_raw_write(dirfd, i, data, "r")
                        t[side] += time.perf_counter() - t0
        finally:
            os.close(dirfd)
            for d in (dl, dr):
                for f in os.listdir(d):
                    os.unlink(os.path.join(d, f))
                os.rmdir(d)
        return count / t["py"], count / t["raw"]

    def c_lib():
        return float(run_bench(bench, "--probe", "deliver", "--dir", parent, "--count", str(count)).strip())

    res = {"py": [], "raw": [], "c": []}
    py_round(0)  # warm-up
    for r in range(rounds):
        if r % 2 == 0:
            p, w = py_round(r)
            c = c_lib()
        else:
            c = c_lib()
            p, w = py_round(r)
        res["py"].append(p)
        res["raw"].append(w)
        res["c"].append(c)
    note = f"{count} files per side and round"
    rows.pair(fs, "Drop.write(), durable 4 KiB", "files/s", False, res["py"], res["c"],
              "C dw_drop_write (dw_bench, run before/after)", note)
    rows.pair(fs, "Drop.write(), durable 4 KiB", "files/s", False, res["py"], res["raw"],
              "pure-Python os.open(O_EXCL)→write→fsync→rename→fsync(dir), interleaved", note)


def bench_batch(dw, parent, rounds, batch, batches, rows):
    """Drop.write_many() of `batch` messages vs as many Drop.write() calls, interleaved batch by batch."""
    if not hasattr(dw.Drop, "write_many"):
        return
    data = (b"Subject: bench\r\n\r\n" + b"x" * 4096)[:4096]
    msgs = [data] * batch
    fs = fs_label(parent)
    res = {"many": [], "single": []}
    for r in range(rounds + 1):  # round 0 is a warm-up
        dm = tempfile.mkdtemp(prefix="dwbench-pymany-", dir=parent)
        ds = tempfile.mkdtemp(prefix="dwbench-pysingle-", dir=parent)
        t = {"many": 0.0, "single": 0.0}
        try:
            with dw.Drop.open(dm) as many, dw.Drop.open(ds) as single:
                for k in range(batches):
                    for side in (("many", "single") if (k + r) % 2 == 0 else ("single", "many")):
                        t0 = time.perf_counter()
                        if side == "many":
                            many.write_many(msgs)
                        else:
                            for m in msgs:
                                single.write(m)
                        t[side] += time.perf_counter() - t0
        finally:
            for d in (dm, ds):
                for f in os.listdir(d):
                    os.unlink(os.path.join(d, f))
                os.rmdir(d)
        if r > 0:
            res["many"].append(batch * batches / t["many"])
            res["single"].append(batch * batches / t["single"])
    rows.pair(fs, f"Drop.write_many() of {batch} × 4 KiB, durable", "files/s", False, res["many"], res["single"],
              f"{batch} × Drop.write(), durable, interleaved",
              f"{batches} batches per side and round; write_many: one syncfs + one directory fsync per batch")


def emit(rows, md_path, csv_path):
    """Print the section and append it to the Markdown and CSV files (paths may be None)."""
    md = rows.markdown()
    print(md)
    if md_path:
        with open(md_path, "a", encoding="utf-8") as f:
            f.write(md)
    if csv_path:
        with open(csv_path, "a", encoding="utf-8") as f:
            f.write(rows.csv())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", required=True, help="path of bench/dw_bench (or its libtool wrapper)")
    ap.add_argument("--dir", action="append", default=[], help="directory for the delivery test (repeatable)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=100, help="durable 4 KiB files per side and round")
    ap.add_argument("--seconds", type=float, default=0.1, help="duration of one validation run")
    ap.add_argument("--quick", action="store_true", help="3 rounds, fewer files")
    ap.add_argument("--md", help="append the Markdown section to this file")
    ap.add_argument("--csv", help="append the CSV rows to this file")
    args, _unknown = ap.parse_known_args()  # ignore dw_bench-only options passed through BENCH_FLAGS
    if args.quick:
        args.rounds = min(args.rounds, 3)
        args.count = min(args.count, 40)
        args.seconds = min(args.seconds, 0.03)
    dirs = args.dir or [tempfile.gettempdir()]

    try:
        import dropwatch as dw
        from dropwatch import _native as native
    except ImportError as e:
        msg = f"\n### {SECTION}\n\nSkipped: the Python binding could not be imported ({e}).\n"
        print(msg)
        if args.md:
            with open(args.md, "a", encoding="utf-8") as f:
                f.write(msg)
        return 0

    # One hex line per name; the empty name is an empty line, so split on newlines exactly.
    names = [bytes.fromhex(line) for line in run_bench(args.bench, "--dump-names").split("\n")[:-1]]
    rows = Rows()
    print(f"python_overhead: validation ({sys.executable} {sys.version.split()[0]})", file=sys.stderr)
    bench_validation(dw, native, args.bench, names, args.rounds, args.seconds, rows)
    for d in dirs:
        print(f"python_overhead: delivery in {d}", file=sys.stderr)
        bench_delivery(dw, args.bench, d, args.rounds, args.count, rows)
        bench_batch(dw, d, args.rounds, 64, 2, rows)
    rows.text("—", "interpreter", "", f"{os.path.basename(sys.executable)} {sys.version.split()[0]}",
              note=f"dropwatch imported from {os.path.dirname(dw.__file__)}")
    emit(rows, args.md, args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
