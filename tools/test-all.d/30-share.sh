#!/bin/bash
# SPDX-License-Identifier: MIT
# Stage "share": a drop directory on a real SMB share (issue 17). Samba serves a folder on 127.0.0.1 only
# (never any other address); smbnetfs (FUSE) mounts it, so no kernel CIFS support is needed. On that mount
# renameat2(RENAME_NOREPLACE) says EINVAL and linkat EPERM: writes use the unique-name publish method.
# Covered: deliveries, quota, sweep and health on the share; two writers with different machine names into
# one drop directory; smbd killed mid-stream (remote class, nothing partial, clean recovery after restart).
# Starts and stops everything itself; prints "share: N passed, N failed"; exits non-zero on any failure or
# missing tool. Environment (tools/test-all.d/README): DW_TOP, DW_FULL_BUILD (the build whose
# src/dropwatch is tested), DW_PYTHON.
set -u

top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${DW_FULL_BUILD:-$top/_build/full}
DW="$build/src/dropwatch"
PY=${DW_PYTHON:-python3}
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
summary() {
    echo "share: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

for tool in smbd smbnetfs fusermount3 ps ss "$PY"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "share: missing tool $tool (tools/deps.sh: samba smbnetfs fuse3 procps iproute2)"; bad "tool $tool"; summary; exit 1; }
done
[ -x "$DW" ] || { echo "share: $DW not built"; bad "dropwatch built"; summary; exit 1; }
[ -e /dev/fuse ] || { bad "/dev/fuse present"; summary; exit 1; }

# The server and the mount: tools/share-env.sh (shared with bench/share.sh).
. "$top/tools/share-env.sh"
trap cleanup EXIT

start_smbd || { bad "smbd started on 127.0.0.1"; summary; exit 1; }
ok "smbd started on 127.0.0.1 only"
mount_share
check "the share is visible through smbnetfs" test -d "$share"
mkdir -p "$share/Fax" "$share/Quota" "$share/Two" "$share/Kill"

# Message sources: each ends with its own END line, so a partial file is recognisable.
i=0
while [ $i -lt 300 ]; do
    # Zero-padded numbers: every message has the same size, which the quota checks rely on.
    printf 'Subject: %03d\r\n\r\n%s\r\nEND %03d\r\n' $i "$(head -c 2000 /dev/zero | tr '\0' 'a')" $i >"$W/src/m$i.eml"
    i=$((i + 1))
done
srcs() { # srcs FROM TO: the source files m FROM .. m TO-1
    local k=$1; while [ "$k" -lt "$2" ]; do printf '%s\n' "$W/src/m$k.eml"; k=$((k + 1)); done
}
# complete DIR: every *.eml on the server side ends with its END line, and no temporary file is left.
complete() {
    "$PY" - "$1" <<'EOF'
import os, re, sys
d = sys.argv[1]
for n in os.listdir(d):
    if n.endswith(".eml") and not n.startswith("."):
        b = open(os.path.join(d, n), "rb").read()
        m = re.match(rb"Subject: (\d+)\r\n", b)
        assert m and b.endswith(b"END " + m.group(1) + b"\r\n"), "partial: " + n
EOF
}
count() { find "$1" -maxdepth 1 -type f -name '*.eml' ! -name '.*' | wc -l | tr -d ' '; }
temps() { find "$1" -maxdepth 1 -name '.dwtmp-*' | wc -l | tr -d ' '; }

# ---- deliveries ------------------------------------------------------------------------------------------
mapfile -t batch < <(srcs 0 20)
"$DW" --format json deliver --root "$share" --drop-dir Fax "${batch[@]}" >"$W/out" 2>"$W/err"
check "deliver 20 messages onto the share (exit 0)" test $? -eq 0
check "20 records" test "$(grep -c '"record":"delivered"' "$W/out")" -eq 20
check "20 messages on the server, complete" sh -c "[ $(count "$export_dir/Fax") -eq 20 ]"
check "messages byte-identical to their sources" "$PY" - "$W/out" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert open(r["source"], "rb").read() == open(r["drop_path"] + "/" + r["file"], "rb").read(), r["file"]
EOF
check "nothing partial, no temporary file" complete "$export_dir/Fax"
check "no temporary file left" test "$(temps "$export_dir/Fax")" -eq 0

