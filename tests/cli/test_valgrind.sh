#!/bin/sh
# SPDX-License-Identifier: MIT
# Memory check of the dropwatch program under valgrind (leaks and invalid accesses), on success and on
# failure paths. Skipped (77) when valgrind is not installed.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
# Run the real binary, not libtool's wrapper script, so valgrind watches dropwatch itself.
# A static PIE (the default build) brings its own allocator, which valgrind cannot replace: memcheck_program
# (lib.sh) names the same objects linked against the shared C library then.
bin=$(memcheck_program) || { echo "FAIL: no program for valgrind"; exit 1; }
# AddressSanitizer builds (--enable-sanitizers) check memory themselves and cannot run under valgrind.
if grep -q __asan_init "$bin" 2>/dev/null; then
    echo "sanitizer build: skipped"
    exit 77
fi

vg() { # vg EXPECTED-STATUS DESCRIPTION ARGS...
    want=$1; what=$2; shift 2
    checks=$((checks + 1))
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible "$bin" "$@" >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" -eq "$want" ] || fail "valgrind $what: status $rc, expected $want"
}

root="$T/root"; mkdir -p "$root/Fax"
printf 'Subject: x\r\n\r\nbody\r\n' >"$T/m.eml"
printf '[server]\nRootDropDirectoryPath = %s\n[connector Fax]\nDropDirectoryQuota = 1 MB\n[connector Gone]\n' "$root" >"$T/c.conf"

vg 0 "resolve" resolve --root /srv --drop-dir Fax
vg 65 "resolve --explain" --format json resolve --explain --root 'D:\x' --drop-dir 'E:\y'
vg 65 "validate" validate Fax .. "$(printf 'a\377')"
vg 0 "deliver" deliver --root "$root" --drop-dir Fax --sender a@b --recipient c@d "$T/m.eml"
vg 74 "deliver failure" --format xml deliver --root "$root" --drop-dir Fax --inject fsync:EIO "$T/m.eml"
vg 78 "deliver, missing directory" deliver --root "$root" --drop-dir Gone "$T/m.eml"
vg 78 "check with a config" --config "$T/c.conf" --format syslog check
vg 78 "watch" --config "$T/c.conf" watch --interval 0 --count 2
vg 0 "sweep" sweep --root "$root" --drop-dir Fax
vg 0 "alert" --format json alert --errno EIO --connector X
vg 78 "config errors" --config "$T/c.conf" resolve --connector nope
printf '[server]\nComputerName = A\n[connector A]\n[x]\nbad\n' >"$T/bad.conf"
vg 78 "config syntax errors" --config "$T/bad.conf" resolve
vg 64 "usage error" deliver --quota lots
# Monitoring (doc/monitoring.md): metrics, --textfile, the plugin line, the progress line on a terminal.
mkdir -p "$root/Full" "$T/prom"
head -c 1000 /dev/zero >"$root/Full/a.eml"
printf '[connector Full]\nDropDirectoryQuota = 1000\n' >>"$T/c.conf"
vg 78 "check --format openmetrics" --event auto --config "$T/c.conf" check --format openmetrics
vg 78 "check --format prometheus --textfile" --config "$T/c.conf" check --format prometheus --textfile "$T/prom/a.prom"
vg 78 "watch --textfile" --config "$T/c.conf" watch --interval 0 --count 2 --textfile "$T/prom/b.prom"
vg 0 "watch, unwritable textfile" --config "$T/c.conf" watch --connector Fax --interval 0 --count 2 --textfile "$T/no/c.prom"
vg 2 "check --plugin" --config "$T/c.conf" check --plugin --warning quota=80,age=600 --critical 'quota=@90:100'
vg 3 "check --plugin, bad range" --config "$T/c.conf" check --plugin --warning quota=20:10
if command -v script >/dev/null 2>&1; then
    checks=$((checks + 1))
    script -qec "valgrind -q --error-exitcode=99 --leak-check=full '$bin' deliver --root '$root' --drop-dir Fax '$T/m.eml' '$T/m.eml' >'$OUT'; echo \"status \$?\" >'$T/st'" \
        "$T/tty" </dev/null >/dev/null 2>&1
    grep -q "status 0" "$T/st" || fail "valgrind deliver with the progress line: $(cat "$T/st" "$T/tty")"
fi
checks=$((checks + 1))
TMPDIR="$T" valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible "$bin" demo >"$OUT" 2>"$ERR"
rc=$?; expect_rc 0 "valgrind demo"

finish
