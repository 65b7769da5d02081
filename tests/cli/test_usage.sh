#!/bin/sh
# SPDX-License-Identifier: MIT
# Global options, help, version and usage errors (exit 64, message and hint on stderr, nothing on stdout).
. "${top_srcdir:-.}/tests/cli/lib.sh"

run; expect_usage "no command"
expect_err "no command given" "no command explained"
run frobnicate; expect_usage "unknown command"
expect_err "unknown command 'frobnicate'" "unknown command named"
run --bogus validate x; expect_usage "unknown global option"
run --format; expect_usage "global option without its argument"
run --format yaml validate Fax; expect_usage "unknown format"
expect_err "unknown format 'yaml'" "unknown format named"
run --event 8006 validate Fax; expect_usage "unknown event mode"

run --help; expect_rc 0 "--help"
expect_out "^Usage: dropwatch" "--help prints the usage on stdout"
expect_empty_err "--help"
run -h; expect_rc 0 "-h"
run --version; expect_rc 0 "--version"
expect_out "^dropwatch \(libdropwatch\) [0-9]+\.[0-9]+\.[0-9]+" "--version names the version"
run help deliver; expect_rc 0 "help CMD"
expect_out "^Usage: dropwatch deliver" "help CMD shows that command's help"
run help nothing; expect_usage "help for an unknown command"

for cmd in resolve validate deliver check watch sweep alert demo; do
    run "$cmd" --help; expect_rc 0 "$cmd --help"
    expect_out "^Usage: dropwatch $cmd" "$cmd --help shows its usage"
    expect_out "Exit status" "$cmd --help documents its exit status"
    expect_empty_err "$cmd --help"
    run "$cmd" --no-such-option; expect_usage "$cmd with an unknown option"
    expect_err "no-such-option" "$cmd names the unknown option"
done

# Each kind of bad option gets its own message.
run resolve --bogus; expect_usage "unknown long option"
expect_err "unknown option '--bogus'" "unknown long option named"
run resolve -Z; expect_usage "unknown short option"
expect_err "unknown option '-Z'" "unknown short option named"
run resolve --explain=yes --drop-dir x; expect_usage "argument to a flag"
expect_err "option '--explain=yes' takes no argument" "flag with an argument named"
run resolve --drop-dir x -f; expect_usage "short option without its argument"
expect_err "option '-f' needs an argument" "missing argument named"
# Options that need an argument, given without one.
run resolve --root; expect_usage "resolve --root without argument"
expect_err "option '--root' needs an argument" "missing argument of a long option named"
run deliver --drop-dir; expect_usage "deliver --drop-dir without argument"
run alert --errno; expect_usage "alert --errno without argument"
# Options that do not belong to a command.
run check --interval 5 --drop-dir x --root /tmp; expect_usage "check does not take --interval"
run sweep --stale-age 5 --drop-dir x --root /tmp; expect_usage "sweep does not take --stale-age"
# pickup took --quota (and ran without it); resolve refused it only after parsing, while completion offered it.
run pickup --quota 5MB /nonexistent-drop true; expect_usage "pickup does not take --quota"
expect_err "'--quota'" "pickup names --quota"
# The refusal names the option, not its value (it said "option '1' does not apply here").
for args in "sweep --interval 1" "sweep --count=2" "sweep --textfile /tmp/x.prom" "sweep --plugin" \
    "check --max-age 5" "sweep --warning quota=5"; do
    set -- $args
    opt=${2%%=*}
    run "$@" --drop-dir x --root /tmp; expect_usage "$args: not for $1"
    expect_err "option '$opt' does not apply to $1\$" "$args: the refusal names $opt and the command"
done
# Global options are also accepted after the command.
run validate --format json Fax; expect_rc 0 "global option after the command"
expect_json "global --format after the command"

