#!/bin/sh
# SPDX-License-Identifier: MIT
# The progress line of deliver and sweep: on standard error only when it is a terminal (here the
# pseudo-terminal of script(1)), never in a pipe or a file, never with --quiet; records on standard output
# stay whole lines. script(1) (util-linux) is required: missing is a failure, not a skip.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v script >/dev/null 2>&1 || { echo "FAIL: script(1) not found (util-linux: tools/deps.sh)" >&2; exit 1; }

root="$T/root"
mkdir -p "$root/Fax" "$root/A" "$root/B" "$root/C"
i=0
while [ $i -lt 6 ]; do
    i=$((i + 1))
    printf 'Subject: %s\r\n\r\nbody\r\n' "$i" >"$T/m$i.eml"
done
files="$T/m1.eml $T/m2.eml $T/m3.eml $T/m4.eml $T/m5.eml $T/m6.eml"

# on_tty OUTFILE CMD...: runs dropwatch with standard error (and input) on a pseudo-terminal and standard
# output into OUTFILE; what reached the terminal is in $T/tty.
on_tty() {
    checks=$((checks + 1))
    _out=$1; shift
    # script runs the command through a shell: quote every argument for it.
    _cmd="'$DW'"
    for _a in "$@"; do
        _cmd="$_cmd '$_a'"
    done
    script -qec "$_cmd >'$_out'" "$T/tty" </dev/null >/dev/null 2>&1
    rc=$?
    # script(1) adds "Script started/done" lines to its typescript even with -q.
    sed -i '/^Script started on /d; /^Script done on /d' "$T/tty"
}

# deliver under a terminal: a count, a rate and an ETA, erased again at the end.
on_tty "$T/out" deliver --root "$root" --drop-dir Fax $files
expect_rc 0 "deliver on a terminal"
grep -q "dropwatch deliver: 0/6 files (0%)" "$T/tty" || fail "progress starts at 0/6"
grep -Eq "dropwatch deliver: [1-6]/6 files \([0-9]+%\), [0-9.]+ files/s, [0-9.]+ (B|KiB|MiB)/s, ETA [0-9]+:[0-9]{2}" "$T/tty" \
    || fail "progress shows count, rate and ETA: $(cat -v "$T/tty" | head -5)"
[ "$(grep -c '^delivered' "$T/out")" -eq 6 ] || fail "six records on stdout"
grep -q "dropwatch" "$T/out" && fail "no progress on stdout"
[ "$(count_eml "$root/Fax")" -eq 6 ] || fail "six messages delivered"
# The line is erased: what the terminal finally shows ends in blanks after the last carriage return.
tr '\r' '\n' <"$T/tty" | grep -v '^$' | tail -n 1 | grep -q '[^ ]' && fail "progress line erased at the end"

# Records to the same terminal: each record is a whole line, never glued to the progress text.
on_tty /dev/stdout deliver --root "$root" --drop-dir Fax $files
expect_rc 0 "deliver, records on the terminal"
[ "$(tr '\r' '\n' <"$T/tty" | grep -c '^delivered	')" -eq 6 ] || fail "six whole record lines: $(cat -v "$T/tty" | head -8)"

# Never in a pipe or a file, never with --quiet, never for a single item.
checks=$((checks + 1))
"$DW" deliver --root "$root" --drop-dir Fax $files 2>&1 | cat >"$T/pipe"
grep -q "files/s\|ETA\|0/6" "$T/pipe" && fail "no progress in a pipe"
[ "$(grep -c '^delivered' "$T/pipe")" -eq 6 ] || fail "the records in the pipe"
tr -d '\n' <"$T/pipe" | grep -q "$(printf '\r')" && fail "no carriage return in a pipe"
run deliver --root "$root" --drop-dir Fax $files; expect_rc 0 "stderr to a file"
grep -q "ETA" "$ERR" && fail "no progress into a file"
on_tty "$T/out" -q deliver --root "$root" --drop-dir Fax $files
grep -q "ETA\|files (" "$T/tty" && fail "--quiet: no progress"
on_tty "$T/out" deliver --root "$root" --drop-dir Fax "$T/m1.eml"
grep -q "files (" "$T/tty" && fail "one file: no progress"

# A failure in the middle: the message is a whole line on the terminal too.
on_tty "$T/out" deliver --root "$root" --drop-dir Fax --keep-going "$T/m1.eml" "$T/nonexistent" "$T/m2.eml"
expect_rc 66 "deliver with a missing input"
tr '\r' '\n' <"$T/tty" | grep -q "^dropwatch deliver: '$T/nonexistent': No such file" || fail "error message on its own line: $(cat -v "$T/tty")"

# sweep over a configuration: one step per connector.
cat >"$T/c.conf" <<CONF
[server]
RootDropDirectoryPath = $root
[connector A]
[connector B]
[connector C]
CONF
touch "$root/B/.dwtmp-x.tmp"
touch -d '2 hours ago' "$root/B/.dwtmp-x.tmp"
on_tty "$T/out" -v --config "$T/c.conf" sweep
expect_rc 0 "sweep on a terminal"
grep -Eq "dropwatch sweep: [0-3]/3 connectors \([0-9]+%\)" "$T/tty" || fail "sweep progress: $(cat -v "$T/tty")"
grep -Eq "connectors/s, ETA [0-9]+:[0-9]{2}" "$T/tty" || fail "sweep rate and ETA"
grep -q "stale temporary file(s) removed" "$T/tty" || fail "sweep summary on a terminal"
[ -e "$root/B/.dwtmp-x.tmp" ] && fail "swept"
checks=$((checks + 1))
"$DW" --config "$T/c.conf" sweep 2>&1 | cat >"$T/pipe"
grep -q "connectors (" "$T/pipe" && fail "no sweep progress in a pipe"

finish
