#!/bin/bash
# SPDX-License-Identifier: MIT
# Build libdropwatch from scratch and run every test: C (Check), CLI, Python, C#, PowerShell, the
# libfiu fault-injection tests, then the C suite again under ASan+UBSan and under valgrind, and a
# short fuzz smoke run, coverage of lib/ and make distcheck. This is the README's test command; .ci/run runs it with DW_WERROR=1.
#
# Environment knobs: DW_WERROR=1 (compile with -Werror), DW_JOBS (default 2),
# DW_SKIP_SANITIZERS=1, DW_SKIP_VALGRIND=1, DW_SKIP_FUZZ=1, DW_FUZZ_SECONDS (default 60 per target),
# DW_SKIP_COVERAGE=1, DW_SKIP_DISTCHECK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
jobs=${DW_JOBS:-2}
werror=()
[ "${DW_WERROR:-0}" = 1 ] && werror=(--enable-werror)

# Each step's wall time goes into the summary: CI allows 90 minutes and we keep under 40, so the slow
# step on a slow machine must be visible in the log.
steps=() step_name="" step_start=$SECONDS
end_step() { [ -z "$step_name" ] || steps+=("$(printf '%6d s  %s' $((SECONDS - step_start)) "$step_name")"); }
log() { end_step; step_name=$*; step_start=$SECONDS; printf '\n==> %s\n' "$*"; }

log "installing missing Debian packages"
bash tools/deps.sh

log "installing PowerShell 7.6 and Pester (dotnet tool, NuGet mirror)"
bash bindings/powershell/install-pwsh.sh
export PWSH="$PWD/.tools/pwsh/pwsh"

# Debian's interpreter has both the headers and pytest; a pyenv python3 earlier on PATH may lack pytest.
python=${PYTHON:-/usr/bin/python3}
# make check here never skips the ThreadSanitizer and zsh completion tests (their tools are in deps.sh).
export DW_REQUIRE_TSAN=1 DW_REQUIRE_ZSH=1

log "generating the build system"
./autogen.sh >/dev/null

# Collect the pass/fail counts of every automake test-suite run for one closing line.
total_pass=0 total_fail=0 total_skip=0
tally() {
    local dir=$1 p f s
    p=$(find "$dir" -name '*.trs' -exec grep -h '^:test-result: PASS' {} + 2>/dev/null | wc -l)
    f=$(find "$dir" -name '*.trs' -exec grep -h -E '^:test-result: (FAIL|ERROR|XPASS)' {} + 2>/dev/null | wc -l)
    s=$(find "$dir" -name '*.trs' -exec grep -h '^:test-result: SKIP' {} + 2>/dev/null | wc -l)
    total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
}
show_failures() {
    local dir=$1
    find "$dir" -name '*.trs' -exec grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' {} + 2>/dev/null |
        while read -r trs; do
            printf '\n---- %s ----\n' "${trs%.trs}.log"
            tail -n 60 "${trs%.trs}.log"
        done
}
# Check prints its per-suite summary ("100%: Checks: N, Failures: 0, Errors: 0") into the test logs.
# Each runner's own closing line: Check's per-suite summary, pytest's, xunit's and Pester's totals.
show_check_summaries() {
    find "$1/tests" -name '*.log' -exec grep -H -E \
        '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+|^[0-9]+ passed.* in [0-9.]+s|^(xunit|pester): [0-9]+ passed' \
        {} + 2>/dev/null | sed "s|^$1/||" || true
}

status=0
check_prefix=()   # a command that make check runs under (the sanitizer suite, below)
run_suite() { # name builddir configure-args...
    local name=$1 dir=$2
    shift 2
    log "$name: configure"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && "$top/configure" --enable-fiu-tests "${werror[@]}" PYTHON="$python" "$@" >configure.out) ||
        { cat "$dir/config.log" | tail -40; return 1; }
    log "$name: build"
    make -C "$dir" -j"$jobs" >"$dir/build.out" 2>&1 || { tail -60 "$dir/build.out"; return 1; }
    log "$name: make check"
    local rc=0
    "${check_prefix[@]}" make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1 || rc=$?
    grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.out" || true
    show_check_summaries "$dir"
    tally "$dir"
    if [ $rc -ne 0 ]; then
        show_failures "$dir"
        tail -20 "$dir/check.out"
        return 1
    fi
}

