#!/bin/sh
# SPDX-License-Identifier: MIT
# dropwatch resolve: strict resolution, version-aware defaults, --explain, formats, exit codes.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run resolve --root /srv/exchange --drop-dir Fax; expect_rc 0 "POSIX root"
[ "$(cat "$OUT")" = "/srv/exchange/Fax" ] || fail "POSIX join: got '$(cat "$OUT")'"
run resolve --root /srv/exchange/ Fax; expect_rc 0 "DropDirectory as the argument, trailing slash on root"
[ "$(cat "$OUT")" = "/srv/exchange/Fax" ] || fail "one separator: got '$(cat "$OUT")'"
run resolve --root 'D:\Exchange Drops' --drop-dir 'Fax Connector'; expect_rc 0 "Windows root"
[ "$(cat "$OUT")" = 'D:\Exchange Drops\Fax Connector' ] || fail "Windows join: got '$(cat "$OUT")'"
run resolve --root 'D:/Drops//In' --drop-dir Fax; expect_rc 0 "Windows root with slashes"
[ "$(cat "$OUT")" = 'D:\Drops\In\Fax' ] || fail "slashes normalised: got '$(cat "$OUT")'"

# Blank root: the install folder of the selected Exchange version (2007 by default).
base='C:\Program Files\Microsoft\Exchange Server'
run resolve --drop-dir Fax; expect_rc 0 "blank root"
[ "$(cat "$OUT")" = "$base\\Fax" ] || fail "2007 default: got '$(cat "$OUT")'"
run resolve --root '' --exchange-version 2010 --drop-dir Fax; expect_rc 0 "2010"
[ "$(cat "$OUT")" = "$base\\V14\\Fax" ] || fail "2010 default: got '$(cat "$OUT")'"
run resolve --exchange-version 2013 --drop-dir Fax; expect_rc 0 "2013"
[ "$(cat "$OUT")" = "$base\\V15\\Fax" ] || fail "2013 default: got '$(cat "$OUT")'"
run resolve --exchange-version 2019 --drop-dir Fax; expect_rc 0 "2019 is V15"
[ "$(cat "$OUT")" = "$base\\V15\\Fax" ] || fail "2019 default: got '$(cat "$OUT")'"
run resolve --install-dir 'E:\Exchange\' --drop-dir Fax; expect_rc 0 "--install-dir"
[ "$(cat "$OUT")" = 'E:\Exchange\Fax' ] || fail "--install-dir: got '$(cat "$OUT")'"
run resolve --exchange-version 2003 --drop-dir Fax; expect_usage "unknown Exchange version"
run resolve --style mac --drop-dir Fax; expect_usage "unknown style"

# Strict failures: exit 65 with the reason on stderr, nothing on stdout.
run resolve --root /srv/x --drop-dir '..'; expect_rc 65 "dot name"
expect_err "DropDirectory" "the failing input is named"
expect_err "DW_REASON_DOT_NAME" "the reason code is named"
[ -s "$OUT" ] && fail "nothing on stdout for a failed resolution"
run resolve --root 'relative\dir' --drop-dir Fax; expect_rc 65 "relative root"
expect_err "RootDropDirectoryPath" "root problems name the root"
run resolve --root /srv/x --drop-dir 'E:\Elsewhere'; expect_rc 65 "absolute DropDirectory"
run resolve; expect_usage "nothing to resolve"
run resolve --root /x a b; expect_usage "two DropDirectory values"
run resolve --root /x --quota 10MB a; expect_usage "--quota means nothing to resolve"

