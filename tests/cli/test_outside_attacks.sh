#!/bin/sh
# SPDX-License-Identifier: MIT
# Regression tests for the outside hostile test of issue 17 (doc/reliability.md, "Outside attacks"):
# each provokes the real fault (hard links, device nodes, RLIMIT_FSIZE, 4 KiB paths, forged ledgers, a held
# lock, SIGKILL through a pipe, control bytes in arguments) rather than the library's --inject seam.
# Parts that need root (device nodes, foreign owners) are skipped with a note when not root.
. "${top_srcdir:-.}/tests/cli/lib.sh"
tab=$(printf '\t')
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

root="$T/root"
mkdir -p "$root/Fax"
printf 'Subject: one\r\n\r\nbody one\r\n' >"$T/m1.eml"
head -c 100000 /dev/zero | tr '\0' 'x' >"$T/big.eml"

# ---- 2, 6: the quota ledger is never written through a planted name -----------------------------------
# A hard link to a decoy outside the drop directory: refused, the decoy unchanged.
mkdir -p "$root/L1"
printf 'DECOY' >"$T/decoy"
ln "$T/decoy" "$root/L1/.dwquota"
run deliver --root "$root" --drop-dir L1 --quota 1MB "$T/m1.eml"; expect_rc 78 "hard-linked ledger refused"
expect_err "not a regular file with one link" "hard-linked ledger: reason on stderr"
[ "$(cat "$T/decoy")" = DECOY ] || fail "the decoy behind the hard link was written"
[ "$(count_eml "$root/L1")" -eq 0 ] || fail "nothing delivered with a refused ledger"
run check --root "$root" --drop-dir L1 --quota 1MB; expect_rc 78 "check reports the planted ledger"
# A directory under the ledger's name (EISDIR) is configuration, not "unclassified -> physical".
mkdir -p "$root/L2/.dwquota"
run --format json deliver --root "$root" --drop-dir L2 --quota 1MB "$T/m1.eml"; expect_rc 78 "ledger is a directory"
expect_json "EISDIR alert" '
a = [r for r in recs if r.get("record") != "delivered"][0]
s = json.dumps(a)
assert "EISDIR" in s and "configuration" in s and "unclassified" not in s, s'
if [ "$is_root" -eq 1 ]; then
    # A device node: /dev/null's numbers, so a write through it would vanish silently.
    mkdir -p "$root/L3"
    mknod "$root/L3/.dwquota" c 1 3
    run deliver --root "$root" --drop-dir L3 --quota 1MB "$T/m1.eml"; expect_rc 78 "device node ledger refused"
    # A regular file owned by someone else.
    mkdir -p "$root/L4"
    : >"$root/L4/.dwquota"
    chown 65534:65534 "$root/L4/.dwquota"
    run deliver --root "$root" --drop-dir L4 --quota 1MB "$T/m1.eml"; expect_rc 78 "foreign-owned ledger refused"
else
    echo "note: not root, device-node and foreign-owner ledger cases skipped"
fi
# A FIFO: refused without blocking.
mkdir -p "$root/L6"
mkfifo "$root/L6/.dwquota"
run deliver --root "$root" --drop-dir L6 --quota 1MB "$T/m1.eml"; expect_rc 78 "FIFO ledger refused"
# A fresh ledger is created as a private regular file.
mkdir -p "$root/L5"
run deliver --root "$root" --drop-dir L5 --quota 1MB "$T/m1.eml"; expect_rc 0 "ledger created"
[ -f "$root/L5/.dwquota" ] && [ "$(stat -c '%a %h' "$root/L5/.dwquota")" = "600 1" ] || fail "new ledger mode/links"

