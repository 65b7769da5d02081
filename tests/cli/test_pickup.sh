#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch pickup: a command per message with the envelope in the environment and the MIME on stdin;
# ack on exit 0, release otherwise; Exchange-style partial files quarantined with an alert record.
. "${top_srcdir:-.}/tests/cli/lib.sh"

root="$T/root"
drop="$root/Fax"
mkdir -p "$drop" "$T/out"
printf 'Subject: one\r\n\r\nfirst\r\n' >"$T/m1"
printf 'Subject: two\r\n\r\nsecond\r\n' >"$T/m2"
run deliver --root "$root" --drop-dir Fax --sender '<s@x.example>' --sender-params SIZE=30 \
    --recipient r1@y --recipient r2@y "$T/m1" "$T/m2"
expect_rc 0 "deliver two messages"

# The command sees the envelope and exactly the MIME part.
cat >"$T/save.sh" <<'SH'
#!/bin/sh
n=$(ls "$OUTDIR" | grep -c "\.env$")
cat >"$OUTDIR/$n.mime"
{ echo "file=$DW_FILE"; echo "sender=$DW_SENDER"; echo "params=$DW_SENDER_PARAMS"
  echo "count=$DW_RECIPIENT_COUNT"; echo "r2=$DW_RECIPIENT_2"; echo "size=$DW_MIME_SIZE"
  echo "redelivered=$DW_REDELIVERED"; echo "all=$(printf '%s' "$DW_RECIPIENTS" | tr '\n' ',')"; } >"$OUTDIR/$n.env"
SH
chmod +x "$T/save.sh"
OUTDIR="$T/out"; export OUTDIR
run pickup "$drop" -- "$T/save.sh"; expect_rc 0 "pickup acknowledges both"
[ "$(count_eml "$drop")" -eq 0 ] || fail "both messages deleted"
[ "$(ls "$drop/.dwpickup/claimed" | wc -l)" -eq 0 ] || fail "no claim left"
cmp -s "$T/out/0.mime" "$T/m1" || cmp -s "$T/out/0.mime" "$T/m2" || fail "MIME part passed unchanged"
grep -q '^sender=s@x.example$' "$T/out/1.env" || fail "DW_SENDER"
grep -q '^params=SIZE=30$' "$T/out/1.env" || fail "DW_SENDER_PARAMS"
grep -q '^count=2$' "$T/out/1.env" || fail "DW_RECIPIENT_COUNT"
grep -q '^r2=r2@y$' "$T/out/1.env" || fail "DW_RECIPIENT_2"
grep -q '^all=r1@y,r2@y$' "$T/out/1.env" || fail "DW_RECIPIENTS"
grep -q '^redelivered=0$' "$T/out/1.env" || fail "DW_REDELIVERED"

# A failing command releases the message: it stays, exit 75.
run deliver --root "$root" --drop-dir Fax --sender a@b --recipient c@d "$T/m1"; expect_rc 0 "deliver"
run pickup "$drop" -- sh -c 'cat >/dev/null; exit 3'; expect_rc 75 "failing command"
[ "$(count_eml "$drop")" -eq 1 ] || fail "released message back in the drop directory"
run -v pickup "$drop" -- false; expect_rc 75 "false"
expect_err "exited with 1: released" "release reported"
# A command that does not read its input at all still decides by its exit status.
run pickup "$drop" -- true; expect_rc 0 "true acknowledges"
[ "$(count_eml "$drop")" -eq 0 ] || fail "acknowledged"
run pickup "$drop" -- "$T/does-not-exist"; expect_rc 0 "nothing ready: nothing run"

# --archive and --max
run deliver --root "$root" --drop-dir Fax "$T/m1" "$T/m2"; expect_rc 0 "deliver"
run pickup --archive done --max 1 --settle-ms 0 "$drop" -- true; expect_rc 0 "archive one"
[ "$(ls "$drop/done" | wc -l)" -eq 1 ] || fail "archived into DROPDIR/done"
[ "$(count_eml "$drop")" -eq 1 ] || fail "--max 1 left one"
run pickup --settle-ms 0 "$drop" -- true; expect_rc 0 "the rest"

# Exchange's partial file (MIME part shorter than announced) is quarantined, never handed on.
printf 'X-sender: <fax@contoso.com>\r\nX-Receiver: <+1555@fax>\r\nX-EndOfInjectedXHeaders: 5000\r\nSubject: cut' \
    >"$drop/EX01-7-20240501120000Z.Normal.eml"
touch -d '-1 hour' "$drop/EX01-7-20240501120000Z.Normal.eml"
run --format json pickup "$drop" -- sh -c 'echo handed >>"$OUTDIR/handed"'; expect_rc 65 "quarantine exit status"
[ -e "$T/out/handed" ] && fail "a partial file was handed on"
[ -e "$drop/.dwpickup/quarantine/EX01-7-20240501120000Z.Normal.eml" ] || fail "moved to quarantine"
[ -e "$drop/.dwpickup/quarantine/EX01-7-20240501120000Z.Normal.eml.alert.json" ] || fail "alert record file"
expect_json "quarantine alert" 'assert recs[0]["event"]["code"] == "8004" and "incomplete" in json.dumps(recs[0])'
# Fresh partial files wait (Exchange may still be writing).
printf 'X-sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 99\r\nshort' >"$drop/EX01-8-20240501120001Z.Normal.eml"
run pickup "$drop" -- true; expect_rc 0 "fresh partial left alone"
[ -e "$drop/EX01-8-20240501120001Z.Normal.eml" ] || fail "fresh partial file stays"
rm -f "$drop/EX01-8-20240501120001Z.Normal.eml"

