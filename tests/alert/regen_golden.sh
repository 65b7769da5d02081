#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate tests/alert/golden/ from the fixed records in golden_record.h. Run from a build directory
# after an intended output change, then review the diff: the golden files are the format's contract.
#   sh ../tests/alert/regen_golden.sh [SRCDIR]
srcdir=${1:-..}
for v in 8004 8005 8007 8008 8009; do
    for f in text xml json syslog; do
        ./tests/alert/gen_alerts golden "$f" "$v" > "$srcdir/tests/alert/golden/$v.$f" || exit 1
    done
done
