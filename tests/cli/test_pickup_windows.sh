#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch.exe under Wine (run by tools/test-all.d/20-windows.sh, not by make check): `pickup` runs a
# Windows command per message (CreateProcessW, the envelope in its environment block, the MIME message on a
# pipe as its stdin), acks on exit 0, releases otherwise; a file its writer holds without sharing is not
# handed on until closed; `watch --textfile` replaces the previous file (MoveFileExW) round after round.
. "${top_srcdir:-.}/tests/cli/lib.sh"

[ "${DW_WINDOWS:-0}" = 1 ] || { echo "test_pickup_windows.sh: needs DW_WINDOWS=1 and DW=dropwatch.exe under Wine" >&2; exit 99; }
# A Windows path for a file the test made (cmd.exe and its redirections see Windows paths).
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

root="$T/root"
drop="$root/Fax"
mkdir -p "$drop" "$T/out"
printf 'Subject: one\r\n\r\nfirst\r\n' >"$T/m1"
run deliver --root "$root" --drop-dir Fax --sender '<s@x.example>' --sender-params SIZE=30 \
    --recipient r1@y --recipient r2@y "$T/m1"
expect_rc 0 "deliver one message"

# The command sees the envelope (cmd expands the variables from its environment; a space before each
# redirection, or "count=2>>" would redirect stderr) and exactly the MIME part
# on stdin (more copies stdin to the file).
env="$(winpath "$T/out/env")" mime="$(winpath "$T/out/mime")"
run pickup "$drop" -- cmd /c "echo file=%DW_FILE% > $env & echo sender=%DW_SENDER% >> $env & echo params=%DW_SENDER_PARAMS% >> $env & echo count=%DW_RECIPIENT_COUNT% >> $env & echo r2=%DW_RECIPIENT_2% >> $env & echo size=%DW_MIME_SIZE% >> $env & echo redelivered=%DW_REDELIVERED% >> $env & more > $mime"
expect_rc 0 "pickup acknowledges"
[ "$(count_eml "$drop")" -eq 0 ] || fail "the message was deleted"
[ "$(ls "$drop/.dwpickup/claimed" | wc -l)" -eq 0 ] || fail "no claim left"
cmp -s "$T/out/mime" "$T/m1" || fail "MIME part passed unchanged on stdin"
tr -d '\r' <"$T/out/env" >"$T/out/env.lf"
grep -q '^file=[0-9T]*-.*\.eml *$' "$T/out/env.lf" || fail "DW_FILE"
grep -q '^sender=s@x.example *$' "$T/out/env.lf" || fail "DW_SENDER"
grep -q '^params=SIZE=30 *$' "$T/out/env.lf" || fail "DW_SENDER_PARAMS"
grep -q '^count=2 *$' "$T/out/env.lf" || fail "DW_RECIPIENT_COUNT"
grep -q '^r2=r2@y *$' "$T/out/env.lf" || fail "DW_RECIPIENT_2"
grep -q '^size=23 *$' "$T/out/env.lf" || fail "DW_MIME_SIZE"
grep -q '^redelivered=0 *$' "$T/out/env.lf" || fail "DW_REDELIVERED"

# A failing command releases the message (exit 75); one that cannot start too; exit 0 acknowledges.
run deliver --root "$root" --drop-dir Fax --sender a@b --recipient c@d "$T/m1"; expect_rc 0 "deliver"
run -v pickup "$drop" -- cmd /c "exit 3"; expect_rc 75 "failing command"
expect_err "exited with 3: released" "release reported"
[ "$(count_eml "$drop")" -eq 1 ] || fail "released message back in the drop directory"
run pickup "$drop" -- no-such-command-dw; expect_rc 75 "a command that cannot start"
expect_err "command not found" "not found reported"
[ "$(count_eml "$drop")" -eq 1 ] || fail "still there"
run pickup "$drop" -- cmd /c "exit 0"; expect_rc 0 "exit 0 acknowledges"
[ "$(count_eml "$drop")" -eq 0 ] || fail "acknowledged"

# A file its writer still has open (another process, writing, not sharing writes) is not handed on,
# however old and complete it looks; once the writer closes it, it is. The holder: cmd with the file as
# the target of an append, while `more` waits for the end of its input (a pipe from sleep). (check_pickup
# holds a file with FileShare.None itself: sharing_violation_not_ready.)
# The holder's input is a FIFO this script keeps open, so the file stays held until the script closes it,
# and pickup runs only once the file is seen open (its link in /proc): no guess at Wine's start-up time.
heldfile="$drop/EX01-7-20240501120000Z.Normal.eml"
printf 'X-sender: <fax@contoso.com>\r\nX-Receiver: <+1555@fax>\r\nX-EndOfInjectedXHeaders: 10\r\nSubject: x' \
    >"$heldfile"
touch -d '-1 hour' "$heldfile"
held="$(winpath "$heldfile")"
mkfifo "$T/holder-input"
wine cmd /c "more >> $held" <"$T/holder-input" >/dev/null 2>&1 &
holder=$!
exec 3>"$T/holder-input"
is_open() { find /proc/[0-9]*/fd -lname "$1" 2>/dev/null | grep -q .; }
wait_until 120 is_open "$heldfile" || fail "the holder did not open the file within 120 s"
run pickup --settle-ms 0 "$drop" -- cmd /c "more > $(winpath "$T/out/held")" 3>&-; expect_rc 0 "nothing ready while held"
[ -e "$T/out/held" ] && fail "a file still open for writing was handed on"
[ "$(count_eml "$drop")" -eq 1 ] || fail "the held file stays"
is_open "$heldfile" || fail "the holder still held the file when pickup had finished"
exec 3>&-
wait "$holder"
run pickup --settle-ms 0 "$drop" -- cmd /c "more > $(winpath "$T/out/held")"; expect_rc 0 "handed on once closed"
[ "$(count_eml "$drop")" -eq 0 ] || fail "acknowledged after the writer closed it"
grep -q 'Subject: x' "$T/out/held" || fail "the MIME part of the once-held file"

# watch --textfile: two rounds, the file replaced (not refused because it exists), no temp left.
mkdir -p "$T/prom"
run watch --root "$root" --drop-dir Fax --interval 0 --count 2 --textfile "$T/prom/a.prom"
grep -q '^dropwatch_watch_rounds_total 2$' "$T/prom/a.prom" || fail "watch --textfile: the second round replaced the file"
[ "$(ls -A "$T/prom" | wc -l)" -eq 1 ] || fail "watch --textfile: no temporary file left"
grep -q "$(printf '\r')" "$T/prom/a.prom" && fail "watch --textfile: LF line ends"
run watch --root "$root" --drop-dir Fax --interval 0 --count 3 --textfile "$(winpath "$T/prom/a.prom")"
grep -q "^dropwatch_watch_rounds_total 3$" "$T/prom/a.prom" || fail "watch --textfile: a Windows path with backslashes"
[ "$(ls -A "$T/prom" | wc -l)" -eq 1 ] || fail "watch --textfile: the temporary file beside the target"

echo "test_pickup_windows.sh: $checks runs, $failures failures"
[ "$failures" -eq 0 ]
