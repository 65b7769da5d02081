#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch eventlog install|uninstall, alert --eventlog and watch --eventlog. Windows (the Windows stage:
# dropwatch.exe under Wine): the registry values are read back with Wine's reg.exe and ReportEventW
# succeeds. Elsewhere: exit 69 (no Windows Event Log) with a clear message.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run eventlog; expect_usage "no action"
run eventlog frobnicate; expect_usage "unknown action"
run eventlog uninstall --message-file x.dll; expect_usage "--message-file with uninstall"
run eventlog install --source 'a\b'; expect_rc 64 "a source name with a backslash"

if [ -z "${DW_WINDOWS:-}" ]; then
    run eventlog install; expect_rc 69 "install without an event log"
    expect_err "not available on this platform" "install says why"
    run eventlog uninstall --source Other; expect_rc 69 "uninstall without an event log"
    run alert --errno ENOSPC --connector Fax --eventlog; expect_rc 69 "alert --eventlog without an event log"
    expect_out "8004" "the record is still printed"
    expect_err "not available on this platform" "alert --eventlog says why"
    mkdir -p "$T/root"
    run watch --root "$T/root" --drop-dir Gone --interval 0 --count 1 --eventlog; expect_rc 69 "watch --eventlog"
    finish
fi

reg() { # reg query under Wine, the registry the program wrote
    checks=$((checks + 1))
    wine reg "$@" >"$OUT" 2>"$ERR"
    rc=$?
}
key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\DropWatchCli'
run eventlog install --source DropWatchCli --message-file 'C:\dropwatch\dropwatch-messages.dll'
expect_rc 0 "install"
expect_out "installed" "install reports"
reg query "$key" /v EventMessageFile; expect_rc 0 "reg query EventMessageFile"
expect_out 'REG_EXPAND_SZ.*C:\\dropwatch\\dropwatch-messages.dll' "EventMessageFile value"
reg query "$key" /v CategoryMessageFile; expect_rc 0 "reg query CategoryMessageFile"
expect_out 'dropwatch-messages.dll' "CategoryMessageFile value"
reg query "$key" /v CategoryCount; expect_rc 0 "reg query CategoryCount"
expect_out 'REG_DWORD.*0x7' "CategoryCount value"
# the default message file: beside dropwatch.exe
run eventlog install; expect_rc 0 "install the default source"
expect_out 'DropWatch.*dropwatch-messages.dll' "default source and message file"
run alert --errno ENOSPC --connector Fax --drop-path 'C:\Drop\Fax' --eventlog --source DropWatchCli
expect_rc 0 "alert --eventlog (ReportEventW succeeds)"
expect_out "8004" "alert --eventlog still prints the record"
mkdir -p "$T/root"
run --event auto watch --root "$T/root" --drop-dir Gone --interval 0 --count 1 --eventlog --source DropWatchCli
expect_rc 78 "watch --eventlog: the failing probe's status"
expect_out "8008" "watch --eventlog prints the alert"
run eventlog uninstall --source DropWatchCli; expect_rc 0 "uninstall"
reg query "$key"; [ "$rc" -ne 0 ] || fail "the key is gone after uninstall"
run eventlog uninstall --source DropWatchCli; expect_rc 71 "uninstall twice: the registry's error"
expect_err "ERROR_FILE_NOT_FOUND|Win32 code 2" "uninstall twice names the code"
run eventlog uninstall; expect_rc 0 "uninstall the default source"
finish