# ---- health --------------------------------------------------------------------------------------------
"$DW" --format json check --root "$share" --drop-dir Fax >"$W/out" 2>"$W/err"
check "check: healthy on the share" test $? -eq 0
check "check reports the unique-name publish method" grep -q '"publish":"unique-rename"' "$W/out"
"$DW" --format json check --root "$share" --drop-dir Fax --quota 10MB >"$W/out" 2>"$W/err"
check "check with a quota (ledger on the share): healthy" test $? -eq 0

# ---- quota ---------------------------------------------------------------------------------------------
mapfile -t batch < <(srcs 20 30)
size=$(wc -c <"$W/src/m20.eml")
quota=$((size * 6 + size / 2))
# Exchange's rule (the default): refused once the files reach the quota, so the message that crosses it
# (the 7th of 6.5 messages' worth) is still written.
"$DW" deliver --root "$share" --drop-dir Quota --quota "${quota}B" --keep-going "${batch[@]}" >"$W/out" 2>"$W/err"
rc=$?
check "quota: over-quota messages refused (exit 73)" test $rc -eq 73
check "quota (Exchange's rule): 7 of 10 written, the one crossing the quota included" \
    test "$(count "$export_dir/Quota")" -eq 7
check "quota: the ledger on the share is a private regular file" test -f "$export_dir/Quota/.dwquota"
rm -f "$export_dir/Quota/"*.eml   # the consumer takes them (server side)
# The strict rule never exceeds the quota: exactly 6 fit.
"$DW" deliver --root "$share" --drop-dir Quota --quota "${quota}B" --quota-mode strict --keep-going \
    "${batch[@]}" >"$W/out" 2>"$W/err"
rc=$?
check "quota (strict): over-quota messages refused (exit 73)" test $rc -eq 73
check "quota (strict): exactly 6 of 10 fit" test "$(count "$export_dir/Quota")" -eq 6
rm -f "$export_dir/Quota/"*.eml
"$DW" deliver --root "$share" --drop-dir Quota --quota "${quota}B" "$W/src/m30.eml" >"$W/out" 2>"$W/err"
check "quota: space freed by the consumer is found again" test $? -eq 0

# ---- sweep ---------------------------------------------------------------------------------------------
printf 'stale' >"$export_dir/Fax/.dwtmp-1-1-0123456789abcdef.tmp"
printf 'keep' >"$export_dir/Fax/.other-file"
touch -d '3 hours ago' "$export_dir/Fax/.dwtmp-1-1-0123456789abcdef.tmp" "$export_dir/Fax/.other-file"
"$DW" --format json sweep --root "$share" --drop-dir Fax --max-age 3600 >"$W/out" 2>"$W/err"
check "sweep on the share (exit 0)" test $? -eq 0
check "sweep removed the stale temporary file" test ! -e "$export_dir/Fax/.dwtmp-1-1-0123456789abcdef.tmp"
check "sweep left other files alone" test -e "$export_dir/Fax/.other-file"
check "sweep left the messages alone" test "$(count "$export_dir/Fax")" -eq 20

# ---- two writers with different machine names, one drop directory, one quota --------------------------
# Exchange naming with the same record ids: only the machine name keeps the names apart, which is what
# the unique-name publish method relies on. Both run through the same mount, so flock on the ledger is
# shared (FUSE keeps flock locks in the local kernel: writers on different hosts would NOT exclude each
# other through it; doc/reliability.md states the limit).
mapfile -t a < <(srcs 40 100)
mapfile -t b < <(srcs 100 160)
quota=$((size * 100))
"$DW" --format json deliver --root "$share" --drop-dir Two --quota "${quota}B" --naming exchange --machine HUB01 \
    --record-id 1000 --keep-going "${a[@]}" >"$W/outa" 2>"$W/erra" &
pa=$!
"$DW" --format json deliver --root "$share" --drop-dir Two --quota "${quota}B" --naming exchange --machine HUB02 \
    --record-id 1000 --keep-going "${b[@]}" >"$W/outb" 2>"$W/errb" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