# A value of any length is quoted in a diagnostic with at most DW_QUOTE_MAX (200) bytes of it, marked
# "...' (N bytes)" (dw_quote(3)): a 100 KB argument or configuration value must not become a 100 KB line
# in a log. Every stderr line stays under 1024 bytes. (Wine: a Windows command line holds 32767 characters.)
if [ -n "${DW_WINDOWS:-}" ]; then big_len=20000; else big_len=100000; fi
BIG=$(head -c "$big_len" /dev/zero | tr '\0' a)
expect_bounded_err() { # expect_bounded_err DESCRIPTION [LENGTH]: the marker, and no line of 1024 bytes or more
    expect_err "a\.\.\.' \\(${2:-$big_len} bytes\\)" "$1: the value is cut with its length"
    _long=$(awk 'length($0) >= 1024 { n++ } END { print n + 0 }' "$ERR")
    [ "$_long" -eq 0 ] || fail "$1: $_long stderr line(s) of 1024 bytes or more"
    grep -Eq "a{201}" "$ERR" && fail "$1: more than 200 bytes of the value quoted"
    return 0
}
mkdir -p "$T/srv/d"
run resolve --root /srv --drop-dir "$BIG"; expect_rc 65 "resolve of a long DropDirectory"
expect_err "Invalid DropDirectory 'a{200}\.\.\.' \\($big_len bytes\\): " "resolve names the value, cut"
expect_bounded_err "resolve --drop-dir"
run resolve --root "$BIG" --drop-dir x; expect_bounded_err "resolve --root"
run resolve x "$BIG"; expect_usage "resolve with two DropDirectory values"
expect_bounded_err "resolve, one DropDirectory too many"
run validate "$BIG"; expect_rc 65 "validate of a long value"
expect_empty_err "validate writes its verdict on stdout"
run deliver --drop-dir "$BIG" /dev/null; expect_bounded_err "deliver --drop-dir"
run deliver --root "$T/srv" --drop-dir d --temp-dir "$BIG" /dev/null; expect_usage "deliver --temp-dir"
expect_bounded_err "deliver --temp-dir"
run deliver --root "$T/srv" --drop-dir d --prefix "$BIG" /dev/null; expect_usage "deliver --prefix"
expect_bounded_err "deliver --prefix"
run deliver --root "$T/srv" --drop-dir d "$BIG"; expect_bounded_err "deliver of a file with a long name"
run deliver --root "$T/srv" --drop-dir d --quota "$BIG" /dev/null; expect_bounded_err "deliver --quota"
run deliver --root "$T/srv" --drop-dir d --priority "$BIG" /dev/null; expect_bounded_err "deliver --priority"
run "$BIG"; expect_bounded_err "an unknown command"
run resolve "--$BIG"; expect_bounded_err "an unknown option" $((big_len + 2))
run check --config "$BIG"; expect_bounded_err "check --config"
run --format "$BIG" validate Fax; expect_bounded_err "--format"
printf '[server]\nRootDropDirectoryPath = %s\n[connector c]\nDropDirectory = %s\n' "$T/srv" "$BIG" >"$T/big1.conf"
printf '[server]\nRootDropDirectoryPath = %s\n[connector c]\nDropDirectory = d\nDropDirectoryQuota = %s\n' \
    "$T/srv" "$BIG" >"$T/big2.conf"
printf '[server]\nRootDropDirectoryPath = %s\nExchangeVersion = %s\n%s = 1\n' "$T/srv" "$BIG" "$BIG" >"$T/big3.conf"
for cmd in check watch; do
    set -- "$cmd"
    [ "$cmd" = watch ] && set -- watch --count 1
    run "$@" --config "$T/big1.conf"; expect_bounded_err "$cmd: a long DropDirectory in the configuration"
    run "$@" --config "$T/big2.conf"; expect_bounded_err "$cmd: a long DropDirectoryQuota in the configuration"
    run "$@" --config "$T/big3.conf"; expect_bounded_err "$cmd: a long value and key in the configuration"
done

# A full disk on standard output is an error (74), never a silent success.
if [ -w /dev/full ]; then
    checks=$((checks + 1))
    "$DW" validate Fax >/dev/full 2>"$ERR"; rc=$?
    expect_rc 74 "stdout on a full device"
    expect_err "write error on standard output" "write error reported"
fi

finish
