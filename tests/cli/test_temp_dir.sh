#!/bin/sh
# SPDX-License-Identifier: MIT
# --temp-dir / TempDirectory (dw_drop_options.temp_dir): deliver keeps its temporary files outside the drop
# directory, check and sweep look there too; a missing, foreign or malformed temp directory is refused.
. "${top_srcdir:-.}/tests/cli/lib.sh"

root="$T/root"
drop="$root/Fax"
mkdir -p "$drop/.dwtmp"
printf 'Subject: one\r\n\r\nbody one\r\n' >"$T/m1.eml"

# A subdirectory: the drop directory gets the message and nothing else.
run deliver --root "$root" --drop-dir Fax --temp-dir .dwtmp "$T/m1.eml"; expect_rc 0 "deliver --temp-dir"
[ "$(count_eml "$drop")" -eq 1 ] || fail "message published"
[ "$(count_tmp "$drop")" -eq 0 ] || fail "no temporary file in the drop directory"
[ "$(ls -A "$drop/.dwtmp" | wc -l)" -eq 0 ] || fail "nothing left in the temp directory"
# A failed write names the temporary file in the temp directory and leaves nothing anywhere.
run deliver --root "$root" --drop-dir Fax --temp-dir .dwtmp --inject write:EIO "$T/m1.eml"; expect_rc 74 "write fails"
expect_out "\.dwtmp[/\\\\]\.dwtmp-" "the alert names the temporary file in the temp directory"
[ "$(count_eml "$drop")" -eq 1 ] || fail "failed write: no new message"
[ "$(ls -A "$drop/.dwtmp" | wc -l)" -eq 0 ] || fail "failed write: nothing left in the temp directory"
run deliver --root "$root" --drop-dir Fax --temp-dir .dwtmp --inject rename:EIO "$T/m1.eml"; expect_rc 74 "rename fails"
[ "$(count_tmp "$drop")" -eq 0 ] || fail "failed rename: nothing in the drop directory"
[ "$(ls -A "$drop/.dwtmp" | wc -l)" -eq 0 ] || fail "failed rename: nothing left in the temp directory"

# Refusals: missing (never created), malformed.
run deliver --root "$root" --drop-dir Fax --temp-dir missing "$T/m1.eml"; expect_rc 78 "missing temp directory"
expect_err "temp_dir does not exist" "the reason"
[ -e "$drop/missing" ] && fail "the temp directory is never created"
run deliver --root "$root" --drop-dir Fax --temp-dir a/b "$T/m1.eml"; expect_rc 64 "malformed --temp-dir"
expect_err "temp_dir invalid" "the field is named"
[ "$(count_eml "$drop")" -eq 1 ] || fail "refusals publish nothing"

# check counts and probes through it; sweep removes its stale temporary files only.
touch "$drop/.dwtmp/.dwtmp-crashed.tmp" "$drop/.dwtmp/.dwtmp-fresh.tmp" "$drop/.dwtmp/notes.txt"
touch -d '2 hours ago' "$drop/.dwtmp/.dwtmp-crashed.tmp" "$drop/.dwtmp/notes.txt"
run check --root "$root" --drop-dir Fax --temp-dir .dwtmp; expect_rc 0 "check --temp-dir"
expect_out "^stale_temp_files +1$" "stale temporary in the temp directory counted"
expect_out "^writable +yes" "the canary went through the temp directory"
run sweep --root "$root" --drop-dir Fax --temp-dir .dwtmp; expect_rc 0 "sweep --temp-dir"
expect_out "^removed +1$" "one removed"
[ -e "$drop/.dwtmp/.dwtmp-crashed.tmp" ] && fail "stale temporary removed"
[ -e "$drop/.dwtmp/.dwtmp-fresh.tmp" ] || fail "fresh temporary kept"
[ -e "$drop/.dwtmp/notes.txt" ] || fail "other files are never swept"
rm -f "$drop/.dwtmp/.dwtmp-fresh.tmp" "$drop/.dwtmp/notes.txt"

# The configuration file's TempDirectory (libdropwatch's own key); the option overrides it.
cat >"$T/c.conf" <<CONF
[server]
RootDropDirectoryPath = $root
[connector Fax]
TempDirectory = .dwtmp
CONF
run --config "$T/c.conf" deliver --connector Fax "$T/m1.eml"; expect_rc 0 "TempDirectory"
[ "$(count_eml "$drop")" -eq 2 ] || fail "TempDirectory: published"
run --config "$T/c.conf" deliver --connector Fax --temp-dir missing "$T/m1.eml"; expect_rc 78 "--temp-dir overrides"
run --config "$T/c.conf" check; expect_rc 0 "check with TempDirectory"
run --config "$T/c.conf" sweep; expect_rc 0 "sweep with TempDirectory"
cat >"$T/bad.conf" <<CONF
[server]
RootDropDirectoryPath = $root
[connector Fax]
TempDirectory = ../elsewhere
CONF
run --config "$T/bad.conf" check; expect_rc 78 "malformed TempDirectory"
expect_err "bad.conf:4: TempDirectory: temp_dir invalid" "line and field named"

# An absolute directory on the same file system; another file system is refused (rename cannot cross).
if posix_only "absolute POSIX temp directories"; then
    mkdir -p "$T/abs"
    run deliver --root "$root" --drop-dir Fax --temp-dir "$T/abs" "$T/m1.eml"; expect_rc 0 "absolute --temp-dir"
    [ "$(ls -A "$T/abs" | wc -l)" -eq 0 ] || fail "absolute: nothing left"
    other=""
    for c in /dev/shm /run/shm /tmp /var/tmp; do
        if [ -d "$c" ] && [ -w "$c" ] && [ "$(stat -c %d "$c")" != "$(stat -c %d "$drop")" ]; then
            other=$c
            break
        fi
    done
    if [ -n "$other" ]; then
        od=$(mktemp -d "$other/dwcli-tempdir.XXXXXX")
        run deliver --root "$root" --drop-dir Fax --temp-dir "$od" "$T/m1.eml"; expect_rc 78 "other file system"
        expect_err "temp_dir is on another file system" "EXDEV explained"
        rmdir "$od"
    else
        echo "skipped: no writable directory on a second file system (/dev/shm, /run/shm, /tmp, /var/tmp)"
    fi
fi

run deliver --help; expect_rc 0 "help"
expect_out "--temp-dir DIR" "--temp-dir in deliver's help"
finish