# --explain: Exchange's Path.Combine result next to the strict one, with warnings.
run resolve --explain --root 'D:\Exchange Drops' --drop-dir 'E:\Elsewhere'; expect_rc 65 "explain, root replaced"
expect_out '^exchange_path +E:\\Elsewhere$' "Exchange writes where the absolute value points"
expect_out '^status +invalid' "strict resolution rejected"
expect_out '^warning ' "at least one warning line"
run --format json resolve --explain --root 'D:\Exchange Drops' --drop-dir 'E:\Elsewhere'; expect_rc 65 "explain json"
expect_json "explain json" '
r = recs[0]
assert r["record"] == "explain" and r["exchange_path"] == "E:\\Elsewhere", r
assert "root-replaced" in r["warnings"].split(","), r["warnings"]
assert r["same"] is False and r["status"] == "invalid"'
run --format json resolve --explain --root 'D:\Drops' --drop-dir '..\Windows'; expect_rc 65 "explain parent escape"
expect_json "explain .." '
r = recs[0]
assert r["exchange_path"] == "D:\\Drops\\..\\Windows", r["exchange_path"]
assert "parent-escape" in r["warnings"].split(","), r["warnings"]'
run --format json resolve --explain --root 'D:\Drops' --drop-dir 'Fax'; expect_rc 0 "explain, no difference"
expect_json "explain agrees" '
r = recs[0]
assert r["exchange_path"] == r["path"] == "D:\\Drops\\Fax" and r["same"] is True and r["warnings"] == ""'
run --format xml resolve --explain --root 'D:\Drops' --drop-dir 'a<b>'; expect_rc 65 "explain xml"
expect_xml "explain xml"
run --format syslog resolve --root /srv --drop-dir Fax; expect_rc 0 "syslog"
expect_syslog "resolve syslog"

# A configuration file resolves every connector, one "name<TAB>path" line each.
cat >"$T/two.conf" <<'CONF'
[server]
RootDropDirectoryPath = /srv/drops
[connector Fax]
[connector X400 Gateway]
DropDirectory = X400
CONF
run --config "$T/two.conf" resolve; expect_rc 0 "config, all connectors"
[ "$(wc -l <"$OUT")" -eq 2 ] || fail "two connectors, two lines"
expect_out "^Fax	/srv/drops/Fax$" "DropDirectory defaults to the connector name"
expect_out "^X400 Gateway	/srv/drops/X400$" "explicit DropDirectory"
run resolve --config "$T/two.conf" --connector 'x400 gateway'; expect_rc 0 "--connector picks one, case-insensitively"
[ "$(cat "$OUT")" = "/srv/drops/X400" ] || fail "one connector, the path alone"
run resolve --config "$T/two.conf" --connector Nope; expect_rc 78 "unknown connector"
expect_err "no connector 'Nope'" "unknown connector named"
run resolve --config "$T/two.conf" --root /other --drop-dir Y; expect_rc 0 "command line overrides the file"
[ "$(cat "$OUT")" = "/other/Y" ] || fail "override: got '$(cat "$OUT")'"

# An empty DropDirectory: Exchange writes nothing and logs 8008; explain shows no drop path.
run resolve --explain --root 'D:\Exchange' --drop-dir ''; expect_rc 65 "empty DropDirectory"
expect_out "^exchange_path +$" "no drop path for an empty DropDirectory"
expect_out "^exchange_event +8008$" "explain names event 8008"
expect_out "Exchange writes nothing and logs event 8008" "explain says so"
mkdir -p "$T/r"
run check --root "$T/r" --drop-dir ''; expect_rc 78 "check with an empty DropDirectory"
expect_out "MSExchangeTransport 8008:" "the alert is 8008"
# The 8007 estimate: the longest file name Exchange generates for the machine, with the numbers.
long=$(printf 'x%.0s' $(seq 1 205))
run resolve --explain --root "D:\\$long" --drop-dir Fax --computer HUB01; expect_rc 65 "long path"
expect_out "^longest_file_name +52$" "HUB01: 5 + 47 characters"
expect_out "^exchange_path_units +212$" "D:\\ + 205 + \\Fax"
expect_out "^longest_full_path +265$" "212 + 1 + 52, over the 259 of max_path"
expect_out "^max_path +259$" "the limit is printed"
run --format json deliver --root "D:\\$long" --drop-dir Fax --computer HUB01 /dev/null; expect_rc 78 "deliver to a too long path"
expect_out '"event_id":"8007"' "the alert is 8007"
expect_out "may exceed MAX_PATH: drop path 212 \\+ 1 \\+ longest file name 52 = 265" "the alert says may exceed, with the numbers"
run resolve --explain --root "D:\\$long" --drop-dir Fax --computer HUB01234567890123; expect_rc 65 "long machine name"
expect_out "^longest_file_name +62$" "NetBIOS names stop at 15 characters"
expect_out "^exchange_event +8007$" "a path that may be too long is 8007"

finish
