dnl SPDX-License-Identifier: MIT
dnl Python binding (SWIG): bindings/python/. m4_included by configure.ac after AC_PATH_PROG([SWIG]).
dnl
dnl --enable-python       yes: required (configure fails without Python 3 headers or SWIG);
dnl                       auto (default): built when found; no: never.
dnl --with-python=PATH    or the PYTHON variable: the interpreter to build for, test with and install into.
dnl Without either, the first candidate with headers wins, preferring one that can also import pytest:
dnl $PYTHON, python3 on PATH, /usr/bin/python3.
AC_ARG_ENABLE([python],
  [AS_HELP_STRING([--enable-python], [build the SWIG Python binding (yes: required, auto: when found)])],
  [], [enable_python=auto])
AC_ARG_WITH([python],
  [AS_HELP_STRING([--with-python=PATH], [Python 3 interpreter for the binding (default: search, see PYTHON)])],
  [], [with_python=])
AC_ARG_WITH([python-sitedir],
  [AS_HELP_STRING([--with-python-sitedir=DIR], [install the dropwatch package into DIR (default: the interpreter's site-packages under the prefix)])],
  [], [with_python_sitedir=])
AC_ARG_VAR([PYTHON], [Python 3 interpreter for the binding and the test drivers])

AS_CASE([$enable_python], [yes|no|auto], [],
  [AC_MSG_ERROR([--enable-python takes yes, no or auto, not '$enable_python'])])
AS_CASE([$with_python], [yes|no], [with_python=])

dnl DW_PYTHON_PROBE(INTERPRETER): sets dw_py_headers / dw_py_pytest to yes or no.
m4_define([DW_PYTHON_PROBE], [
  dw_py_headers=no
  dw_py_pytest=no
  AS_IF([$1 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)' >/dev/null 2>&1], [
    dw_py_inc=`$1 -c 'import sysconfig; print(sysconfig.get_paths().get("include"))' 2>/dev/null`
    AS_IF([test -n "$dw_py_inc" && test -f "$dw_py_inc/Python.h"], [dw_py_headers=yes])
    AS_IF([$1 -c 'import pytest' >/dev/null 2>&1], [dw_py_pytest=yes])
  ])
])

dw_python_status=disabled
dw_python_found=
PYTHON_CFLAGS=
PYTHON_EXT_SUFFIX=
pythondir=

AS_IF([test -n "$with_python"], [dw_py_candidates=$with_python],
      [test -n "$PYTHON"], [dw_py_candidates=$PYTHON],
      [dw_py_candidates="python3 /usr/bin/python3"])

dw_py_first_with_headers=
dw_py_any=
for dw_py_cand in $dw_py_candidates; do
  dw_py_path=
  AS_CASE([$dw_py_cand],
    [/*], [test -x "$dw_py_cand" && dw_py_path=$dw_py_cand],
    [dw_py_path=`command -v "$dw_py_cand" 2>/dev/null`])
  test -n "$dw_py_path" || continue
  test -n "$dw_py_any" || dw_py_any=$dw_py_path
  AC_MSG_CHECKING([whether $dw_py_path has Python 3 headers and pytest])
  DW_PYTHON_PROBE([$dw_py_path])
  AC_MSG_RESULT([headers $dw_py_headers, pytest $dw_py_pytest])
  AS_IF([test "x$dw_py_headers" = xyes], [
    test -n "$dw_py_first_with_headers" || dw_py_first_with_headers=$dw_py_path
    AS_IF([test "x$dw_py_pytest" = xyes], [dw_python_found=$dw_py_path; break])
  ])
done
test -n "$dw_python_found" || dw_python_found=$dw_py_first_with_headers
dw_python_pytest=no
AS_IF([test -n "$dw_python_found"], [
  DW_PYTHON_PROBE([$dw_python_found])
  dw_python_pytest=$dw_py_pytest
])

AS_IF([test "x$enable_python" = xno], [
  dw_python_status="disabled (--disable-python)"
], [test -z "$dw_python_found"], [
  dw_python_status="disabled (no Python 3 interpreter with headers among: $dw_py_candidates)"
], [test -z "$SWIG"], [
  dw_python_status="disabled (swig not found)"
], [
  PYTHON=$dw_python_found
  PYTHON_CFLAGS=`$PYTHON -c 'import sysconfig
p = sysconfig.get_paths()
dirs = list((p.get("include"),))
if p.get("platinclude") and p.get("platinclude") != p.get("include"):
    dirs.append(p.get("platinclude"))
print(" ".join("-I" + d for d in dirs))'`
  PYTHON_EXT_SUFFIX=`$PYTHON -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX") or ".so")'`
  dnl Install under ${prefix} (so make install / distcheck never leave it): the interpreter's own
  dnl site directory when it lies under lib/ of the prefix (Debian: /usr/local -> lib/python3.X/dist-packages),
  dnl else the posix_prefix layout lib/python3.X/site-packages.
  dw_py_prefix=$prefix
  test "x$dw_py_prefix" = xNONE && dw_py_prefix=$ac_default_prefix
  AC_MSG_CHECKING([where to install the Python package])
  dw_py_rel=`$PYTHON -c 'import os, site, sys, sysconfig
prefix = os.path.normpath(sys.argv.pop())
cands = list()
if hasattr(site, "getsitepackages"):
    cands.extend(site.getsitepackages())
cands.append(sysconfig.get_path("platlib"))
libdirs = set(("lib", "lib64", getattr(sys, "platlibdir", "lib")))
for c in map(os.path.normpath, cands):
    rel = os.path.relpath(c, prefix)
    if c.startswith(prefix + os.sep) and rel.split(os.sep).pop(0) in libdirs:
        print(rel)
        sys.exit(0)
v = dict(base=prefix, platbase=prefix, installed_base=prefix, installed_platbase=prefix)
print(os.path.relpath(sysconfig.get_path("platlib", "posix_prefix", vars=v), prefix))' "$dw_py_prefix"`
  AS_IF([test -n "$with_python_sitedir"], [pythondir=$with_python_sitedir],
        [test -n "$dw_py_rel"], [pythondir='${prefix}/'$dw_py_rel])
  AC_MSG_RESULT([$pythondir])
  AS_IF([test -n "$PYTHON_CFLAGS" && test -n "$pythondir"],
    [dw_python_status="yes ($PYTHON)"],
    [dw_python_status="disabled (could not query $dw_python_found)"])
])

AS_CASE([$dw_python_status],
  [yes*], [],
  [AS_IF([test "x$enable_python" = xyes],
     [AC_MSG_ERROR([--enable-python given but the binding cannot be built: $dw_python_status])])
   dnl Keep an interpreter for test drivers that only parse output (JSON, XML).
   AS_IF([test -z "$PYTHON"], [PYTHON=$dw_py_any])])

AS_IF([test "x$dw_python_pytest" != xyes && test "x${dw_python_status%% *}" = xyes],
  [AC_MSG_WARN([$PYTHON cannot import pytest: make check will skip the Python tests (install python3-pytest)])])

dw_python_required=no
test "x$enable_python" = xyes && dw_python_required=yes
AC_SUBST([PYTHON])
AC_SUBST([PYTHON_CFLAGS])
AC_SUBST([PYTHON_EXT_SUFFIX])
AC_SUBST([pythondir])
AC_SUBST([DW_PYTHON_REQUIRED], [$dw_python_required])
AM_CONDITIONAL([ENABLE_PYTHON], [test "x${dw_python_status%% *}" = xyes])
