#!/bin/sh
# SPDX-License-Identifier: MIT
# check --format prometheus|openmetrics and --textfile (check, watch): promtool lints the text format, the
# Prometheus client's strict OpenMetrics parser reads the OpenMetrics form, and the values are the ones
# set up here, for healthy, failing and quota-full drop directories. Both tools are required (tools/deps.sh:
# prometheus, python3-prometheus-client): missing is a failure, not a skip.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v promtool >/dev/null 2>&1 || { echo "FAIL: promtool not found (install the prometheus package: tools/deps.sh)" >&2; exit 1; }
"$PYTHON" -c 'import prometheus_client' 2>/dev/null || { echo "FAIL: $PYTHON lacks prometheus_client (python3-prometheus-client: tools/deps.sh)" >&2; exit 1; }
M="$top_srcdir/tests/monitoring/metrics.py"

# promtool_ok DESCRIPTION [FILE]: the Prometheus text in FILE (default stdout) passes promtool's lint.
promtool_ok() {
    promtool check metrics <"${2:-$OUT}" >"$T/promtool.out" 2>&1 || { cat "$T/promtool.out" >&2; fail "$1: promtool check metrics"; }
}
# expect_metrics FORMAT DESCRIPTION ASSERTIONS [FILE]
expect_metrics() {
    "$PYTHON" "$M" "$1" "${4:-$OUT}" "$3" "${5:-}" 2>>"$ERR" || fail "$2: metric values ($1)"
}

root="$T/root"
mkdir -p "$root/Fax" "$root/Full" "$root/Empty"
printf 'hello' >"$root/Fax/old.eml"                       # 5 bytes, two hours old
head -c 100 /dev/zero >"$root/Fax/new.eml"                 # 100 bytes, new
printf 'partial' >"$root/Fax/.dwtmp-crashed.tmp"          # a crashed writer's temporary: stale, not counted
touch -d '2 hours ago' "$root/Fax/old.eml" "$root/Fax/.dwtmp-crashed.tmp"
head -c 1000 /dev/zero >"$root/Full/a.eml"                 # exactly at the quota
cat >"$T/c.conf" <<CONF
[server]
RootDropDirectoryPath = $root
[connector Fax]
DropDirectoryQuota = 10 MB
[connector Full]
DropDirectoryQuota = 1000
[connector Empty]
[connector Gone]
CONF

# Free space as statvfs sees it now, for a loose comparison: other processes write to the disk too (the
# parallel make check among them), so within 5 % or 256 MiB, whichever is more (a nearly full CI disk).
free_now=$("$PYTHON" -c 'import os, sys; s = os.statvfs(sys.argv[1]); print(s.f_bavail * s.f_frsize)' "$root")

# Healthy: every gauge measured, the counters at their start.
for fmt in prometheus openmetrics; do
    run check --root "$root" --drop-dir Fax --quota 10MB --format $fmt; expect_rc 0 "healthy $fmt"
    [ $fmt = prometheus ] && promtool_ok "healthy"
    expect_metrics $fmt "healthy" "
c = {'connector': 'Fax'}
assert v('dropwatch_drop_healthy', **c) == 1
assert v('dropwatch_drop_files', **c) == 2, v('dropwatch_drop_files', **c)  # temporaries are not messages
assert v('dropwatch_drop_used_bytes', **c) == 105, v('dropwatch_drop_used_bytes', **c)
assert v('dropwatch_drop_quota_bytes', **c) == 10 * 1048576
assert 7200 <= v('dropwatch_drop_oldest_message_age_seconds', **c) < 7200 + 300
assert v('dropwatch_drop_stale_temp_files', **c) == 1
assert abs(v('dropwatch_drop_free_bytes', **c) - $free_now) < max(0.05 * $free_now, 256 * 1048576)
assert v('dropwatch_drop_filesystem_size_bytes', **c) >= v('dropwatch_drop_free_bytes', **c) > 0
assert 0 < v('dropwatch_drop_canary_write_seconds', **c) < 60
assert all(v('dropwatch_drop_last_failure_class', connector='Fax', **{'class': k}) == 0 for k in
           ('physical', 'logical', 'transient', 'capacity', 'access', 'configuration', 'remote'))
assert not has('dropwatch_drop_last_failure_timestamp_seconds', **c)
assert v('dropwatch_drop_probes_total', **c) == 1 and v('dropwatch_drop_probe_failures_total', **c) == 0
assert v('dropwatch_alerts_total', connector='Fax', event_id='8004') == 0
assert 'dropwatch_watch_rounds_total' not in names
"
    expect_no_out "^<|^Log Name|record" "no report or alert record among the metrics"
