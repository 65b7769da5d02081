#!/bin/sh
# SPDX-License-Identifier: MIT
# The configuration file: strict parsing with line-numbered errors (exit 78), missing file (66).
. "${top_srcdir:-.}/tests/cli/lib.sh"

conf="$T/c.conf"
# bad_config LINE DESCRIPTION PATTERN: the file in $conf must fail at LINE with PATTERN.
bad_config() {
    run --config "$conf" resolve
    expect_rc 78 "$2"
    expect_err "$conf:$1: .*$3" "$2 (line $1)"
    [ -s "$OUT" ] && fail "$2: nothing on stdout"
}

printf '[server]\nRootDropDirectoryPath = /srv\nRootDropDirectorypath = /x\n[connector A]\n' >"$conf"
bad_config 3 "duplicate key (case-insensitive)" "duplicate key"
printf '[server]\nRoot = /srv\n[connector A]\n' >"$conf"
bad_config 2 "unknown key" "unknown key 'Root'"
printf '# c\nRootDropDirectoryPath = /srv\n[connector A]\n' >"$conf"
bad_config 2 "key outside a section" "outside"
printf '[server]\n[servers]\n' >"$conf"
bad_config 2 "unknown section" "unknown section"
printf '[connector A]\n[connector a]\n' >"$conf"
bad_config 2 "duplicate connector" "duplicate connector"
printf '[connector]\n' >"$conf"
bad_config 1 "connector without a name" "needs a name"
printf '[connector A\n' >"$conf"
bad_config 1 "unterminated header" "without '\]'"
printf '[connector A] trailing\n' >"$conf"
bad_config 1 "text after the header" "unexpected text"
printf '[connector A]\nDropDirectoryQuota = ten megabytes\n' >"$conf"
bad_config 2 "bad quota" "DropDirectoryQuota"
printf '[server]\nExchangeVersion = 2003\n[connector A]\n' >"$conf"
bad_config 2 "bad version" "ExchangeVersion"
printf '[server]\nPathStyle = mac\n[connector A]\n' >"$conf"
bad_config 2 "bad style" "PathStyle"
printf '[connector A]\nDropDirectory = "Fax\n' >"$conf"
bad_config 2 "unterminated quote" "quote"
printf '[connector A]\njust text\n' >"$conf"
bad_config 2 "line without =" "expected 'Key = value'"
printf '[connector A]\nDropDirectory = caf\351\n' >"$conf"
bad_config 2 "invalid UTF-8" "UTF-8"
printf '[connector A]\nDropDirectory = a\000b\n' >"$conf"
bad_config 2 "NUL byte" "NUL"
printf '[connector A]\nDropDirectory = x\n[server]\nServer = y\n[server]\n' >"$conf"
run --config "$conf" resolve; expect_rc 78 "several errors"
expect_err "$conf:4: " "first error reported"
expect_err "$conf:5: .*duplicate \[server\]" "second error reported too"

printf '# only comments\n; and more\n\n[server]\nRootDropDirectoryPath = /srv\n' >"$conf"
run --config "$conf" check; expect_rc 78 "no connector"
expect_err "describes no connector" "no connector explained"
run --config "$T/missing.conf" check; expect_rc 66 "missing configuration file"
expect_err "cannot open configuration file" "missing file explained"

# Accepted forms: CRLF line ends, comments, blank root meaning the install folder, quotes keeping blanks.
printf '# demo\r\n[server]\r\nRootDropDirectoryPath =\r\nExchangeVersion = 2010\r\nComputerName = HUB01\r\n\r\n[connector "Fax Connector"]\r\n  dropdirectory   =   Fax  \r\nDropDirectoryQuota = 10 MB (10,485,760 bytes)\r\n' >"$conf"
run --config "$conf" resolve; expect_rc 0 "CRLF file, quoted connector name, key case"
[ "$(cat "$OUT")" = 'C:\Program Files\Microsoft\Exchange Server\V14\Fax' ] || fail "blank root with 2010: '$(cat "$OUT")'"
printf '[connector A]\nDropDirectory = "Fax "\n' >"$conf"
run --config "$conf" --format json resolve; expect_rc 65 "quoted trailing space kept, then rejected"
expect_json "trailing space" 'assert recs[0]["drop_dir"] == "Fax " and recs[0]["reason"] == "DW_REASON_TRAILING_SPACE"'

# The shipped example configuration parses.
run --config "$top_srcdir/doc/demo.conf" resolve; expect_rc 0 "doc/demo.conf"
[ "$(wc -l <"$OUT")" -ge 2 ] || fail "doc/demo.conf has several connectors"

finish
