#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch check and sweep: health reports, alerts for failing connectors, config coverage, formats.
. "${top_srcdir:-.}/tests/cli/lib.sh"

root="$T/root"
mkdir -p "$root/Fax" "$root/X400"

run check --root "$root" --drop-dir Fax; expect_rc 0 "healthy"
expect_out "^status +healthy" "status line"
expect_out "^writable +yes" "canary write succeeded"
[ "$(count_eml "$root/Fax")" -eq 0 ] || fail "the canary is removed"
[ "$(count_tmp "$root/Fax")" -eq 0 ] || fail "no canary temporary left"
expect_no_out "MSExchangeTransport" "no alert when healthy"

run check --root "$root" --drop-dir Missing; expect_rc 78 "missing directory"
expect_out "^status +failed" "failed report"
expect_out "^exists +no" "exists: no"
expect_out "MSExchangeTransport 8008:" "alert for the failing connector (8008: missing directory)"
expect_err "; configuration:" "stderr names the class"

run check --root "$root" --drop-dir Fax --inject create:EACCES; expect_rc 77 "canary refused"
expect_out "^writable +no" "not writable"

# A configuration covers every connector; the first failure decides the status.
cat >"$T/c.conf" <<CONF
[server]
RootDropDirectoryPath = $root
ComputerName = HUB01
[connector Fax]
DropDirectoryQuota = 10 MB (10,485,760 bytes)
[connector X400]
[connector Gone]
[connector Bad]
DropDirectory = ..
CONF
run --config "$T/c.conf" check; expect_rc 78 "one connector missing"
[ "$(grep -c '^connector ' "$OUT")" -eq 4 ] || fail "a report per connector"
[ "$(grep -Ec '^status +healthy' "$OUT")" -eq 2 ] || fail "two healthy"
expect_out "HUB01" "the alert carries ComputerName"
run --config "$T/c.conf" --format json check; expect_rc 78 "json"
expect_json "check json" '
health = [r for r in recs if r.get("record") == "health"]
assert [h["connector"] for h in health] == ["Fax", "X400", "Gone", "Bad"], health
assert health[0]["status"] == "healthy" and health[0]["writable"] is True and health[0]["free_bytes"] > 0
assert health[0]["quota"].startswith("10 MB")
assert health[2]["status"] == "failed" and health[2]["class"] == "configuration"
assert health[3]["status"] == "failed"
assert len(recs) == 6, len(recs)  # four reports and two alerts'
run --config "$T/c.conf" --format xml check; expect_rc 78 "xml"
expect_xml "check xml"
run --config "$T/c.conf" --format syslog check; expect_rc 78 "syslog"
expect_syslog "check syslog"
run --config "$T/c.conf" check --connector x400; expect_rc 0 "one connector of the file"
run -v --config "$T/c.conf" check; expect_rc 78 "summary"
expect_err "4 connector\(s\), 2 healthy, 2 failing" "summary line"

# sweep removes stale temporary files only.
touch "$root/Fax/.dwtmp-crashed.tmp" "$root/Fax/keep.eml" "$root/Fax/.dwtmp-fresh.tmp"
touch -d '2 hours ago' "$root/Fax/.dwtmp-crashed.tmp" "$root/Fax/keep.eml"
run check --root "$root" --drop-dir Fax; expect_rc 0 "check counts stale temporaries"
expect_out "^stale_temp_files +1$" "one stale temporary"
run sweep --root "$root" --drop-dir Fax; expect_rc 0 "sweep"
expect_out "^removed +1$" "one removed"
[ -e "$root/Fax/.dwtmp-crashed.tmp" ] && fail "stale temporary removed"
[ -e "$root/Fax/.dwtmp-fresh.tmp" ] || fail "fresh temporary kept"
[ -e "$root/Fax/keep.eml" ] || fail "messages are never swept"
touch -d '1 minute ago' "$root/Fax/.dwtmp-fresh.tmp"
run sweep --root "$root" --drop-dir Fax --max-age 30; expect_rc 0 "sweep --max-age 30"
expect_out "^removed +1$" "--max-age 30 removes a minute-old temporary"
[ -e "$root/Fax/.dwtmp-fresh.tmp" ] && fail "--max-age 30 removes a minute-old temporary"
run sweep --root "$root" --drop-dir Missing; expect_rc 78 "sweep of a missing directory"
expect_out "MSExchangeTransport 8008:" "sweep alert"
run sweep --root "$root" --drop-dir Fax --max-age soon; expect_usage "bad --max-age"
run check --root "$root" --drop-dir Fax --stale-age -1; expect_usage "bad --stale-age"
run check --root "$root" --drop-dir Fax extra; expect_usage "unexpected argument"

finish
