#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every Check program and fuzz replay under valgrind (memcheck): any error or definite/possible leak
# fails. Usage: tests/valgrind.sh PROGRAM... (make check-valgrind passes the programs listed in TESTS), from the
# build directory. Check runs each test in-process (CK_FORK=no) so valgrind sees everything; children a
# test forks itself (writer processes that _exit by design) are not judged (--child-silent-after-fork). The crash,
# hostile and load programs fork and kill children by design and are skipped here; they run under the
# sanitizer build instead.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir CK_FORK=no CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-600}
export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed" >&2; exit 77; }
libtool="$top_builddir/libtool"
mkdir -p valgrind-logs
fail=0 ran=0
for prog in "$@"; do
  case $prog in
    *crash_test*|*sweep_age0*|*hostile_test*|*load_test*|*repro_*) continue ;;
  esac
  [ -x "$prog" ] || { echo "SKIP $prog (not built)"; continue; }
  log="valgrind-logs/$(echo "$prog" | tr / _).log"
  ran=$((ran + 1))
  if "$libtool" --mode=execute valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
       --error-exitcode=1 --child-silent-after-fork=yes --track-fds=no --log-file="$log" "./$prog" >"$log.out" 2>&1; then
    echo "PASS $prog"
  else
    echo "FAIL $prog (valgrind log: $log, output: $log.out)"
    sed -n '1,40p' "$log"
    fail=1
  fi
done
echo "valgrind: $ran programs checked, $( [ $fail = 0 ] && echo 'zero findings' || echo 'FINDINGS above')"
exit $fail
