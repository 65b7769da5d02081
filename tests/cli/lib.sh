# SPDX-License-Identifier: MIT
# Helpers sourced by the tests/cli/test_*.sh scripts (POSIX sh). They drive the freshly built
# src/dropwatch; the harness exports top_builddir, top_srcdir, PYTHON and LD_LIBRARY_PATH.
set -u

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
# DW may name another runner of the same program (the Windows stage runs dropwatch.exe under Wine).
: "${DW:=$top_builddir/src/dropwatch}"
# Python with only the standard library is enough for the JSON and email checks.
: "${PYTHON:=python3}"

failures=0
checks=0
T=$(mktemp -d "${TMPDIR:-/tmp}/dwcli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
OUT="$T/stdout"
ERR="$T/stderr"

fail() {
    failures=$((failures + 1))
    echo "FAIL: $*" >&2
    echo "--- stdout:" >&2; sed -n '1,40p' "$OUT" >&2 2>/dev/null
    echo "--- stderr:" >&2; sed -n '1,20p' "$ERR" >&2 2>/dev/null
}

# run CMD...: runs dropwatch with the arguments, stdout/stderr to $OUT/$ERR, status in $rc.
run() {
    checks=$((checks + 1))
    "$DW" "$@" >"$OUT" 2>"$ERR"
    rc=$?
}

# run_in FILE CMD...: same with standard input from FILE.
run_in() {
    checks=$((checks + 1))
    _in=$1; shift
    "$DW" "$@" <"$_in" >"$OUT" 2>"$ERR"
    rc=$?
}

expect_rc() { # expect_rc N DESCRIPTION
    [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1"
}
expect_out() { # expect_out PATTERN DESCRIPTION (grep -E on stdout)
    grep -Eq -- "$1" "$OUT" || fail "$2: stdout lacks /$1/"
}
expect_no_out() {
    grep -Eq -- "$1" "$OUT" && fail "$2: stdout has /$1/"
    return 0
}
expect_err() {
    grep -Eq -- "$1" "$ERR" || fail "$2: stderr lacks /$1/"
}
expect_empty_err() {
    [ ! -s "$ERR" ] || fail "$2: stderr not empty"
}
expect_usage() { # a usage error: exit 64, a message and the --help hint on stderr, nothing on stdout
    expect_rc 64 "$1"
    expect_err "Try 'dropwatch" "$1"
    [ ! -s "$OUT" ] || fail "$1: stdout not empty on a usage error"
}
# Every line of stdout is one JSON object (JSON Lines); extra Python asserts on the list `recs`.
expect_json() { # expect_json DESCRIPTION [PYTHON-ASSERTIONS]
    "$PYTHON" -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert recs, "no record"
exec(sys.argv[2])
' "$OUT" "${2:-pass}" 2>>"$ERR" || fail "$1: JSON check failed"
}
# stdout is well-formed XML: one document, or a sequence of top-level elements (wrapped for the check).
expect_xml() {
    if command -v xmllint >/dev/null 2>&1; then
        { echo '<stream>'; grep -v '^<?xml' "$OUT"; echo '</stream>'; } | xmllint --noout - 2>>"$ERR" \
            || fail "$1: not well-formed XML"
    else
        "$PYTHON" -c 'import sys, xml.dom.minidom as m; m.parseString("<stream>" + "".join(l for l in open(sys.argv[1], encoding="utf-8") if not l.startswith("<?xml")) + "</stream>")' "$OUT" \
            2>>"$ERR" || fail "$1: not well-formed XML"
    fi
}
# Every line of stdout is an RFC 5424 line: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD...
expect_syslog() {
    grep -Evq '^<[0-9]{1,3}>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z [^ ]+ [^ ]+ [^ ]+ [^ ]+ ' "$OUT" \
        && fail "$1: a line is not RFC 5424"
    [ -s "$OUT" ] || fail "$1: no syslog line"
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; returns 1 when SECONDS pass
# without success. Tests wait for the evidence they need this way, never for a guessed time.
wait_until() {
    _wait_polls=$(($1 * 10))
    shift
    until "$@"; do
        _wait_polls=$((_wait_polls - 1))
        [ "$_wait_polls" -ge 0 ] || return 1
        sleep 0.1
    done
}

count_eml() { # count_eml DIR: number of final *.eml files
    find "$1" -maxdepth 1 -type f -name '*.eml' ! -name '.*' | wc -l | tr -d ' '
}
count_tmp() {
    find "$1" -maxdepth 1 -name '.dwtmp-*' | wc -l | tr -d ' '
}

# The Windows stage runs these scripts against dropwatch.exe under Wine (DW_WINDOWS=1). A check of what
# Windows cannot express (raw bytes in arguments, which are UTF-16 there; POSIX signals; errno values its
# C runtime lacks; a pty) is reported as not applicable there, never silently dropped:
#   if posix_only "REASON"; then ...checks...; fi
na=0
posix_only() {
    [ -z "${DW_WINDOWS:-}" ] && return 0
    na=$((na + 1))
    echo "not applicable on Windows: $*"
    return 1
}

# cli_program: prints the dropwatch program itself, not libtool's wrapper script (--disable-static-cli links
# the shared libdropwatch, and src/dropwatch is then a script in front of src/.libs/dropwatch).
cli_program() {
    _p="$top_builddir/src/dropwatch"
    [ "$(od -An -c -N4 "$_p" 2>/dev/null | tr -d ' ')" = '177ELF' ] || _p="$top_builddir/src/.libs/dropwatch"
    printf '%s\n' "$_p"
}

# has_interp FILE: the ELF program asks for a dynamic loader (a static PIE does not).
has_interp() { "${READELF:-readelf}" -lW "$1" 2>/dev/null | grep -q '^ *INTERP'; }

# memcheck_program: prints the dropwatch program valgrind should run: cli_program, or for a static PIE (the
# default build), whose own allocator valgrind cannot replace (leaks would go unseen), the same objects
# linked against the shared C library, which src/local.mk builds beside it. Fails when that copy is missing.
memcheck_program() {
    _p=$(cli_program)
    if ! has_interp "$_p"; then
        _p="$top_builddir/src/dropwatch-shared-libc"
        [ -x "$_p" ] || { echo "src/dropwatch is static and src/dropwatch-shared-libc was not built" >&2; return 1; }
    fi
    printf '%s\n' "$_p"
}

finish() {
    echo "$(basename "$0"): $checks runs, $failures failure(s)${DW_WINDOWS:+, $na not applicable on Windows}"
    [ "$failures" -eq 0 ] && exit 0
    exit 1
}

[ -x "$DW" ] || { echo "dropwatch not built at $DW" >&2; exit 99; }
