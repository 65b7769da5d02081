#!/bin/sh
# SPDX-License-Identifier: MIT
# data/dropwatch.service: systemd-analyze verify accepts it, the sandbox is the one documented, its
# ReadWritePaths= are exactly the drop root of the sample configuration, and its ExecStart command line
# works (run here for one round against a scratch configuration). systemd-analyze is required: missing is
# a failure, not a skip.
. "${top_srcdir:-.}/tests/cli/lib.sh"

command -v systemd-analyze >/dev/null 2>&1 || { echo "FAIL: systemd-analyze not found (systemd: tools/deps.sh)" >&2; exit 1; }
unit="$top_builddir/data/dropwatch.service"
sample="$top_srcdir/data/dropwatch.conf.sample"
[ -f "$unit" ] || { echo "FAIL: $unit not built" >&2; exit 1; }

# The unit as built names the installed program; verify needs an executable there, so the copy checked
# names the freshly built one (an absolute path, as ExecStart requires). Documentation=man:dropwatch(1)
# is looked up too: MANPATH points at the source tree's page.
abs_dw=$(cd "$(dirname "$DW")" && pwd)/dropwatch
mkdir -p "$T/man/man1" "$T/unit"
cp "$top_srcdir/doc/dropwatch.1" "$T/man/man1/"
sed "s|^ExecStart=[^ ]*/dropwatch |ExecStart=$abs_dw |" "$unit" >"$T/unit/dropwatch.service"
grep -q "^ExecStart=$abs_dw " "$T/unit/dropwatch.service" || fail "ExecStart names \$(bindir)/dropwatch"
checks=$((checks + 1))
MANPATH="$T/man" systemd-analyze verify "$T/unit/dropwatch.service" >"$OUT" 2>"$ERR" || fail "systemd-analyze verify"
# verify only warns (exit 0) about a directive it cannot parse: any word from it is a failure here.
[ -s "$OUT" ] || [ -s "$ERR" ] && fail "systemd-analyze verify printed warnings"
# The check must be able to fail: a misspelt directive is reported.
sed 's/^ProtectSystem=strict/ProtectSystem=stric/' "$T/unit/dropwatch.service" >"$T/unit/broken.service"
checks=$((checks + 1))
MANPATH="$T/man" systemd-analyze verify "$T/unit/broken.service" >"$OUT" 2>"$ERR"
grep -q "broken.service:[0-9]*: Failed to parse protect system" "$ERR" "$OUT" || fail "verify notices a broken directive"

# The sandbox.
for d in 'User=dropwatch' 'Group=dropwatch' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
         'PrivateTmp=yes' 'PrivateDevices=yes' 'CapabilityBoundingSet=' 'RestrictAddressFamilies=AF_UNIX' \
         'SystemCallFilter=@system-service' 'RuntimeDirectory=dropwatch' 'WantedBy=multi-user.target'; do
    checks=$((checks + 1))
    grep -qx "$d" "$unit" || fail "unit lacks $d"
done
# ReadWritePaths= lists the drop root of the sample configuration and nothing else.
root=$(sed -n 's/^RootDropDirectoryPath *= *//p' "$sample")
checks=$((checks + 1))
[ "$(grep '^ReadWritePaths=' "$unit")" = "ReadWritePaths=$root" ] || fail "ReadWritePaths= is the sample's root ($root)"
# systemd's own exposure score of the sandbox stays in its "OK" band.
checks=$((checks + 1))
systemd-analyze security --offline=true --threshold=20 "$T/unit/dropwatch.service" >"$OUT" 2>"$ERR" \
    || fail "systemd-analyze security exposure above 2.0"
grep -q "Overall exposure level for dropwatch.service: [0-9.]* OK" "$OUT" || fail "exposure level OK"

# The sample configuration parses and names its connectors under the root.
run --config "$sample" resolve; expect_rc 0 "sample configuration"
expect_out "^Fax Connector	$root/Fax$" "sample connector resolved under the root"

# ExecStart's arguments work: the same command line against a scratch configuration, for one round.
args=$(sed -n 's|^ExecStart=[^ ]* ||p' "$unit")
mkdir -p "$T/spool/Fax" "$T/run"
sed "s|^RootDropDirectoryPath *=.*|RootDropDirectoryPath = $T/spool|" "$sample" >"$T/dropwatch.conf"
# shellcheck disable=SC2086 # the unit's arguments contain no blanks
set -- $(echo "$args" | sed "s|/etc/dropwatch.conf|$T/dropwatch.conf|; s|/run/dropwatch/|$T/run/|")
run "$@" --count 1 --interval 0; expect_rc 78 "the unit's command line, X400 missing"
expect_json "alerts are JSON Lines with event ID, class and connector fields" '
assert len(recs) == 1, recs
a = recs[0]
assert a["event"]["code"] == "8008" and a["dropwatch"]["connector"] == "X400 Gateway"  # missing directory
assert a["dropwatch"]["class"] == "configuration"'
[ -s "$T/run/dropwatch.prom" ] || fail "the unit's textfile written"

# The system call filter of the unit (@system-service without @privileged and @resources) admits every
# call that command line makes, on healthy and failing connectors: traced with strace, compared with
# systemd's own lists. (No systemd runs the unit here; this is the part of the sandbox a trace can
# prove.) Sanitizer builds make calls of their own and are not traced.
command -v strace >/dev/null 2>&1 || { echo "FAIL: strace not found (tools/deps.sh)" >&2; exit 1; }
bin="$top_builddir/src/.libs/dropwatch"
[ -x "$bin" ] || bin="$DW"
if ! grep -q __asan_init "$bin" 2>/dev/null; then
    # expand_filter @SET: the system calls of a set, nested sets expanded.
    expand_filter() {
        systemd-analyze syscall-filter "$1" | sed -n 's/^    \([@a-z0-9_-]*\).*/\1/p' | while read -r _s; do
            case $_s in
            @*) expand_filter "$_s" ;;
            *) echo "$_s" ;;
            esac
        done
    }
    expand_filter @system-service | sort -u >"$T/allowed"
    { expand_filter @privileged; expand_filter @resources; } | sort -u >"$T/denied"
    [ "$(wc -l <"$T/allowed")" -gt 100 ] || fail "systemd-analyze syscall-filter lists @system-service"
    grep -qx openat "$T/allowed" && grep -qx setuid "$T/denied" || fail "the filter lists look right"
    rm -f "$T/run/dropwatch.prom"
    checks=$((checks + 1))
    strace -f -qq -o "$T/trace" "$bin" "$@" --count 2 --interval 0 >"$OUT" 2>"$ERR"
    [ -s "$T/run/dropwatch.prom" ] || fail "traced run wrote its textfile"
    calls=$(sed -E 's/^[0-9]+ +//; s/\(.*//' "$T/trace" | grep -E '^[a-z0-9_]+$' | sort -u)
    [ -n "$calls" ] || fail "strace recorded the calls"
    for c in $calls; do
        checks=$((checks + 1))
        grep -qx "$c" "$T/allowed" || fail "system call $c is outside @system-service"
        grep -qx "$c" "$T/denied" && fail "system call $c is in the unit's denied sets"
    done
fi

finish
