#!/bin/sh
# SPDX-License-Identifier: MIT
# Package a Windows build (a build tree configured with --host=x86_64-w64-mingw32) as a zip a Windows
# user unpacks: bin/ (libdropwatch-0.dll, dropwatch.exe, dropwatch-messages.dll), lib/ (import library
# libdropwatch.dll.a and static libdropwatch.a), include/, share/doc/ (the manual pages as plain text,
# doc/windows.md, README.md). Usage: tools/win-zip.sh BUILD_DIR [OUTPUT.zip]. Uses python3's zipfile
# (no zip(1) needed). Prints the zip's path.
set -eu
b=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$b/Makefile")
host=$(sed -n 's/^host = //p' "$b/Makefile")
out=${2:-$b/libdropwatch-$version-$host.zip}
stage=$b/zip-stage
name=libdropwatch-$version-$host
rm -rf "$stage"
make -C "$b" install-strip DESTDIR="$stage/d" prefix=/ >/dev/null 2>&1
root=$stage/$name
mkdir -p "$root/bin" "$root/lib" "$root/share/doc/libdropwatch/man"
cp -r "$stage/d/bin/." "$root/bin/"
cp "$stage/d/lib/libdropwatch.dll.a" "$stage/d/lib/libdropwatch.a" "$root/lib/"
cp -r "$stage/d/include" "$root/include"
# Manual pages as text: Windows has no man(1).
for page in "$stage"/d/share/man/man*/*; do
    base=$(basename "$page")
    if head -1 "$page" | grep -q '^\.so '; then
        target=$(sed -n 's|^\.so man[0-9]/||p' "$page")
        printf 'See %s.txt\n' "$target" >"$root/share/doc/libdropwatch/man/$base.txt"
    else
        LC_ALL=C.UTF-8 MANWIDTH=100 man -l "$page" 2>/dev/null >"$root/share/doc/libdropwatch/man/$base.txt"
    fi
done
cp "$top/README.md" "$top/doc/windows.md" "$root/share/doc/libdropwatch/"
rm -f "$out"
(cd "$stage" && python3 -c '
import os, sys, zipfile
out, root = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            z.write(os.path.join(d, f))
' "$out" "$name")
rm -rf "$stage"
echo "$out"
