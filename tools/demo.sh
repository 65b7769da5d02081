#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's first command: install what is missing (Debian), build libdropwatch in _build/ and run the
# demo, which tells the whole story against a temporary drop root. Safe to run again: each step is skipped
# when its result is already up to date. Arguments go to "dropwatch demo" (e.g. --keep, --format json).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh tools/deps.sh

# A git checkout has no configure script; a release tarball does.
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    ./autogen.sh
fi
mkdir -p _build
cd _build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ]; then
    ../configure
fi
make -j2
echo
exec ./src/dropwatch demo "$@"
