#!/bin/sh
# The monitoring paths of dropwatch under valgrind (leaks, invalid accesses): metrics, --textfile, the
# plugin line with thresholds and UNKNOWN, and the progress line under a pseudo-terminal. Skipped (77)
# without valgrind or in a sanitizer build, like tests/cli/test_valgrind.sh.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
bin="$top_builddir/src/.libs/dropwatch"
[ -x "$bin" ] || bin="$top_builddir/src/dropwatch"
if grep -q __asan_init "$bin" 2>/dev/null; then
    echo "sanitizer build: skipped"
    exit 77
fi
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible"

vg() { # vg EXPECTED-STATUS DESCRIPTION ARGS...
    want=$1; what=$2; shift 2
    checks=$((checks + 1))
    $VG "$bin" "$@" >"$OUT" 2>"$ERR" </dev/null
    rc=$?
    [ "$rc" -eq "$want" ] || fail "valgrind $what: status $rc, expected $want"
}

root="$T/root"; mkdir -p "$root/Fax" "$root/Full" "$T/prom"
printf 'Subject: x\r\n\r\nbody\r\n' >"$T/m.eml"
head -c 1000 /dev/zero >"$root/Full/a.eml"
printf '[server]\nRootDropDirectoryPath = %s\n[connector Fax]\nDropDirectoryQuota = 1 MB\n[connector Full]\nDropDirectoryQuota = 1000\n[connector Gone]\n' "$root" >"$T/c.conf"

vg 73 "check --format openmetrics" --event auto --config "$T/c.conf" check --format openmetrics
vg 73 "check --format prometheus --textfile" --config "$T/c.conf" check --format prometheus --textfile "$T/prom/a.prom"
vg 73 "watch --textfile" --config "$T/c.conf" watch --interval 0 --count 2 --textfile "$T/prom/b.prom"
vg 0 "watch, unwritable textfile" --config "$T/c.conf" watch --connector Fax --interval 0 --count 2 --textfile "$T/no/c.prom"
vg 2 "check --plugin" --config "$T/c.conf" check --plugin --warning quota=80,age=600 --critical 'quota=@90:100'
vg 3 "check --plugin, bad range" --config "$T/c.conf" check --plugin --warning quota=20:10
vg 0 "deliver, several files" deliver --root "$root" --drop-dir Fax "$T/m.eml" "$T/m.eml" "$T/m.eml"
if command -v script >/dev/null 2>&1; then
    checks=$((checks + 1))
    script -qec "$VG '$bin' deliver --root '$root' --drop-dir Fax '$T/m.eml' '$T/m.eml' '$T/m.eml' >'$OUT'; echo \"status \$?\" >'$T/st'" \
        "$T/tty" </dev/null >/dev/null 2>&1
    grep -q "status 0" "$T/st" || fail "valgrind deliver with progress: $(cat "$T/st"; cat -v "$T/tty")"
fi

finish