done
run check --root "$root" --drop-dir Fax --format openmetrics; expect_rc 0 "openmetrics"
[ "$(tail -n 1 "$OUT")" = "# EOF" ] || fail "OpenMetrics ends with # EOF"
expect_out "^# UNIT dropwatch_drop_used_bytes bytes$" "OpenMetrics UNIT line"
expect_out "^# TYPE dropwatch_alerts counter$" "OpenMetrics counter family without _total"
run --format openmetrics check --root "$root" --drop-dir Fax; expect_rc 0 "global --format before check"
expect_metrics openmetrics "global --format" "assert v('dropwatch_drop_healthy', connector='Fax') == 1"
run --format prometheus check --root "$root" --drop-dir Fax --format json; expect_rc 0 "a later --format wins"
expect_json "records again after --format json" 'assert recs[0]["record"] == "health"'
run check --root "$root" --drop-dir Empty --format prometheus; expect_rc 0 "empty drop directory"
promtool_ok "empty"
expect_metrics prometheus "empty" "
assert v('dropwatch_drop_oldest_message_age_seconds', connector='Empty') == 0
assert v('dropwatch_drop_files', connector='Empty') == 0
assert not has('dropwatch_drop_quota_bytes', connector='Empty')  # unlimited: no quota series"

# Failing: a missing drop directory (configuration; event 8008 in auto mode), an injected EIO.
for fmt in prometheus openmetrics; do
    run --event auto check --root "$root" --drop-dir Gone --format $fmt; expect_rc 78 "missing $fmt"
    [ $fmt = prometheus ] && promtool_ok "missing"
    expect_metrics $fmt "missing" "
c = {'connector': 'Gone'}
assert v('dropwatch_drop_healthy', **c) == 0
assert v('dropwatch_drop_last_failure_class', connector='Gone', **{'class': 'configuration'}) == 1
assert v('dropwatch_drop_last_failure_class', connector='Gone', **{'class': 'capacity'}) == 0
assert v('dropwatch_alerts_total', connector='Gone', event_id='8008') == 1
assert v('dropwatch_alerts_total', connector='Gone', event_id='8004') == 0
assert v('dropwatch_drop_probe_failures_total', **c) == 1
assert v('dropwatch_drop_last_failure_timestamp_seconds', **c) > 1.7e9
for n in ('dropwatch_drop_files', 'dropwatch_drop_used_bytes', 'dropwatch_drop_free_bytes',
          'dropwatch_drop_canary_write_seconds', 'dropwatch_drop_oldest_message_age_seconds'):
    assert not has(n, **c), n  # not measured: absent, never a made-up 0"
    expect_err "; configuration:" "the failure still explained on stderr"
done
run check --root "$root" --drop-dir Fax --inject fsync:EIO --format prometheus; expect_rc 74 "EIO"
promtool_ok "EIO"
expect_metrics prometheus "EIO" "
c = {'connector': 'Fax'}
assert v('dropwatch_drop_healthy', **c) == 0
assert v('dropwatch_drop_last_failure_class', connector='Fax', **{'class': 'physical'}) == 1
assert v('dropwatch_alerts_total', connector='Fax', event_id='8004') == 1
assert v('dropwatch_drop_used_bytes', **c) == 105  # measured before the canary failed
assert not has('dropwatch_drop_canary_write_seconds', **c)"

# Quota full: the canary is refused before its first byte (capacity; event 8005 in auto mode).
for fmt in prometheus openmetrics; do
    run --event auto --config "$T/c.conf" check --connector Full --format $fmt; expect_rc 73 "quota full $fmt"
    [ $fmt = prometheus ] && promtool_ok "quota full"
    expect_metrics $fmt "quota full" "
c = {'connector': 'Full'}
assert v('dropwatch_drop_healthy', **c) == 0
assert v('dropwatch_drop_quota_bytes', **c) == 1000 and v('dropwatch_drop_used_bytes', **c) == 1000
assert v('dropwatch_drop_files', **c) == 1
assert v('dropwatch_drop_last_failure_class', connector='Full', **{'class': 'capacity'}) == 1
assert v('dropwatch_alerts_total', connector='Full', event_id='8005') == 1
assert sum(v('dropwatch_alerts_total', connector='Full', event_id=e) for e in ('8004', '8007', '8008', '8009')) == 0"
done
[ "$(count_tmp "$root/Full")" -eq 0 ] || fail "no canary left in the full directory"

# A whole configuration: one exposition, each family once, every connector in it; the status is the
# first failing connector's (Full, capacity).
run --config "$T/c.conf" check --format prometheus; expect_rc 73 "configuration"
promtool_ok "configuration"
expect_metrics prometheus "configuration" "
assert [v('dropwatch_drop_healthy', connector=n) for n in ('Fax', 'Full', 'Empty', 'Gone')] == [1, 0, 1, 0]
assert len([f for f in fams if f.name == 'dropwatch_drop_healthy']) == 1"
run --config "$T/c.conf" check --format openmetrics; expect_rc 73 "configuration openmetrics"
expect_metrics openmetrics "configuration openmetrics" "assert v('dropwatch_drop_healthy', connector='Empty') == 1"