# --follow reacts to a new message, and stops on SIGTERM.
checks=$((checks + 1))
"$DW" pickup --follow --settle-ms 0 "$drop" -- sh -c 'cat >"$OUTDIR/followed"' >"$OUT" 2>"$ERR" &
pid=$!
sleep 0.3
"$DW" deliver --root "$root" --drop-dir Fax "$T/m2" >/dev/null || fail "deliver during follow"
wait_until 10 test -s "$T/out/followed"
cmp -s "$T/out/followed" "$T/m2" || fail "--follow handed the new message on"
kill -TERM $pid
wait $pid; rc=$?
expect_rc 0 "--follow stops cleanly on SIGTERM"

# --follow with a failing command backs off instead of retrying in a tight loop.
"$DW" deliver --root "$root" --drop-dir Fax "$T/m1" >/dev/null || fail "deliver for the back-off"
checks=$((checks + 1))
# Each try logs its time; the test waits for the second try (bounded) and measures the gap, so a slow
# start-up cannot make it fail and a missing back-off (a gap of milliseconds) cannot pass.
"$DW" pickup --follow --settle-ms 0 "$drop" -- sh -c 'date +%s.%N >>"$OUTDIR/tries"; exit 1' >"$OUT" 2>"$ERR" &
pid=$!
wait_until 30 awk 'END { exit NR < 2 }' "$T/out/tries" 2>/dev/null   # two tries logged
kill -TERM $pid
wait $pid; rc=$?
expect_rc 75 "--follow, failing command: released, status 75"
gap=$(awk 'NR == 1 { a = $1 } NR == 2 { printf "%.2f", $1 - a }' "$T/out/tries")
[ -n "$gap" ] || fail "back-off: fewer than 2 tries in 30 s"
[ -z "$gap" ] || awk -v g="$gap" 'BEGIN { exit !(g >= 0.9) }' ||
    fail "back-off between retries: the second try came $gap s after the first (1 s expected)"
[ "$(count_eml "$drop")" -eq 1 ] || fail "the failing message is back in the drop directory"
run pickup --settle-ms 0 "$drop" -- true; expect_rc 0 "clean up"

# The drop directory from a connector selection instead of a path.
"$DW" deliver --root "$root" --drop-dir Fax "$T/m1" >/dev/null || fail "deliver for the selection"
run pickup --settle-ms 0 --root "$root" --drop-dir Fax -- cat; expect_rc 0 "pickup --root --drop-dir"
[ "$(count_eml "$drop")" -eq 0 ] || fail "selected connector emptied"
run pickup --root "$root" --drop-dir Gone -- true; expect_rc 78 "missing selected drop directory"
run pickup --root "$root" --drop-dir 'a:b' -- true; expect_rc 78 "invalid DropDirectory"
run pickup --root "$root" --drop-dir Fax; expect_usage "selection without a command"

# Usage errors
run pickup; expect_usage "no directory"
run pickup "$drop"; expect_usage "no command"
run pickup --max x "$drop" true; expect_usage "bad --max"
run pickup --archive ../x "$drop" true; expect_usage "bad --archive"
run pickup --bogus "$drop" true; expect_usage "unknown option"
run pickup "$T/missing" true; expect_rc 78 "missing drop directory"
run pickup --help; expect_rc 0 "help"; expect_out "DW_RECIPIENT_COUNT" "help text"

# Under valgrind (leaks, invalid accesses): an acknowledged message, a released one, a quarantined file.
bin=$(memcheck_program) || { fail "no program for valgrind"; finish; }
if command -v valgrind >/dev/null 2>&1 && ! grep -q __asan_init "$bin" 2>/dev/null; then
    vg() { # vg EXPECTED-STATUS DESCRIPTION ARGS...
        want=$1; what=$2; shift 2
        checks=$((checks + 1))
        valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible "$bin" "$@" >"$OUT" 2>"$ERR" </dev/null
        rc=$?
        [ "$rc" -eq "$want" ] || fail "valgrind $what: status $rc, expected $want"
    }
    "$DW" deliver --root "$root" --drop-dir Fax --sender a@b --recipient c@d "$T/m1" "$T/m2" >/dev/null
    vg 75 "pickup, released" pickup "$drop" -- false
    vg 0 "pickup, acknowledged" pickup --archive done "$drop" -- cat
    printf 'X-sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 99\r\nshort' >"$drop/EX01-9-20240501120002Z.Normal.eml"
    vg 65 "pickup, quarantined" --format xml pickup --incomplete-after 0 "$drop" -- true
else
    echo "valgrind not available (or sanitizer build): valgrind runs skipped"
fi
finish
