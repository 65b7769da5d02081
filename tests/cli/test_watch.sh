#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch watch: an alert per failed probe, one recovery record when it clears, clean stop on SIGTERM.
. "${top_srcdir:-.}/tests/cli/lib.sh"

root="$T/root"
mkdir -p "$root/Fax"

run watch --root "$root" --drop-dir Fax --interval 0 --count 3; expect_rc 0 "healthy rounds"
[ -s "$OUT" ] && fail "healthy probes print nothing"

# --throttle 0: an alert per failed probe.
run --throttle 0 watch --root "$root" --drop-dir Gone --interval 0 --count 2; expect_rc 78 "failing rounds"
[ "$(grep -c 'MSExchangeTransport 8008:' "$OUT")" -eq 2 ] || fail "an alert per failed probe"
run --format json watch --throttle 0 --root "$root" --drop-dir Gone --interval 0 --count 2; expect_rc 78 "json"
expect_json "watch json alerts" 'assert len(recs) == 2'
# By default repeats are throttled like Exchange's periodic events: one alert per connector and event per
# window, and the suppressed count reported when the window closes (here: when watch stops).
run --format json watch --root "$root" --drop-dir Gone --interval 0 --count 4; expect_rc 78 "throttled rounds"
expect_json "one alert, then the suppressed count" '
assert len(recs) == 2, recs
assert recs[0]["winlog"]["event_id"] == "8008"
s = recs[1]
assert s["record"] == "suppressed" and s["connector"] == "Gone" and s["event_id"] == 8008, s
assert s["suppressed"] == 3 and s["window_seconds"] == 900, s'
run --throttle soon watch --root "$root" --drop-dir Gone --count 1; expect_usage "bad --throttle"
# A window that closes while watch runs is reported in that round; the next alert opens a new one.
run --format json watch --throttle 1 --root "$root" --drop-dir Gone --interval 0 --count 2; expect_rc 78 "short window"
expect_json "short window" 'assert recs[0]["winlog"]["event_id"] == "8008"'

run -v watch --root "$root" --drop-dir Fax --interval 0 --count 2; expect_rc 0 "summary lines"
expect_err "round 2: 1 connector\(s\), 0 failing" "per-round summary"
run watch --root "$root" --drop-dir Fax --interval x; expect_usage "bad --interval"
run watch --root "$root" --drop-dir Fax --interval 90000; expect_usage "--interval out of range"
run watch --root "$root" --drop-dir Fax --count -2; expect_usage "bad --count"

# wait_for FILE PATTERN: polls (up to about 30 s) until the pattern appears; no timing is asserted.
wait_for() { wait_until 30 grep -Eq -- "$2" "$1" 2>/dev/null; }

# Recovery: the directory appears while watch runs.
checks=$((checks + 1))
rm -f "$OUT" "$ERR" # wait_for must not see an earlier run's output
"$DW" -v --format json watch --root "$root" --drop-dir Late --interval 1 >"$OUT" 2>"$ERR" &
pid=$!
wait_for "$ERR" "round 1:" || fail "watch started"
mkdir "$root/Late"
wait_for "$OUT" '"recovery"' || fail "recovery record"
if posix_only "SIGTERM (Windows delivers no SIGTERM to a console program; Ctrl-C is SIGINT, tested below)"; then
    kill -TERM "$pid"
    wait "$pid"; rc=$?
    expect_rc 0 "stopped by SIGTERM after recovery (last round healthy)"
    expect_err "stopped by SIGTERM" "clean stop reported"
else
    kill -INT "$pid"
    wait "$pid"; rc=$?
    expect_rc 0 "stopped by SIGINT after recovery (last round healthy)"
fi
expect_json "recovery json" '
rec = [r for r in recs if r.get("record") == "recovery"]
assert len(rec) == 1 and rec[0]["connector"] == "Late" and rec[0]["failed_probes"] >= 1, rec'

# SIGINT during a long pause ends the run promptly and cleanly. (The program installs its own handler:
# a background job of a non-interactive shell starts with SIGINT ignored.)
checks=$((checks + 1))
rm -f "$OUT" "$ERR"
"$DW" -v watch --root "$root" --drop-dir Fax --interval 3600 >"$OUT" 2>"$ERR" &
pid=$!
wait_for "$ERR" "round 1:" || fail "watch started"
kill -INT "$pid"
wait "$pid"; rc=$?
expect_rc 0 "SIGINT"
expect_err "stopped by SIGINT after 1 round" "SIGINT reported"

finish
