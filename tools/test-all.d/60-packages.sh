#!/bin/bash
# SPDX-License-Identifier: MIT
# Stage of tools/test-all.sh: Debian packages and installation hygiene.
#  1. dpkg-buildpackage -us -uc builds libdropwatch0, libdropwatch-dev, dropwatch and python3-dropwatch from a
#     copy of the tree (the source tree stays clean; DEB_BUILD_OPTIONS=nocheck: make check already ran on
#     the full build), lintian finds no error;
#  2. the packages install into the system (apt install ./*.deb), a program compiles and runs with
#     pkg-config, /usr/bin/python3 imports the module, `dropwatch --version` answers, the manual pages and
#     completion files are in place; then they are purged and leave nothing behind;
#  3. make install / make uninstall of the full build into a DESTDIR: no .so under share/, and no
#     directory left behind.
# Needs root (it installs packages) and the tools of tools/deps.sh; a missing one is a failure.
set -uo pipefail
top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
jobs=${DW_JOBS:-2}
full=${DW_FULL_BUILD:-$top/_build/full}
work=$(mktemp -d /tmp/dw-packages.XXXXXX)
pkgs="libdropwatch0 libdropwatch-dev dropwatch python3-dropwatch"
installed=0
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
purge() {
    # shellcheck disable=SC2086
    [ $installed = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=600 $pkgs >"$work/purge.log" 2>&1
    installed=0
}
cleanup() { purge; rm -rf "$work"; }
trap cleanup EXIT
finish() { echo "packages: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || { bad "needs root (installs the packages)"; finish; }
for tool in dpkg-buildpackage dh lintian apt-get pkg-config gcc man; do
    command -v "$tool" >/dev/null 2>&1 || bad "$tool missing (tools/deps.sh)"
done
[ "$failed" = 0 ] || finish

# ---- 1. build -------------------------------------------------------------------------------------------
src=$work/libdropwatch-0.1.0
mkdir -p "$src"
(cd "$top" && tar --exclude=./_build --exclude=./.tools --exclude=./.git --exclude='./build*' -cf - .) |
    (cd "$src" && tar -xf -) || { bad "copying the tree"; finish; }
if (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" dpkg-buildpackage -us -uc) >"$work/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc"
else
    tail -40 "$work/build.log"; bad "dpkg-buildpackage -us -uc"; finish
fi
for p in $pkgs; do
    debs=("$work"/"${p}"_*.deb)
    deb=${debs[0]}
    if [ -f "$deb" ]; then
        ok "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, $(dpkg-deb -c "$deb" | grep -vc '/$') files"
    else
        bad "package $p was not built"
    fi
done
changes=("$work"/*.changes)
if lintian --fail-on error "${changes[0]}" >"$work/lintian.log" 2>&1; then
    ok "lintian: no error ($(grep -c '^W:' "$work/lintian.log") warnings)"
else
    grep '^E:' "$work/lintian.log"; bad "lintian reports errors"
fi
[ "$failed" = 0 ] || finish

# ---- 2. install, use, remove ------------------------------------------------------------------------------
for p in $pkgs; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] &&
        { bad "$p is already installed: refusing to replace it"; finish; }
done
installed=1
# shellcheck disable=SC2046
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
        $(for p in $pkgs; do ls "$work"/${p}_*.deb; done) >"$work/install.log" 2>&1; then
    ok "apt install ./*.deb"
else
    tail -20 "$work/install.log"; bad "apt install ./*.deb"; finish
fi
cat >"$work/use.c" <<'C'
#include <dropwatch.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    dw_name_check c;
    char path[256];
    dw_resolve_options o = DW_RESOLVE_OPTIONS_INIT;
    if (dw_name_validate("Fax", &c) != DW_OK || dw_name_validate("CON", &c) == DW_OK)
        return 1;
    if (dw_path_resolve("/srv/drops", "Fax", &o, path, sizeof path, NULL, NULL) != DW_OK || strcmp(path, "/srv/drops/Fax"))
        return 2;
    printf("%s %s\n", dw_version_string(), path);
    return strcmp(dw_version_string(), DW_VERSION_STRING) != 0;
}
C
# shellcheck disable=SC2046
if gcc -std=c11 -Wall -Werror "$work/use.c" -o "$work/use" $(pkg-config --cflags --libs dropwatch) 2>"$work/cc.log" &&
   out=$("$work/use"); then
    ok "a program compiles with pkg-config and runs: $out"
else
    cat "$work/cc.log"; bad "compiling/running a program with pkg-config dropwatch"
fi
# ldd's output is captured before grep reads it: `ldd | grep -q` under pipefail fails whenever grep stops
# before ldd's last line (tests/scripts/check-pipefail.sh).
libs=$(ldd "$work/use" 2>&1)
grep -qE "libdropwatch.so.0 => /(usr/)?lib/" <<<"$libs" && ok "it links the packaged libdropwatch.so.0" ||
    bad "the program does not use /usr/lib/.../libdropwatch.so.0; ldd says: $(grep libdropwatch <<<"$libs" || echo "$libs")"
if py=$(cd / && /usr/bin/python3 -c 'import dropwatch, importlib.metadata, tempfile, os
d = tempfile.mkdtemp(); p = dropwatch.create_drop_directory(os.path.join(d, "Drop"))
with dropwatch.Drop.open(p) as drop: drop.write(b"Subject: x\r\n\r\nbody\r\n")
assert importlib.metadata.version("dropwatch") == dropwatch.__version__
print(dropwatch.__version__, dropwatch.__file__)'); then
    case $py in
        *" /usr/lib/python3/dist-packages/dropwatch/"*) ok "/usr/bin/python3 imports the packaged module (importlib.metadata agrees): $py" ;;
        *) bad "the module did not come from the package: $py" ;;
    esac
else
    bad "/usr/bin/python3 -c 'import dropwatch' failed"
fi
v=$(dropwatch --version 2>&1) && grep -q '0.1.0' <<<"$v" && ok "dropwatch --version: $(head -n 1 <<<"$v")" ||
    bad "dropwatch --version: $v"
# debian/rules builds it with --disable-static-libc (glibc security updates must reach it)
libs=$(ldd "$(command -v dropwatch)" 2>&1)
grep -qE "libc.so.6 => /(usr/)?lib/" <<<"$libs" &&
    ok "the packaged dropwatch loads the shared C library" || bad "the packaged dropwatch is not linked to libc.so.6; ldd says: $libs"
man -w dropwatch >/dev/null 2>&1 && man -w dw_drop_open >/dev/null 2>&1 && man -w dw_envelope_new >/dev/null 2>&1 &&
    ok "man pages installed (dropwatch(1), dw_drop_open(3), dw_envelope_new(3))" || bad "man pages missing"
[ -f /usr/share/bash-completion/completions/dropwatch ] && [ -f /usr/share/zsh/vendor-completions/_dropwatch ] &&
    ok "bash and zsh completion installed" || bad "completion files missing"
purge
left=""
for p in $pkgs; do
    case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in *installed*) left="$left $p" ;; esac
done
for f in /usr/include/dropwatch /usr/include/dropwatch.h /usr/lib/python3/dist-packages/dropwatch /usr/bin/dropwatch \
         /usr/lib/python3/dist-packages/dropwatch-0.1.0.dist-info \
         /usr/share/bash-completion/completions/dropwatch; do
    [ -e "$f" ] && left="$left $f"
done
[ -z "$left" ] && ok "purged cleanly" || bad "left after purge:$left"

# ---- 3. make install / uninstall --------------------------------------------------------------------------
if [ -f "$full/Makefile" ]; then
    inst=$work/destdir
    if make -C "$full" install DESTDIR="$inst" >"$work/make-install.log" 2>&1; then
        so=$(find "$inst" -path '*/share/*' -name '*.so*' | sed "s|$inst||")
        [ -z "$so" ] && ok "make install: no .so under share/" || bad "make install puts .so files under share/: $so"
        make -C "$full" uninstall DESTDIR="$inst" >"$work/make-uninstall.log" 2>&1 || bad "make uninstall failed"
        prefix=$(sed -n 's/^prefix = //p' "$full/Makefile")
        rest=$(cd "$inst" && find . -mindepth 1 ! -type d -print; find . -mindepth 1 -type d -print | sed 's|^\.||' |
               while read -r d; do case "$prefix" in "$d"|"$d"/*) ;; *) echo "$d" ;; esac; done)
        [ -z "$rest" ] && ok "make uninstall leaves no file and no directory" || bad "left after make uninstall: $rest"
    else
        tail -20 "$work/make-install.log"; bad "make install into a DESTDIR"
    fi
else
    bad "no full build at $full (tools/test-all.sh builds it first)"
fi
finish
