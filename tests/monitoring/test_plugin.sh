#!/bin/sh
# SPDX-License-Identifier: MIT
# check --plugin: one status line with performance data, exit 0 OK / 1 WARNING / 2 CRITICAL / 3 UNKNOWN,
# and --warning/--critical ranges in the monitoring-plugins syntax (10, 10:, ~:10, 10:20, @10:20).
# Ranges with "~" are quoted: bash would expand "quota=~:40" to the home directory, as it would for an operator.
. "${top_srcdir:-.}/tests/cli/lib.sh"

root="$T/root"
mkdir -p "$root/Half" "$root/Full" "$root/Empty"
head -c 500 /dev/zero >"$root/Half/old.eml"       # 50 % of a 1000-byte quota, two hours old
touch -d '2 hours ago' "$root/Half/old.eml"
head -c 1000 /dev/zero >"$root/Full/a.eml"
cat >"$T/c.conf" <<CONF
[server]
RootDropDirectoryPath = $root
[connector Half]
DropDirectoryQuota = 1000
[connector Full]
DropDirectoryQuota = 1000
[connector Empty]
CONF

# plugin STATE-CODE DESCRIPTION ARGS...: runs check --plugin on the Half connector; the state, the
# exit status and the one-line shape are checked.
plugin() {
    _want=$1 _desc=$2; shift 2
    run --config "$T/c.conf" check --plugin --connector Half "$@"
    expect_plugin "$_want" "$_desc"
}
expect_plugin() {
    _names="OK WARNING CRITICAL UNKNOWN"
    _state=$(echo $_names | cut -d' ' -f$(($1 + 1)))
    expect_rc "$1" "$2"
    [ "$(wc -l <"$OUT")" -eq 1 ] || fail "$2: exactly one line"
    expect_out "^DROPWATCH $_state - " "$2: status $_state"
}

plugin 0 "no thresholds"
expect_out "^DROPWATCH OK - 1 connector\(s\) healthy \| " "OK text and performance data"
expect_out "'Half quota_used'=50\.00%;;;0;100( |$)" "quota perfdata"
expect_out "'Half used'=500B;;;0;1000( |$)" "bytes perfdata"
expect_out "'Half files'=1;;;0( |$)" "file count perfdata"
expect_out "'Half oldest_age'=72[0-9][0-9]s;;;0( |$)" "age perfdata"
expect_out "'Half healthy'=1;;;0;1 " "health perfdata"
expect_out "'Half canary'=[0-9.]+s;;;0( |$)" "canary perfdata"
[ -s "$ERR" ] && fail "nothing on stderr in plugin mode"

# Quota use (50 %) against each range form.
plugin 0 "quota=80 (alert outside 0..80)" --warning quota=80
plugin 1 "quota=40" --warning quota=40
expect_out "^DROPWATCH WARNING - Half: quota 50\.0% used" "warning text names the connector and the use"
expect_out "'Half quota_used'=50\.00%;40;;0;100" "the threshold in the perfdata"
plugin 1 "quota=60: (alert below 60)" --warning quota=60:
plugin 0 "quota=40:" --warning quota=40:
plugin 1 "quota=~:40 (alert above 40)" --warning 'quota=~:40'
plugin 0 "quota=~:60" --warning 'quota=~:60'
expect_out "'Half quota_used'=50\.00%;~:60;;0;100" "~: range kept in the perfdata"
plugin 1 "quota=60:90 (outside)" --warning quota=60:90
plugin 0 "quota=40:60 (inside)" --warning quota=40:60
plugin 1 "quota=@40:60 (alert inside)" --warning quota=@40:60
expect_out "'Half quota_used'=50\.00%;@40:60;;0;100" "@ range kept in the perfdata"
plugin 0 "quota=@60:90" --warning quota=@60:90
plugin 0 "decimal bounds" --warning quota=49.5:50.5
plugin 1 "decimal bounds, outside" --warning quota=50.5:60.25
plugin 0 "negative lower bound" --warning quota=-10:60

