#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch validate: one verdict, reason code and message per value; exit 65 when any is invalid.
. "${top_srcdir:-.}/tests/cli/lib.sh"
tab=$(printf '\t')

run validate "Fax Connector"; expect_rc 0 "a valid value"
expect_out "^valid${tab}DW_REASON_OK${tab}Fax Connector${tab}" "valid verdict line"

run validate 'Fax\Out'; expect_rc 65 "a separator"
expect_out "^invalid${tab}DW_REASON_SEPARATOR${tab}Fax\\\\Out${tab}.*byte 3" "separator verdict with offset"

# Each value gets its own line, in order; one bad value makes the status 65.
run validate Good .. CON 'C:\x' 'Fax.' 'a:b' 'Fine-2'; expect_rc 65 "mixed values"
[ "$(wc -l <"$OUT")" -eq 7 ] || fail "one line per value"
expect_out "^invalid${tab}DW_REASON_DOT_NAME${tab}\.\.${tab}" "dot name"
expect_out "^invalid${tab}DW_REASON_RESERVED_NAME${tab}CON${tab}" "reserved name"
expect_out "^invalid${tab}DW_REASON_TRAILING_DOT${tab}Fax\.${tab}" "trailing dot"
expect_out "^valid${tab}DW_REASON_OK${tab}Fine-2${tab}" "last value still judged"
[ "$(grep -c '^valid' "$OUT")" -eq 2 ] || fail "exactly two valid values"

# The empty string is a value too, and is invalid.
run validate ""; expect_rc 65 "empty value"
expect_out "DW_REASON_EMPTY" "empty value reason"

# Control characters and invalid UTF-8 are escaped in the text output, never written raw.
run validate "$(printf 'a\tb')"; expect_rc 65 "control character"
expect_out 'a\\tb' "tab shown escaped"
if posix_only "invalid UTF-8 in an argument (Windows arguments are UTF-16)"; then
    run validate "$(printf 'ab\377')"; expect_rc 65 "invalid UTF-8"
    expect_out 'DW_REASON_INVALID_UTF8' "invalid UTF-8 reason"
    expect_out 'ab\\xFF' "invalid byte shown escaped"
fi

# --stdin: one value per line; an embedded NUL is reported, not truncated.
printf 'Fax\nbad/name\nOK2\n' >"$T/values"
run_in "$T/values" validate --stdin; expect_rc 65 "--stdin with a bad line"
[ "$(wc -l <"$OUT")" -eq 3 ] || fail "--stdin: one line per input line"
expect_out "^invalid${tab}DW_REASON_SEPARATOR${tab}bad/name" "--stdin separator"
printf 'ab\000cd\n' >"$T/nul"
run_in "$T/nul" validate --stdin; expect_rc 65 "embedded NUL"
expect_out "DW_REASON_EMBEDDED_NUL" "embedded NUL reason"
printf 'Fax\nFax2\n' >"$T/good"
run_in "$T/good" validate --stdin; expect_rc 0 "--stdin all valid"

# Formats.
run --format json validate Fax 'C:\x'; expect_rc 65 "json"
expect_json "validate json" '
assert len(recs) == 2
assert recs[0]["verdict"] == "valid" and recs[0]["value"] == "Fax" and recs[0]["reason"] == "DW_REASON_OK"
assert recs[1]["verdict"] == "invalid" and recs[1]["value"] == "C:\\x"
assert recs[1]["reason"] in ("DW_REASON_DRIVE", "DW_REASON_SEPARATOR", "DW_REASON_FORBIDDEN_CHAR")'
if posix_only "invalid UTF-8 in an argument (Windows arguments are UTF-16)"; then
    run --format json validate "$(printf 'x\377y')" '"quoted"'; expect_rc 65 "json escaping"
    expect_json "json with invalid UTF-8 and quotes" '
assert recs[0]["value"] == "x\ufffdy"
assert recs[1]["value"] == "\"quoted\""'
fi
run --format xml validate 'a<b&c' Fax; expect_rc 65 "xml"
expect_xml "validate xml"
run --format syslog validate Fax 'x]"\'; expect_rc 65 "syslog"
expect_syslog "validate syslog"
expect_out 'value="x\\]\\"\\\\"' "syslog structured-data escaping"

# Usage errors.
run validate; expect_usage "no value"
run validate --stdin Fax; expect_usage "--stdin and arguments"

finish