# ---- 3, 7: RLIMIT_FSIZE: SIGXFSZ does not kill the CLI; EFBIG is capacity, not the quota ---------------
mkdir -p "$root/F1"
checks=$((checks + 1))
(ulimit -f 20; exec "$DW" deliver --root "$root" --drop-dir F1 "$T/big.eml") >"$OUT" 2>"$ERR"; rc=$?
expect_rc 73 "ulimit -f: capacity, not killed by SIGXFSZ"
[ "$(count_tmp "$root/F1")" -eq 0 ] || fail "ulimit -f: temporary file left"
[ "$(count_eml "$root/F1")" -eq 0 ] || fail "ulimit -f: nothing published"
checks=$((checks + 1))
(ulimit -f 20; exec "$DW" --format json --event auto deliver --root "$root" --drop-dir F1 --quota 10MB "$T/big.eml") \
    >"$OUT" 2>"$ERR"; rc=$?
expect_rc 73 "EFBIG while reserving quota space: capacity"
expect_json "EFBIG while reserving is not the quota" '
s = json.dumps(recs)
assert "8005" not in s and "EFBIG" in s, s'
[ "$(count_tmp "$root/F1")" -eq 0 ] || fail "EFBIG while reserving: temporary file left"

# ---- 4: paths of 4 KiB and more are configuration (ENAMETOOLONG, 78; event 8007 in auto mode) ----------
deep="$T/deep"
p="$deep"
seg=$(printf '%0200d' 0)
i=0
while [ $i -lt 22 ]; do p="$p/$seg"; i=$((i + 1)); done
mkdir -p "$p/Fax"
run deliver --root "$p" --drop-dir Fax "$T/m1.eml"; expect_rc 78 "22-level tree: deliver"
run --event auto deliver --root "$p" --drop-dir Fax "$T/m1.eml"; expect_rc 78 "22-level tree: auto event"
expect_out "8007" "path too long is event 8007 in auto mode"
run check --root "$p" --drop-dir Fax; expect_rc 78 "22-level tree: check"
run sweep --root "$p" --drop-dir Fax; expect_rc 78 "22-level tree: sweep"
# A single argument cannot hold 131,000 bytes (MAX_ARG_STRLEN): the root comes from the configuration file.
"$PYTHON" -c 'print("[server]\nRootDropDirectoryPath = /" + "/".join(["r" * 250] * 523) + "\n[connector Fax]")' >"$T/long.cfg"
run --config "$T/long.cfg" deliver --connector Fax "$T/m1.eml"; expect_rc 78 "131,000-byte root: deliver"
grep -q "unknown key\|invalid argument" "$ERR" && fail "131,000-byte root: wrong reason"
run --config "$T/long.cfg" check; expect_rc 78 "131,000-byte root: check"
run --config "$T/long.cfg" sweep; expect_rc 78 "131,000-byte root: sweep"

# ---- 5: ledger counters near 2^64 are a malformed ledger (rescan), never a wrap that admits a write ----
mkdir -p "$root/Q"
head -c 900 /dev/zero >"$root/Q/existing.eml"
set -- $(stat -c '%d %i' "$root/Q")
now=$(date +%s)
printf 'dwquota2 18446744073709551516 200 %s %s 0.0 0.0 %s' "$1" "$2" "$now" >"$root/Q/.dwquota"
head -c 500 /dev/zero >"$T/m500.eml"
run deliver --root "$root" --drop-dir Q --quota 1000B --quota-mode strict "$T/m500.eml"; expect_rc 73 "counters near 2^64: rescanned, refused"
[ "$(count_eml "$root/Q")" -eq 1 ] || fail "counters near 2^64: a write over the quota was admitted"
run deliver --root "$root" --drop-dir Q --quota 1400B --quota-mode strict "$T/m500.eml"; expect_rc 0 "after the rescan it fits"

# ---- 8: one retry range, enforced once, naming the option ---------------------------------------------
run deliver --root "$root" --drop-dir Fax --retry-max 33 "$T/m1.eml"; expect_usage "--retry-max 33"
expect_err "retry-max.*0 to 32" "--retry-max message names the option and its range"
run deliver --root "$root" --drop-dir Fax --retry-max 32 "$T/m1.eml"; expect_rc 0 "--retry-max 32"

