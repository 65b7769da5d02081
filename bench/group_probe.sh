#!/bin/sh
# SPDX-License-Identifier: MIT
# group_probe.sh FSDIR ROUNDS MS: the group_probe.c variants (doc/performance.md, "Where a group round's time goes"),
# order rotating per round, each in a fresh directory under FSDIR; PROBE= the built probe
base=$1; rounds=${2:-3}; ms=${3:-300}; r=0; i=0
while [ $r -lt $rounds ]; do
  if [ $((r % 2)) = 0 ]; then list="1 2 3 4 5 6 7 8 9"; else list="9 8 7 6 5 4 3 2 1"; fi
  for k in $list; do
    case $k in 1) v="lone 1";; 2) v="lone 8";; 3) v="syncfs 8";; 4) v="syncfs 8 wait";; 5) v="syncfs 8 wait lanes=2";;
      6) v="syncfs 8 wait sfr";; 7) v="uring 8 wait";; 8) v="uring 8 wait lanes=2";; 9) v="fdatasync 8 wait";; esac
    i=$((i+1)); d=$base/ph.$$.$i; mkdir -p $d
    set -- $v; m=$1; w=$2; shift 2
    echo "$r $(${PROBE:-./group_probe} $d $m $w $ms "$@")"
  done
  r=$((r+1))
done
rm -rf $base/ph.$$.*