# Oldest-message age (about 7200 s) and the two thresholds together.
plugin 2 "age critical" --critical age=3600
plugin 0 "age within 0..86400" --critical age=86400
plugin 2 "critical wins over warning" --warning quota=40 --critical quota=45
plugin 1 "warning only when critical is not met" --warning quota=40 --critical quota=90
plugin 1 "two thresholds in one option" --warning quota=90,age=600
plugin 2 "repeated options" --warning quota=90 --critical 'age=~:3600' --critical quota=95
expect_out "'Half oldest_age'=72[0-9][0-9]s;;~:3600;0" "age threshold in the perfdata"

# A failing connector is CRITICAL whatever the thresholds; the worst state decides; an empty directory
# has no age to alert on.
run --config "$T/c.conf" check --plugin --connector Full --warning quota=101:
expect_plugin 2 "quota full"
expect_out "^DROPWATCH CRITICAL - Full: capacity failure during quota \(event 8005\)" "failure named"
run --event auto --config "$T/c.conf" check --plugin --warning quota=40
expect_plugin 2 "the worst of three"
expect_out "CRITICAL - Full: capacity failure during quota \(event 8005\); Half: quota 50\.0% used.*; 1 of 3 connector\(s\) OK \| " "worst first, then the warnings"
expect_out "'Empty healthy'=1;;;0;1 'Empty used'=0B;;;0 " "an unlimited quota has no percentage"
run --config "$T/c.conf" check --plugin --connector Empty --critical 'age=~:0' --critical quota=1
expect_plugin 0 "empty: age 0, no quota"
run check --plugin --root "$root" --drop-dir Gone
expect_plugin 2 "missing drop directory"
expect_out "'Gone healthy'=0;;;0;1$" "only the health of an unreachable directory"
run check --plugin --root "$root" --drop-dir "Bad|Name:"
expect_plugin 2 "an invalid DropDirectory"
expect_out "^DROPWATCH CRITICAL - Bad_Name:: configuration failure" "'|' cannot start the performance data"
# A name of any length: the status line and the labels quote a long one as every diagnostic does
# (dw_quote(3): 200 bytes and the length), so a 100 KB DropDirectory cannot flood the monitoring system.
BIG=$(head -c 100000 /dev/zero | tr '\0' a)
run check --plugin --root "$root" --drop-dir "$BIG"
expect_plugin 2 "a 100 KB DropDirectory"
expect_out "^DROPWATCH CRITICAL - 'a{200}\.\.\.' \(100000 bytes\): configuration failure" "the long name cut in the text"
expect_out "'''a{200}\.\.\.'' \(100000 bytes\) healthy'=0;;;0;1$" "the long name cut in the label"
[ "$(wc -c <"$OUT")" -lt 1024 ] || fail "the plugin line of a 100 KB DropDirectory is not under 1024 bytes"
run check --plugin --root "$root" --drop-dir Half --connector "it's=odd"
expect_plugin 0 "odd connector name"
expect_out "'it''s_odd healthy'=1" "quote doubled and '=' replaced in labels"

# UNKNOWN: every bad argument, also before --plugin on the command line.
for bad in quota= quota=abc quota=20:10 quota=@ quota=~ quota=1:2:3 quota=inf quota=1e3 speed=10 80 "quota=80,"; do
    run --config "$T/c.conf" check --warning "$bad" --plugin
    expect_plugin 3 "bad threshold '$bad'"
    expect_out "^DROPWATCH UNKNOWN - invalid --warning '" "the reason on the status line for '$bad'"
    expect_err "invalid --warning" "reason on stderr for '$bad'"
done
run --config "$T/missing.conf" check --plugin; expect_plugin 3 "missing configuration"
expect_out "^DROPWATCH UNKNOWN - cannot open configuration file '.*missing.conf': No such file" "the reason for a missing file"
run --config "$T/c.conf" check --plugin --connector Nope; expect_plugin 3 "unknown connector"
expect_out "^DROPWATCH UNKNOWN - no connector 'Nope'" "the reason for an unknown connector"
run --config "$T/c.conf" check --plugin --format prometheus; expect_plugin 3 "--plugin with metrics"
run --config "$T/c.conf" check --plugin --bogus; expect_plugin 3 "unknown option"
# Without --plugin the thresholds are a usage error (64), not a plugin state.
run --config "$T/c.conf" check --warning quota=10; expect_usage "--warning without --plugin"
run watch --root "$root" --drop-dir Half --plugin; expect_usage "watch has no --plugin"

finish