# ---- 9: a held ledger lock: bounded wait, transient, check names the holder -----------------------------
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$root/K"
    run deliver --root "$root" --drop-dir K --quota 1MB "$T/m1.eml"; expect_rc 0 "ledger for the lock test"
    # The holder says when it holds the lock (the marker file), rather than a guess at how long it takes.
    flock -o "$root/K/.dwquota" sh -c ': >"$1"; exec sleep 30' _ "$T/locked" &
    holder=$!
    wait_until 30 test -e "$T/locked" || fail "flock did not take the ledger lock within 30 s"
    t0=$(date +%s)
    run deliver --root "$root" --drop-dir K --quota 1MB --lock-timeout 300 "$T/m1.eml"
    expect_rc 75 "held lock: transient after the timeout"
    expect_err "lock was held for more than 300 ms by process [0-9]+" "held lock: holder named"
    run check --root "$root" --drop-dir K --quota 1MB --lock-timeout 300; expect_rc 75 "check: stuck lock holder"
    expect_out "held for more than 300 ms by process [0-9]+" "check reports the stuck holder"
    run deliver --root "$root" --drop-dir K --quota 1MB "$T/m1.eml"
    [ $(( $(date +%s) - t0 )) -lt 20 ] || fail "held lock: waits were not bounded"
    expect_rc 75 "held lock: default timeout is bounded too"
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
    run deliver --root "$root" --drop-dir K --quota 1MB "$T/m1.eml"; expect_rc 0 "lock released: delivers again"
else
    fail "flock(1) (util-linux) is missing"
fi

# ---- 10: records reach a pipe as each message is published (SIGKILL loses none) -------------------------
mkdir -p "$root/P"
i=0
set --
while [ $i -lt 12 ]; do cp "$T/m1.eml" "$T/p$i.eml"; set -- "$@" "$T/p$i.eml"; i=$((i + 1)); done
mkfifo "$T/never"   # opening it blocks: the run stops there with 12 messages published
checks=$((checks + 1))
( "$DW" deliver --root "$root" --drop-dir P "$@" "$T/never" & echo $! >"$T/pid"; wait ) | cat >"$OUT" &
pipe=$!
# Kill once the 12th record is through the pipe (bounded): an unflushed record never gets there, so this
# waits for what the test asserts instead of guessing how long the writes take.
wait_until 30 awk -v rec="delivered$tab" 'index($0, rec) == 1 { n++ } END { exit n < 12 }' "$OUT"
[ "$(count_eml "$root/P")" -eq 12 ] || fail "SIGKILL: $(count_eml "$root/P") of 12 messages published before the kill"
kill -9 "$(cat "$T/pid")"
wait "$pipe" 2>/dev/null
[ "$(grep -c "^delivered${tab}" "$OUT")" -eq 12 ] || fail "SIGKILL: $(grep -c "^delivered" "$OUT") of 12 records reached the pipe"

# ---- 11: every stderr message is one line, control bytes escaped ----------------------------------------
nl='
'
checks=$((checks + 1))
"$DW" deliver --root "$root" --drop-dir Fax "$T/no${nl}dropwatch: forged$(printf '\033[31m\007')" >"$OUT" 2>"$ERR"; rc=$?
expect_rc 66 "missing input with control bytes"
[ "$(wc -l <"$ERR")" -eq 1 ] || fail "file argument: stderr has more than one line"
grep -q "$(printf '\033')" "$ERR" && fail "file argument: raw ESC on stderr"
grep -q "$(printf '\007')" "$ERR" && fail "file argument: raw BEL on stderr"
expect_err 'no\\ndropwatch: forged\\x1B\[31m\\x07' "file argument escaped"
printf '[server]\nRootDropDirectoryPath = %s\n[connector A]\nbad%skey = 1\n' "$root" "$(printf '\033]0;t\007')" >"$T/cfg"
run --config "$T/cfg" deliver --connector A "$T/m1.eml"
grep -q "$(printf '\033')" "$ERR" && fail "config key: raw ESC on stderr"
[ "$(grep -c '' "$ERR")" -eq "$(grep -c '^dropwatch' "$ERR")" ] || fail "config key: a line not starting with dropwatch"
run deliver --root "$root" --drop-dir Fax --prefix "$(printf 'a\nb')" "$T/m1.eml"
grep -q '^b' "$ERR" && fail "option value: forged second line"

finish
