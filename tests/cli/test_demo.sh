#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch demo: the README's main job runs its whole story, cleans up, and --keep keeps it.
. "${top_srcdir:-.}/tests/cli/lib.sh"

demo_tmp="$T/tmp"
mkdir -p "$demo_tmp"
checks=$((checks + 1))
TMPDIR="$demo_tmp" "$DW" demo >"$OUT" 2>"$ERR"; rc=$?
expect_rc 0 "demo"
expect_empty_err "demo"
expect_out "every step behaved as expected" "the story ran as expected"
expect_out 'C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector' "Windows form of the path"
expect_out "$demo_tmp/dropwatch-demo\.[^/]+/Exchange/Fax Connector" "POSIX form used here"
expect_out "^invalid +DW_REASON_RESERVED_NAME" "a bad value is rejected"
expect_out "^valid +DW_REASON_OK" "a good value is accepted"
[ "$(grep -c '^delivered ' "$OUT")" -eq 3 ] || fail "three messages delivered"
expect_out "8004" "the 8004 alert"
expect_out "8008" "the missing-directory event in auto mode"
[ -z "$(ls "$demo_tmp")" ] || fail "the demo folder is removed"

checks=$((checks + 1))
TMPDIR="$demo_tmp" "$DW" demo --keep --format json >"$OUT" 2>"$ERR"; rc=$?
expect_rc 0 "demo --keep --format json"
kept=$(ls -d "$demo_tmp"/dropwatch-demo.* 2>/dev/null)
[ -n "$kept" ] && [ -f "$kept/demo.conf" ] || fail "--keep keeps the folder with demo.conf"
grep '^{' "$OUT" >"$T/json" && mv "$T/json" "$OUT"
expect_json "json records of the demo" '
assert any(r.get("record") == "health" for r in recs)'
# The kept configuration works with the other commands: its drop directory was removed by the story.
run --config "$kept/demo.conf" check; expect_rc 78 "check of the kept demo"
run --config "$kept/demo.conf" resolve; expect_rc 0 "resolve of the kept demo"
[ "$(cat "$OUT")" = "$kept/Exchange/Fax Connector" ] || fail "kept demo path"

run demo extra; expect_usage "demo takes no argument"
run --config /dev/null demo; expect_usage "demo refuses --config"

finish
