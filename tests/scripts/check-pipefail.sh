#!/bin/bash
# SPDX-License-Identifier: MIT
# Under `set -o pipefail` a pipeline fails when any member fails, and a producer that writes after its
# reader has stopped reading dies of SIGPIPE (status 141). `ldd prog | grep -q libfoo` therefore fails at
# random: grep -q exits at the first match and ldd's next line kills ldd. That failed CI once (stage
# 60-packages, "the program does not use /usr/lib/.../libdropwatch.so.0", on a machine where the timing
# differed). This check finds every such pipeline in the project's scripts that run with pipefail: a pipe
# into a reader that may stop early -- grep -q/-m/-l/-L/--quiet/--silent/--max-count, or head. Capture
# the producer's output first (out=$(ldd prog); grep -q x <<<"$out"), or use a reader that reads all.
# Reproduce: bash -c 'set -o pipefail; { echo a; sleep 0.2; echo b; } | grep -q a; echo $?' prints 141.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"  # make check may run it with sh
set -u
: "${top_srcdir:=.}"

# Prints file:line: text for each early-stopping reader fed by a pipe in a script that sets pipefail.
# One awk run per file: mawk (Debian's default awk) has no ENDFILE.
scan() {
    local f
    for f in "$@"; do awk '
    { line = $0; sub(/(^|[ \t])#.*$/, "", line) }
    line ~ /set[ \t]+-[a-zA-Z]*o[ \t]*pipefail|set[ \t]+-o[ \t]+pipefail/ { pf = 1 }
    {
        # Join continued lines (trailing "|" or "\") so a pipe at the end of a line meets its reader.
        if (cont) { buf = buf " " line } else { buf = line; start = FNR }
        cont = (line ~ /(\||\\)[ \t]*$/ && line !~ /\|\|[ \t]*$/)
        if (!cont) { n++; text[n] = buf; at[n] = start }
    }
    END {
        if (pf)
            for (i = 1; i <= n; i++)
                if (text[i] ~ /(^|[^|])\|[ \t\\]*(grep[ \t]([^|]*[ \t])?(-[a-zA-Z]*[qmlL][a-zA-Z0-9]*([ \t]|$)|--quiet|--silent|--max-count|--files-with)|head([ \t]|$))/)
                    printf "%s:%d: %s\n", FILENAME, at[i], text[i]
    }' "$f"; done
}

fail=0 checks=0
# Negative control first: the scan must catch each kind of early reader, and leave the safe forms alone.
fx=$(mktemp -d) || exit 99
trap 'rm -rf "$fx"' EXIT
cat >"$fx/bad.sh" <<'SH'
set -uo pipefail
ldd "$p" | grep -qE "libx.so => /lib/" && echo a
dpkg-query -W "$p" | grep -q installed
ls | head -n 1
find . | grep -m1 x
ldd "$p" |
    grep --quiet x
x=$(cat f | grep -c y) ; cat f | grep -l y
SH
cat >"$fx/good.sh" <<'SH'
set -euo pipefail
libs=$(ldd "$p"); grep -qE "libx.so" <<<"$libs"
cat f | grep -c x || true
a || b | c
x=$(grep -q y f)  # | grep -q in a comment
SH
cat >"$fx/nopf.sh" <<'SH'
set -u
ldd "$p" | grep -q x
SH
want=$(printf '%s\n' 2 3 4 5 6 8)
got=$(scan "$fx/bad.sh" | cut -d: -f2)
checks=$((checks + 1))
[ "$got" = "$want" ] || { echo "FAIL: the scan found lines [$(echo $got)] in the bad fixture, not [$(echo $want)]"; fail=1; }
for f in good nopf; do
    checks=$((checks + 1))
    out=$(scan "$fx/$f.sh")
    [ -z "$out" ] || { echo "FAIL: the scan flags the safe fixture $f.sh: $out"; fail=1; }
done

# The project's scripts: everything a make check, a stage or CI runs.
mapfile -t scripts < <(cd "$top_srcdir" && find . \( -name _build -o -name .git -o -name .tools -o -name 'build*' \
    -o -name node_modules \) -prune -o -type f \( -name '*.sh' -o -path ./.ci/run \) -print | sort |
    grep -vx './tests/scripts/check-pipefail.sh')  # its fixtures are meant to be caught
[ "${#scripts[@]}" -gt 20 ] || { echo "FAIL: only ${#scripts[@]} scripts found under $top_srcdir"; exit 1; }
found=$(cd "$top_srcdir" && scan "${scripts[@]}")
checks=$((checks + ${#scripts[@]}))
if [ -n "$found" ]; then
    echo "FAIL: a pipe into a reader that may stop early, in a script with pipefail (see this file's header):"
    printf '%s\n' "$found" | sed 's/^/  /'
    fail=1
fi
echo "pipefail: $checks checks (${#scripts[@]} scripts), $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
