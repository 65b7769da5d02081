#!/bin/bash
# SPDX-License-Identifier: MIT
# Stage of tools/test-all.sh: the Python package built the PyPI way. From a copy of the tree (the source
# tree stays clean): `pip wheel .` and `pip install .` in fresh virtual environments, offline with
# --no-build-isolation and Debian's build tools (python3-setuptools, python3-wheel, swig; the venvs see
# them through --system-site-packages, which is also where pytest comes from). The wheel must be tagged
# for this interpreter and platform and carry py.typed and the licence; the binding's whole pytest suite
# then runs against the installed copy (no PYTHONPATH, not from the build tree).
set -uo pipefail
top=${DW_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
python=${DW_PYTHON:-/usr/bin/python3}
work=$(mktemp -d /tmp/dw-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() { echo "wheel: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

for tool in swig "$python"; do
    command -v "$tool" >/dev/null 2>&1 || { bad "$tool missing (tools/deps.sh)"; finish; }
done
"$python" -c 'import setuptools, wheel, venv, pytest' 2>/dev/null ||
    { bad "python3-setuptools, python3-wheel, python3-venv or python3-pytest missing (tools/deps.sh)"; finish; }

# A copy of the sources without build trees or tools.
mkdir -p "$work/src"
(cd "$top" && tar --exclude=./_build --exclude=./.tools --exclude=./.git --exclude='./build*' -cf - .) |
    (cd "$work/src" && tar -xf -) || { bad "copying the tree"; finish; }

tag=$("$python" -c 'import sys, sysconfig; print("cp%d%d-cp%d%d-%s" % (sys.version_info[:2] * 2 + (sysconfig.get_platform().replace("-", "_").replace(".", "_"),)))')
"$python" -m venv --system-site-packages "$work/build-venv" || { bad "creating a venv"; finish; }
if "$work/build-venv/bin/pip" wheel --no-build-isolation --no-deps -w "$work/dist" "$work/src" >"$work/wheel.log" 2>&1; then
    ok "pip wheel ."
else
    tail -30 "$work/wheel.log"; bad "pip wheel ."; finish
fi
whls=("$work"/dist/dropwatch-*.whl)
whl=${whls[0]}
case $(basename "$whl") in
    *-"$tag".whl) ok "wheel tagged $tag: $(basename "$whl") ($(du -k "$whl" | cut -f1) KiB)" ;;
    *) bad "wheel $(basename "$whl") is not tagged $tag" ;;
esac
listing=$("$python" -m zipfile -l "$whl")
for f in dropwatch/py.typed dropwatch/__init__.py "dropwatch/_native.cpython-" dist-info/LICENSE dist-info/METADATA; do
    grep -q -- "$f" <<<"$listing" && ok "wheel has $f" || bad "wheel lacks $f"
done

# Install the wheel into a fresh venv and run the binding's test suite against it.
"$python" -m venv --system-site-packages "$work/venv" || { bad "creating a venv"; finish; }
"$work/venv/bin/pip" install --no-index --no-deps "$whl" >"$work/install.log" 2>&1 && ok "pip install the wheel" ||
    { tail -20 "$work/install.log"; bad "pip install the wheel"; finish; }
v=$("$work/venv/bin/python" -c 'import importlib.metadata as m, dropwatch; print(m.version("dropwatch"), dropwatch.__file__)')
case $v in
    *"$work/venv/"*) ok "importlib.metadata.version: ${v%% *}, imported from the venv" ;;
    *) bad "dropwatch not imported from the venv: $v" ;;
esac
(cd "$work" && env -u PYTHONPATH "$work/venv/bin/python" -m pytest -q -p no:cacheprovider \
    --rootdir="$work/src/tests/python" "$work/src/tests/python") >"$work/pytest.log" 2>&1
rc=$?
tail -n 3 "$work/pytest.log"
[ $rc -eq 0 ] && ok "pytest suite against the installed wheel" || { tail -40 "$work/pytest.log"; bad "pytest suite against the installed wheel"; }

# pip install . (building from the sources inside the venv) works too.
"$python" -m venv --system-site-packages "$work/venv2" || { bad "creating a venv"; finish; }
if "$work/venv2/bin/pip" install --no-build-isolation --no-deps "$work/src" >"$work/install2.log" 2>&1 &&
   "$work/venv2/bin/python" -c 'import dropwatch, sys; sys.exit(0 if dropwatch.validate_drop_directory("Fax") else 1)'; then
    ok "pip install . in a fresh venv"
else
    tail -20 "$work/install2.log"; bad "pip install . in a fresh venv"
fi
finish