# Label values are escaped: a connector name with a quote, a backslash and non-ASCII text.
name='we"ird\\Fäx'
run check --root "$root" --drop-dir Fax --connector "$name" --format prometheus; expect_rc 0 "odd name"
promtool_ok "odd name"
expect_metrics prometheus "odd name" "assert v('dropwatch_drop_healthy', connector=sys.argv[4]) == 1" "$OUT" "$name"

# --textfile: replaced atomically, readable by the collector's user, no temporary left behind.
run check --root "$root" --drop-dir Fax --textfile "$T/prom/dropwatch.prom"; expect_rc 73 "textfile into a missing directory"
expect_err "cannot write --textfile" "textfile failure reported"
expect_out "^status +healthy" "the report still printed"
mkdir "$T/prom"
run check --root "$root" --drop-dir Fax --textfile "$T/prom/dropwatch.prom"; expect_rc 0 "check --textfile"
expect_out "^status +healthy" "check --textfile keeps the report on stdout"
promtool_ok "check textfile" "$T/prom/dropwatch.prom"
[ "$(stat -c %a "$T/prom/dropwatch.prom")" = 644 ] || fail "textfile mode 0644"
# --throttle 0: every failed probe prints its alert (by default repeats are suppressed like Exchange's).
run --config "$T/c.conf" --throttle 0 watch --interval 0 --count 3 --textfile "$T/prom/dropwatch.prom"; expect_rc 73 "watch --textfile"
promtool_ok "watch textfile" "$T/prom/dropwatch.prom"
expect_metrics prometheus "watch textfile" "
assert v('dropwatch_watch_rounds_total') == 3
assert v('dropwatch_watch_last_round_timestamp_seconds') > 1.7e9
assert v('dropwatch_drop_probes_total', connector='Fax') == 3
assert v('dropwatch_drop_probe_failures_total', connector='Gone') == 3
assert v('dropwatch_alerts_total', connector='Gone', event_id='8008') == 3
assert v('dropwatch_alerts_total', connector='Full', event_id='8005') == 3
assert v('dropwatch_drop_healthy', connector='Empty') == 1" "$T/prom/dropwatch.prom"
[ "$(grep -c 'Event ID\|EventID\|8004' "$OUT")" -ge 6 ] || fail "watch --textfile still prints the alerts"
[ "$(ls -A "$T/prom")" = dropwatch.prom ] || fail "no temporary file left: $(ls -A "$T/prom")"
# A textfile that cannot be written does not stop the watch; it is reported once.
run watch --root "$root" --drop-dir Fax --interval 0 --count 3 --textfile "$T/none/x.prom"; expect_rc 0 "watch goes on"
[ "$(grep -c 'cannot write --textfile' "$ERR")" -eq 1 ] || fail "one message for a streak of textfile failures"
run check --root "$root" --drop-dir Fax --textfile "$T/prom/x.txt"; expect_rc 0 "a name the collector ignores"
expect_err "reads only \*.prom" "warning about the name"

# The alerting rules shipped for these metrics: valid, unit-tested, and naming only metrics that exist.
rules="$top_srcdir/data/dropwatch-alerts.rules.yml"
checks=$((checks + 1))
promtool check rules "$rules" >"$T/promtool.out" 2>&1 || { cat "$T/promtool.out" >&2; fail "promtool check rules"; }
checks=$((checks + 1))
(cd "$top_srcdir/tests/monitoring" && promtool test rules rules_test.yml) >"$T/promtool.out" 2>&1 \
    || { cat "$T/promtool.out" >&2; fail "promtool test rules"; }
for n in $(grep -o 'dropwatch_[a-z_]*' "$rules" | sort -u); do
    checks=$((checks + 1))
    grep -q "^$n[{ ]" "$T/prom/dropwatch.prom" || fail "the rules name $n, which watch does not write"
done

# Where the metrics formats do not apply.
run watch --root "$root" --drop-dir Fax --format prometheus; expect_usage "watch --format prometheus"
run --format openmetrics watch --root "$root" --drop-dir Fax; expect_usage "global --format openmetrics before watch"
run deliver --root "$root" --drop-dir Fax --format openmetrics; expect_usage "deliver --format openmetrics"
run sweep --root "$root" --drop-dir Fax --textfile "$T/x.prom"; expect_usage "sweep --textfile"
run check --root "$root" --drop-dir Fax --textfile ''; expect_usage "empty --textfile"
run check --root "$root" --drop-dir Fax --format yaml; expect_usage "unknown format"
expect_err "prometheus, openmetrics" "the message names the metrics formats"

finish