run_suite "full build (C, CLI, Python, C#, PowerShell)" _build/full \
    --enable-python --enable-csharp || status=1

if [ "${DW_SKIP_SANITIZERS:-0}" != 1 ]; then
    # The bindings load the library into interpreters that were not built with ASan; the C and CLI
    # suites carry the sanitizer run.
    # gcc 12's libasan can fail at random on kernels with vm.mmap_rnd_bits > 28; there make check and its
    # children run without address randomisation (tests/no-aslr.sh).
    check_prefix=(sh tests/no-aslr.sh)
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_suite "ASan+UBSan build (C and CLI suites)" _build/asan \
        --enable-sanitizers --disable-python --disable-csharp || status=1
    check_prefix=()
fi

if [ "${DW_SKIP_VALGRIND:-0}" != 1 ]; then
    log "valgrind: every Check program and fuzz replay with --leak-check=full --error-exitcode=1"
    make -C _build/full check-valgrind || status=1
fi

if [ "${DW_SKIP_FUZZ:-0}" != 1 ]; then
    log "fuzz smoke: each libFuzzer target (clang) for ${DW_FUZZ_SECONDS:-60} s"
    make -C _build/full fuzz FUZZ_SECONDS="${DW_FUZZ_SECONDS:-60}" || status=1
fi

if [ "${DW_SKIP_COVERAGE:-0}" != 1 ]; then
    log "coverage of lib/ (gcovr): report in _build/coverage/coverage/index.html"
    rm -rf _build/coverage && mkdir -p _build/coverage
    (cd _build/coverage && "$top/configure" --enable-coverage --enable-fiu-tests --disable-python \
        --disable-csharp PYTHON="$python" >configure.out && make -j"$jobs" >build.out 2>&1 &&
        make coverage >coverage.out 2>&1 && grep -E '^(lines|branches|functions):' coverage.out) ||
        { tail -30 _build/coverage/coverage.out 2>/dev/null; status=1; }
fi

if [ "${DW_SKIP_DISTCHECK:-0}" != 1 ]; then
    log "make distcheck"
    make -C _build/full -j"$jobs" distcheck \
        DISTCHECK_CONFIGURE_FLAGS="--enable-fiu-tests --disable-csharp PYTHON=$python ${werror[*]}" \
        >_build/distcheck.out 2>&1 || { tail -60 _build/distcheck.out; status=1; }
    grep -E 'archives ready' _build/distcheck.out || true
fi

# Further stages, one script per area (Windows under Wine, shares, power loss, packaging, monitoring, ...),
# run in name order after the builds above. Each gets the environment below, prints its own counts as a
# "NAME: N passed, N failed" line and exits non-zero on any failure, including a missing tool: nothing
# is skipped silently.
export DW_TOP="$top" DW_JOBS="$jobs" DW_PYTHON="$python" DW_WERROR="${DW_WERROR:-0}" DW_FULL_BUILD="$top/_build/full"
for stage in tools/test-all.d/*.sh; do
    [ -e "$stage" ] || continue
    log "stage $(basename "$stage" .sh)"
    bash "$stage" || { echo "stage $(basename "$stage" .sh): FAILED"; status=1; }
done

log "summary"
echo "time per step (total $SECONDS s):"
printf '  %s\n' "${steps[@]}"
echo "make-check: $total_pass passed, $total_fail failed, $total_skip skipped"
if [ $status -ne 0 ] || [ $total_fail -ne 0 ]; then
    echo "FAILED"
    exit 1
fi
echo "all tests passed"
