# SPDX-License-Identifier: MIT
# A Samba share on 127.0.0.1 (never any other address) mounted through smbnetfs (FUSE, no kernel CIFS):
# sourced by tools/test-all.d/30-share.sh and bench/share.sh. Sets W (scratch root), export_dir (the
# share's directory on the server side), mnt; defines start_smbd, stop_smbd [SIGNAL], mount_share (sets
# share, the drop root as clients see it) and cleanup (unmount, stop what was started, remove W). The
# caller installs `trap cleanup EXIT`. Processes are stopped by their pid, never by name.
W=$(mktemp -d "${TMPDIR:-/tmp}/dwshare.XXXXXX")
export_dir="$W/export"
mnt="$W/mnt"
mkdir -p "$export_dir" "$W/private" "$W/lock" "$W/state" "$W/cache" "$W/pid" "$W/log" "$W/home/.smb" "$mnt" "$W/src"
chmod 0777 "$export_dir"
me=$(id -un)

cat >"$W/smb.conf" <<EOF
[global]
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = 445
  workgroup = DWTEST
  server role = standalone server
  map to guest = Bad User
  private dir = $W/private
  lock directory = $W/lock
  state directory = $W/state
  cache directory = $W/cache
  pid directory = $W/pid
  log file = $W/log/log.%m
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
[drop]
  path = $export_dir
  guest ok = yes
  guest only = yes
  read only = no
  force user = $me
EOF
cat >"$W/home/.smb/smbnetfs.conf" <<EOF
smb_query_browsers "false"
smb_timeout 5000
host 127.0.0.1 visible=true
auth "guest" ""
EOF
chmod 600 "$W/home/.smb/smbnetfs.conf"

smbd_pid() { cat "$W/pid/smbd.pid" 2>/dev/null; }
start_smbd() {
    if ss -ltn 2>/dev/null | grep -q '127.0.0.1:445 '; then
        echo "share: port 445 on 127.0.0.1 is taken by another server"
        return 1
    fi
    smbd -D -s "$W/smb.conf" || return 1
    local n=0   # up to 60 s: a slow machine's first start (the tdb files) is no failure
    while ! ss -ltn 2>/dev/null | grep -q '127.0.0.1:445 '; do
        n=$((n + 1)); [ $n -gt 600 ] && { echo "share: smbd did not listen on 127.0.0.1:445 within 60 s"; return 1; }
        sleep 0.1
    done
}
# Every smbd process we started, killed by pid, never by name. smbd -D leads its own session, and every
# process it forks stays in it: the session finds a child forked after any snapshot of the children,
# which could otherwise keep serving the share after a "kill". SIGNAL is repeated until the session is
# empty; after 10 s it becomes KILL.
stop_smbd() { # stop_smbd [SIGNAL]
    local main pids sig=${1:-TERM} n=0
    main=$(smbd_pid)
    [ -n "$main" ] || return 0
    # (zombies are dead already, and a container's init may never reap them)
    while pids=$(ps -o pid=,stat= -s "$main" 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }') && [ -n "$pids" ]; do
        [ $n -lt 100 ] || sig=KILL
        [ $n -lt 200 ] || { echo "share: smbd processes $pids outlived SIGKILL"; break; }
        # shellcheck disable=SC2086 # a list of pids
        kill -"$sig" $pids 2>/dev/null
        n=$((n + 1)); sleep 0.1
    done
    rm -f "$W/pid/smbd.pid"
}
cleanup() {
    mountpoint -q "$mnt" 2>/dev/null && fusermount3 -u "$mnt" 2>/dev/null
    [ -n "${smbnetfs_pid:-}" ] && kill "$smbnetfs_pid" 2>/dev/null
    stop_smbd TERM
    rm -rf "$W"
}
mount_share() {
    # In the foreground (-f) as a background job: its pid is ours, and it is stopped by that pid.
    HOME="$W/home" smbnetfs -f "$mnt" >"$W/log/smbnetfs.out" 2>&1 &
    smbnetfs_pid=$!
    share="$mnt/127.0.0.1/drop"
    local n=0
    while [ ! -d "$share" ] && [ $n -lt 600 ]; do n=$((n + 1)); sleep 0.1; done
    [ -d "$share" ] || { echo "share: smbnetfs did not show $share within 60 s"; return 1; }
}
