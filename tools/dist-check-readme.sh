#!/bin/sh
# SPDX-License-Identifier: MIT
# make distcheck (distcheck-hook): every file of the source tree that README.md names (tools/test-all.sh,
# doc/python.md, ...) is in the tarball too, so the README's commands work from an unpacked release.
# Usage: dist-check-readme.sh SRCDIR DISTDIR
set -eu
src=$1 dist=$2
missing=0
for p in $(grep -oE '(\./)?(tools|doc|bindings|tests|bench|debian|\.ci|lib|src|include)/[A-Za-z0-9_./-]+' "$src/README.md" |
           sed -e 's|^\./||' -e 's|[.]$||' | sort -u); do
    # Build outputs the README mentions (bench/dw_bench, bench/results/...) are not in the source tree.
    [ -e "$src/$p" ] || continue
    if [ ! -e "$dist/$p" ]; then
        echo "dist-check-readme: README.md names $p, which the tarball lacks (add it to EXTRA_DIST)" >&2
        missing=1
    fi
done
exit $missing
