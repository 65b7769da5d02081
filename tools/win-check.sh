#!/bin/sh
# SPDX-License-Identifier: MIT
# Build Check for the mingw-w64 host from Debian's source package, once per version, into
# $DW_TOP/.tools/check-<version>-mingw (a .gitignored cache). Prints the install prefix on stdout.
# Needs root (or an existing deb-src entry) the first time: it adds a deb-src entry for the Debian suite.
set -eu
top=${DW_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
host=x86_64-w64-mingw32
command -v $host-gcc >/dev/null 2>&1 || { echo "win-check: $host-gcc missing (tools/deps.sh)" >&2; exit 1; }
cache=$top/.tools
mkdir -p "$cache"
# The version Debian ships for Linux is the one we build for Windows (same tests, same API).
ver=$(dpkg-query -W -f='${Version}' check 2>/dev/null | sed 's/-[^-]*$//')
[ -n "$ver" ] || { echo "win-check: the Debian package check is not installed" >&2; exit 1; }
prefix=$cache/check-$ver-mingw
if [ -f "$prefix/lib/libcheck.a" ]; then
    echo "$prefix"
    exit 0
fi
src=$cache/check-src-$ver
if [ ! -d "$src/check-$ver" ]; then
    if ! apt-cache showsrc check >/dev/null 2>&1 || [ -z "$(apt-cache showsrc check 2>/dev/null)" ]; then
        [ "$(id -u)" -eq 0 ] || { echo "win-check: no deb-src entry and not root" >&2; exit 1; }
        cat > /etc/apt/sources.list.d/dw-deb-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        apt-get update -q -o DPkg::Lock::Timeout=600 >&2
    fi
    rm -rf "$src"
    mkdir -p "$src"
    (cd "$src" && apt-get source --download-only "check=$(dpkg-query -W -f='${Version}' check)" >&2)
    (cd "$src" && tar xzf check_"$ver".orig.tar.gz)
fi
b=$src/build
rm -rf "$b"
mkdir -p "$b"
(cd "$b" && "$src/check-$ver/configure" --host=$host --prefix="$prefix" --disable-subunit \
    --enable-static --disable-shared >&2 && make -j"${DW_JOBS:-2}" >&2 && make install >&2)
echo "$prefix"
