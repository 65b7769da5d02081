#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch alert: records from given fields in every format, event selection, bad arguments.
. "${top_srcdir:-.}/tests/cli/lib.sh"

set -- --connector "Fax Connector" --drop-path 'D:\Drops\Fax Connector' --computer HUB01 \
    --time 2026-11-25T04:30:00.123Z --record-id 77
run alert "$@" --errno EIO --op fsync; expect_rc 0 "text"
expect_out "8004" "event id"
expect_out "Fax Connector" "connector"
expect_out 'D:\\Drops\\Fax Connector' "drop path"
expect_out "HUB01" "computer"
expect_empty_err "text"
cp "$OUT" "$T/first"
run alert "$@" --errno 5 --op fsync; expect_rc 0 "errno by number"
cmp -s "$OUT" "$T/first" || fail "a fixed time makes the record deterministic; EIO and 5 agree"

run --format xml alert "$@" --errno ENOSPC --op write; expect_rc 0 "xml"
expect_xml "xml record"
expect_out "<EventID[^>]*>8004</EventID>" "xml EventID"
expect_out "<Computer>HUB01</Computer>" "xml Computer"
expect_out "2026-11-25T04:30:00.123" "xml time"
expect_out "<EventRecordID>77</EventRecordID>" "xml record id"

run --format json alert "$@" --win32 ERROR_DISK_FULL; expect_rc 0 "json with a Win32 name"
expect_json "json record" '
a = recs[0]
assert len(recs) == 1 and a["winlog"]["event_id"] == "8004" and a["host"]["name"] == "HUB01"
assert a["winlog"]["event_data"]["param1"] == "Fax Connector"
assert a["winlog"]["event_data"]["param2"] == "D:\\Drops\\Fax Connector"
assert a["dropwatch"]["class"] == "capacity" and a["@timestamp"] == "2026-11-25T04:30:00.123Z"'
run --format json alert "$@" --win32 0x70; expect_rc 0 "Win32 in hex"
cp "$OUT" "$T/hex"
run --format json alert "$@" --win32 112; expect_rc 0 "Win32 in decimal"
cmp -s "$OUT" "$T/hex" || fail "0x70 and 112 are the same code"
run --format json alert "$@" --win32 error_disk_full; expect_rc 0 "Win32 name in lower case"
cmp -s "$OUT" "$T/hex" || fail "names are looked up in any case (dw_win32_from_name after folding)"
run alert "$@" --errno eio --op fsync; expect_rc 0 "errno name in lower case"
cmp -s "$OUT" "$T/first" || fail "eio and EIO agree"

run --format syslog alert "$@" --errno EACCES --facility 4 --app-name gw; expect_rc 0 "syslog"
expect_syslog "syslog record"
expect_out "^<3[0-9]>1 " "facility 4 gives PRI 32..39"
expect_out " gw " "APP-NAME"

# Event selection: auto picks what Exchange would log.
run --event auto alert "$@" --errno ENOENT --op open-dir; expect_rc 0 "auto, missing directory"
expect_out "8008" "ENOENT is 8008"
run --event auto alert "$@" --errno EACCES --op create; expect_rc 0 "auto, access"
expect_out "8009" "EACCES is 8009"
run --event auto alert "$@" --errno EIO; expect_rc 0 "auto, I/O"
expect_out "8004" "EIO stays 8004"
run alert --event auto "$@" --errno ENOENT --op open-dir; expect_rc 0 "--event after the command"
expect_out "8008" "--event after the command"

# Hostile field values stay inside their fields.
run --format json alert --connector "$(printf 'a"\nb\\')" --errno EIO; expect_rc 0 "hostile connector"
expect_json "escaped connector" 'assert len(recs) == 1'
run --format xml alert --connector '</Data><x>' --errno EIO; expect_rc 0 "xml hostile"
expect_xml "xml with markup in a field"

# Bad arguments.
run alert --connector X; expect_usage "no errno nor Win32 code"
run alert --errno ENOTANERRNO; expect_usage "unknown errno name"
run alert --errno 0; expect_usage "errno 0"
run alert --win32 ERROR_NOPE; expect_usage "unknown Win32 name"
run alert --errno " EIO"; expect_usage "errno name with a space"
run alert --errno ERROR_DISK_FULL; expect_usage "a Win32 name is no errno name"
run alert --win32 ENOSPC; expect_usage "an errno name is no Win32 name"
run alert --errno "$(printf 'E%0100d' 0)"; expect_usage "overlong errno name"
run alert --errno EIO --op spin; expect_usage "unknown op"
run alert --errno EIO --time yesterday; expect_usage "bad time"
run alert --errno EIO --time 2026-02-30T00:00:00Z; expect_usage "impossible date"
run alert --errno EIO --time 2026-11-25T04:30:00+01:00; expect_usage "local time refused"
run alert --errno EIO --facility 24; expect_usage "facility out of range"
run alert --errno EIO --record-id -1; expect_usage "negative record id"
run alert --errno EIO extra; expect_usage "extra argument"

finish