na=$(grep -c '"record":"delivered"' "$W/outa"); nb=$(grep -c '"record":"delivered"' "$W/outb")
echo "two writers: HUB01 $na delivered (exit $ra), HUB02 $nb delivered (exit $rb)"
check "two writers: exit 0 or capacity only" sh -c "[ $ra -eq 0 -o $ra -eq 73 ] && [ $rb -eq 0 -o $rb -eq 73 ]"
check "two writers: every delivered record is a distinct file on the server" \
    test "$(count "$export_dir/Two")" -eq $((na + nb))
check "two writers: the quota held (at most 100 messages)" test $((na + nb)) -le 100
check "two writers: 100 messages fit, so exactly 100 landed" test $((na + nb)) -eq 100
check "two writers: names carry both machine names" sh -c "ls '$export_dir/Two' | grep -q '^HUB01-1000-' && ls '$export_dir/Two' | grep -q '^HUB02-1000-'"
check "two writers: nothing partial" complete "$export_dir/Two"
check "two writers: no temporary file left" test "$(temps "$export_dir/Two")" -eq 0

# ---- smbd killed mid-stream ------------------------------------------------------------------------------
mapfile -t k < <(srcs 0 300)
"$DW" --format json deliver --root "$share" --drop-dir Kill "${k[@]}" >"$W/outk" 2>"$W/errk" &
pk=$!
n=0
while [ "$(count "$export_dir/Kill")" -lt 30 ] && [ $n -lt 200 ]; do n=$((n + 1)); sleep 0.05; done
stop_smbd KILL
wait $pk; rk=$?
echo "smbd killed after $(count "$export_dir/Kill") messages: deliver exit $rk; $(tail -1 "$W/errk")"
check "smbd killed: transient/remote exit (75), or 79 when the last rename's effect is unknown" \
    sh -c "[ $rk -eq 75 -o $rk -eq 79 ]"
check "smbd killed: the alert says class remote" grep -q '"class":"remote"' "$W/outk"
check "smbd killed: nothing partial under a final name" complete "$export_dir/Kill"
check "smbd killed: every record names a file on the server (none lost)" "$PY" - "$W/outk" "$export_dir/Kill" <<'EOF'
import json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"record":"delivered"')]
files = set(os.listdir(sys.argv[2]))
assert recs and all(r["file"] in files for r in recs), "a delivered message is missing"
EOF
check "smbd killed: every file on the server was reported (delivered or published-unsure)" "$PY" - "$W/outk" "$export_dir/Kill" <<'EOF'
import json, os, sys
told = {json.loads(l)["file"] for l in open(sys.argv[1]) if l.startswith('{"record":"')}
files = {f for f in os.listdir(sys.argv[2]) if f.endswith(".eml")}
assert files <= told, sorted(files - told)
EOF
timeout 120 "$DW" --format json check --root "$share" --drop-dir Kill >"$W/out" 2>"$W/err"
rc=$?
echo "check while smbd is down: exit $rc; $(tail -1 "$W/err")"
check "smbd down: check fails as remote (exit 75)" test $rc -eq 75
check "smbd down: check's alert says class remote" grep -q '"class":"remote"' "$W/out"
start_smbd || bad "smbd restarted"
n=0
until "$DW" deliver --root "$share" --drop-dir Kill "$W/src/m299.eml" >"$W/out" 2>"$W/err"; do
    n=$((n + 1)); [ $n -gt 30 ] && break; sleep 0.5
done
check "after restart: deliveries work again (smbnetfs reconnected)" test $n -le 30
"$DW" sweep --root "$share" --drop-dir Kill --max-age 0 >"$W/out" 2>"$W/err"
check "after restart: sweep removes what the broken run left" test $? -eq 0
check "after restart: no temporary file left" test "$(temps "$export_dir/Kill")" -eq 0
"$DW" --format json check --root "$share" --drop-dir Kill >"$W/out" 2>"$W/err"
check "after restart: check is healthy" test $? -eq 0
check "after restart: nothing partial" complete "$export_dir/Kill"

summary
