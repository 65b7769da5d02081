#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch deliver: guarded writes from files and stdin, envelope, naming, quota, and every failure
# class's alert and exit code (provoked with the documented --inject test aid).
. "${top_srcdir:-.}/tests/cli/lib.sh"
tab=$(printf '\t')

root="$T/root"
drop="$root/Fax"
mkdir -p "$drop"
printf 'Subject: one\r\n\r\nbody one\r\n' >"$T/m1.eml"
printf 'Subject: two\r\n\r\nbody two, longer\r\n' >"$T/m2.eml"

run deliver --root "$root" --drop-dir Fax "$T/m1.eml" "$T/m2.eml"; expect_rc 0 "two files"
[ "$(count_eml "$drop")" -eq 2 ] || fail "two messages in the drop directory"
[ "$(count_tmp "$drop")" -eq 0 ] || fail "no temporary file left"
[ "$(grep -c "^delivered${tab}" "$OUT")" -eq 2 ] || fail "one line per message"
# Each line names the published file; its bytes are the source's, unchanged.
while IFS="$tab" read -r word src file bytes; do
    cmp -s "$src" "$file" || fail "published file $file differs from $src"
    [ "$bytes" -eq "$(wc -c <"$src")" ] || fail "byte count of $src"
    case "$file" in "$drop"/*.eml) ;; *) fail "published name $file" ;; esac
done <"$OUT"

# Standard input ("-" or no file).
printf 'Subject: stdin\r\n\r\nfrom a pipe\r\n' | "$DW" deliver --root "$root" --drop-dir Fax >"$OUT" 2>"$ERR"
rc=$?; expect_rc 0 "standard input"
[ "$(count_eml "$drop")" -eq 3 ] || fail "stdin message published"
f=$(cut -f3 "$OUT"); grep -q 'from a pipe' "$f" || fail "stdin content"
run_in "$T/m1.eml" deliver --root "$root" --drop-dir Fax -; expect_rc 0 "'-' is standard input"

# JSON records for delivered messages.
run --format json deliver --root "$root" --drop-dir Fax "$T/m1.eml"; expect_rc 0 "json"
expect_json "delivered record" '
r = recs[0]
assert r["record"] == "delivered" and r["file"].endswith(".eml") and r["bytes"] > 0 and r["connector"] == "Fax"'

# Envelope: X-Sender, X-Receiver per recipient, X-EndOfInjectedXHeaders, then the message unchanged.
env="$T/env"; mkdir -p "$env/E"
run deliver --root "$env" --drop-dir E --sender alice@contoso.com --sender-params 'SIZE=100' \
    --recipient bob@fabrikam.com --recipient carol@fabrikam.com "$T/m2.eml"; expect_rc 0 "envelope"
f=$(cut -f3 "$OUT")
"$PYTHON" - "$f" "$T/m2.eml" <<'PY' || fail "envelope headers and body"
import sys
data = open(sys.argv[1], "rb").read()
mime = open(sys.argv[2], "rb").read()
lines = data.split(b"\r\n")
assert lines[0].startswith(b"X-sender: ") and b"alice@contoso.com" in lines[0] and b"SIZE=100" in lines[0], lines[0]
assert lines[1].startswith(b"X-Receiver: ") and b"bob@fabrikam.com" in lines[1], lines[1]
assert lines[2].startswith(b"X-Receiver: ") and b"carol@fabrikam.com" in lines[2], lines[2]
assert lines[3].startswith(b"X-EndOfInjectedXHeaders: "), lines[3]
n = int(lines[3].split(b": ")[1])
assert n == len(mime), (n, len(mime))
header_len = sum(len(l) + 2 for l in lines[:4])
assert data[header_len:] == mime
PY
run deliver --root "$env" --drop-dir E --sender "$(printf 'a@b\r\nX-Evil: 1')" --recipient c@d "$T/m1.eml"
expect_usage "header injection in --sender refused"
run deliver --root "$env" --drop-dir E --sender a@b "$T/m1.eml"; expect_usage "sender without recipient"
run deliver --root "$env" --drop-dir E --recipient a@b "$T/m1.eml"; expect_usage "recipient without sender"

# Exchange-style names: {Machine}-{RecordId}-{UTC yyyyMMddHHmmss}Z.{Priority}.eml
run deliver --root "$env" --drop-dir E --naming exchange --machine EX01 --record-id 41 --priority high \
    "$T/m1.eml" "$T/m2.eml"; expect_rc 0 "exchange naming"
expect_out "/EX01-41-[0-9]{14}Z\.High\.eml${tab}" "first name"
expect_out "/EX01-42-[0-9]{14}Z\.High\.eml${tab}" "record id incremented"
run deliver --root "$env" --drop-dir E --naming odd "$T/m1.eml"; expect_usage "unknown naming"

# Failures: alert on stdout, message on stderr, the class's exit code, nothing partial left behind.
n0=$(count_eml "$drop")
fault() { # fault INJECT STATUS CLASS-PATTERN DESCRIPTION EVENT
    run deliver --root "$root" --drop-dir Fax --retry-max 0 --inject "$1" "$T/m1.eml"
    expect_rc "$2" "$4"
    expect_out "MSExchangeTransport $5:" "$4: the alert names event $5 (what Exchange catches)"
    expect_out "Fax" "$4: the alert names the connector"
    expect_err "$3" "$4: the class is on stderr"
    [ "$(count_eml "$drop")" -eq "$n0" ] || fail "$4: no message published"
    [ "$(count_tmp "$drop")" -eq 0 ] || fail "$4: temporary file removed"
}
fault fsync:EIO 74 "fsync failed.*; physical:" "EIO during fsync" 8004
fault write:ENOSPC 73 "capacity" "disk full" 8004
expect_out "an I/O exception There is not enough space on the disk\. occurred \." "disk full: %3 is the system text alone"
fault create:EACCES 77 "access" "access denied" 8009
fault write:EAGAIN:50 75 "transient" "transient failure that does not clear" 8004
if posix_only "ESTALE (the Windows C runtime has no such errno)"; then
    fault rename:ESTALE 75 "remote" "stale network handle" 8004
fi
fault write:EROFS 74 "logical" "read-only file system" 8004
# A transient failure that clears within the retries is a success.
run deliver --root "$root" --drop-dir Fax --retry-max 3 --inject write:EAGAIN:1 "$T/m1.eml"; expect_rc 0 "retried"
n0=$(count_eml "$drop")
# Short writes still publish the whole message.
run deliver --root "$root" --drop-dir Fax --short-write 3 "$T/m2.eml"; expect_rc 0 "short writes"
cmp -s "$(cut -f3 "$OUT")" "$T/m2.eml" || fail "short writes: content intact"

# The alert in every format.
run --format xml deliver --root "$root" --drop-dir Fax --inject fsync:EIO "$T/m1.eml"; expect_rc 74 "xml alert"
expect_xml "xml alert"
expect_out "<EventID[^>]*>8004</EventID>" "xml EventID"
run --format json deliver --root "$root" --drop-dir Fax --inject fsync:EIO "$T/m1.eml"; expect_rc 74 "json alert"
expect_json "json alert" '
a = recs[0]
assert a["winlog"]["event_id"] == "8004" and a["winlog"]["event_data"]["param1"] == "Fax", a["winlog"]
assert a["winlog"]["event_data"]["param2"].endswith("/root/Fax")
assert a["dropwatch"]["class"] == "physical" and a["dropwatch"]["operation"] == "fsync"'
run --format syslog deliver --root "$root" --drop-dir Fax --inject fsync:EIO "$T/m1.eml"; expect_rc 74 "syslog alert"
expect_syslog "syslog alert"

# A missing drop directory is a configuration failure (78); it is never created.
run deliver --root "$root" --drop-dir Missing "$T/m1.eml"; expect_rc 78 "missing drop directory"
expect_out "MSExchangeTransport 8008:" "a missing directory is event 8008 by default"
[ -e "$root/Missing" ] && fail "the drop directory must not be created"
run --event 8004 deliver --root "$root" --drop-dir Missing "$T/m1.eml"; expect_rc 78 "forced 8004"
expect_out "MSExchangeTransport 8004:" "--event 8004 forces 8004"
# An invalid DropDirectory is a configuration failure too, with the alert naming where Exchange would write.
run deliver --root "$root" --drop-dir '../etc' "$T/m1.eml"; expect_rc 78 "invalid DropDirectory"
expect_out "8004" "alert for an invalid setting"
expect_err "DropDirectory" "invalid setting explained"

# Quota, strict mode: a message that does not fit is refused before anything is written (73); Exchange
# would have written it, so the alert is not 8005.
mkdir -p "$root/Small"
run deliver --root "$root" --drop-dir Small --quota 10B --quota-mode strict "$T/m2.eml"; expect_rc 73 "over quota"
expect_out "8004" "a strict-only refusal is not 8005"
[ "$(count_eml "$root/Small")" -eq 0 ] || fail "nothing written over quota"
run deliver --root "$root" --drop-dir Small --quota 10B --quota-mode bogus "$T/m2.eml"; expect_usage "bad quota mode"
# Quota, Exchange's rule (default): the message that crosses the line is written, the next one waits (8005).
run deliver --root "$root" --drop-dir Small --quota 10B "$T/m2.eml"; expect_rc 0 "crossing message written"
[ "$(count_eml "$root/Small")" -eq 1 ] || fail "the crossing message is in the directory"
run deliver --root "$root" --drop-dir Small --quota 10B "$T/m2.eml"; expect_rc 73 "over quota, default mode"
expect_out "8005" "quota exceeded is event 8005 by default"
expect_out "10 B \\(10 bytes\\)\\(MB\\)" "8005 names the quota as ByteQuantifiedSize prints it"
run --event 8004 deliver --root "$root" --drop-dir Small --quota 10B "$T/m2.eml"; expect_rc 73 "over quota, forced 8004"
expect_out "MSExchangeTransport 8004" "--event 8004 forces one event ID"
rm -f "$root/Small"/*.eml
run deliver --root "$root" --drop-dir Small --quota '1 KB (1,024 bytes)' "$T/m1.eml"; expect_rc 0 "Get-ForeignConnector quota form"
run deliver --root "$root" --drop-dir Small --quota 'lots' "$T/m1.eml"; expect_usage "malformed quota"

# The first failure stops the run unless --keep-going; inputs that cannot be read give 66.
run deliver --root "$root" --drop-dir Fax "$T/nope.eml" "$T/m1.eml"; expect_rc 66 "missing input"
[ -s "$OUT" ] && fail "missing input: nothing delivered after the failure"
run deliver --root "$root" --drop-dir Fax --keep-going "$T/nope.eml" "$T/m1.eml"; expect_rc 66 "--keep-going"
expect_out "^delivered${tab}" "--keep-going delivers the rest"
run -v deliver --root "$root" --drop-dir Fax "$T/m1.eml" "$T/m2.eml"; expect_rc 0 "summary"
expect_err "2 delivered" "summary line with -v"
run deliver --root "$root" --drop-dir Fax "$T/m1.eml"; expect_rc 0 "no summary into a pipe"
[ -s "$ERR" ] && fail "no summary line when stdout is not a terminal"
# With stdout on a terminal (script(1) provides one) the summary line appears without -v; -q silences it.
if command -v script >/dev/null 2>&1 && posix_only "a terminal from script(1) (Wine's console is no pty)"; then
    checks=$((checks + 1))
    script -qec "'$DW' deliver --root '$root' --drop-dir Fax '$T/m1.eml'" /dev/null >"$OUT" 2>&1
    grep -q "1 delivered (" "$OUT" || fail "summary line on a terminal"
    checks=$((checks + 1))
    script -qec "'$DW' -q deliver --root '$root' --drop-dir Fax '$T/m1.eml'" /dev/null >"$OUT" 2>&1
    grep -q "delivered (" "$OUT" && fail "-q silences the summary line"
fi

# Usage errors.
run deliver "$T/m1.eml"; expect_usage "no connector"
run deliver --root "$root" --drop-dir Fax --inject fsync "$T/m1.eml"; expect_usage "malformed --inject"
run deliver --root "$root" --drop-dir Fax --inject nosuchop:EIO "$T/m1.eml"; expect_usage "unknown --inject op"
run deliver --root "$root" --drop-dir Fax --retry-max x "$T/m1.eml"; expect_usage "bad --retry-max"

finish
