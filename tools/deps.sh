#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages libdropwatch needs to build and test, and only those that are missing, so
# running it again is cheap and harmless. Extra package names may be given as arguments (or in
# DW_EXTRA_PACKAGES). Needs root only when something is missing. Debian 12 is the reference system.
#   tools/deps.sh            install what is missing
#   tools/deps.sh --list     print the package list and exit
set -eu

PACKAGES="make gcc autoconf automake libtool pkg-config check swig python3 python3-dev python3-pytest
libfiu-dev fiu-utils libxml2-utils libxml2-dev valgrind clang libclang-rt-14-dev gcovr man-db groff-base
gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine64 wine unzip
samba smbnetfs fuse3 libfuse3-dev xfsprogs btrfs-progs e2fsprogs util-linux procps iproute2
safecat liburing-dev
dpkg-dev debhelper lintian python3-venv python3-setuptools python3-pip python3-wheel zsh bash-completion dh-python
prometheus systemd python3-prometheus-client strace"

if [ "${1:-}" = "--list" ]; then
    echo $PACKAGES ${DW_EXTRA_PACKAGES:-}
    exit 0
fi

missing=""
for p in $PACKAGES ${DW_EXTRA_PACKAGES:-} "$@"; do
    # "dpkg -s" also succeeds for removed-but-configured packages; look at the status line.
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "deps: not root and no sudo; run as root: apt-get install$missing" >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO apt-get install -y -q --no-install-recommends $missing
