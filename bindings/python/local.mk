# SPDX-License-Identifier: MIT
# Python binding: SWIG generates the low-level extension dropwatch._native (a libtool module linked
# against libdropwatch); the pure-Python package bindings/python/dropwatch/ is the API users see.
# The wrapper C is a build output (generated in the build directory, never in the source tree, so a
# read-only distcheck tree is fine). See doc/python.md.

DW_PY_PACKAGE = \
	bindings/python/dropwatch/__init__.py \
	bindings/python/dropwatch/_errors.py \
	bindings/python/dropwatch/_paths.py \
	bindings/python/dropwatch/_classify.py \
	bindings/python/dropwatch/_drop.py \
	bindings/python/dropwatch/_alert.py \
	bindings/python/dropwatch/_util.py \
	bindings/python/dropwatch/_pickup.py \
	bindings/python/dropwatch/py.typed

DW_PY_TESTS = \
	tests/python/conftest.py \
	tests/python/test_paths.py \
	tests/python/test_classify.py \
	tests/python/test_drop.py \
	tests/python/test_errors.py \
	tests/python/test_outcomes.py \
	tests/python/test_alert.py \
	tests/python/test_envelope.py \
	tests/python/test_threads.py \
	tests/python/test_example.py \
	tests/python/test_robustness.py \
	tests/python/test_installed.py \
	tests/python/test_pickup.py

EXTRA_DIST += bindings/python/dropwatch.i bindings/common/dropwatch.i $(DW_PY_PACKAGE) $(DW_PY_TESTS) pyproject.toml setup.py \
	tests/python/run-pytest.sh.in doc/python.md

# Build-tree copy of the package (sources + the fresh extension) that the tests import.
DW_PY_INPLACE = bindings/python/inplace

if ENABLE_PYTHON
DW_PY_ENABLED = yes

dwpythondir = $(pythondir)/dropwatch
dwpython_DATA = $(DW_PY_PACKAGE)
dwpython_LTLIBRARIES = bindings/python/_native.la
nodist_bindings_python__native_la_SOURCES = bindings/python/dropwatch_wrap.c
bindings_python__native_la_CPPFLAGS = $(AM_CPPFLAGS) $(PYTHON_CFLAGS)
# Generated code: the project's warning set (and -Werror) is for our C, not SWIG's.
bindings_python__native_la_CFLAGS = -fno-strict-aliasing -Wall -Wno-unused-parameter
bindings_python__native_la_LDFLAGS = -module -avoid-version -shared
bindings_python__native_la_LIBADD = lib/libdropwatch.la

DW_PY_SWIG_DEPS = $(include_HEADERS) $(dropwatchinclude_HEADERS) include/dropwatch/version.h
bindings/python/dropwatch_wrap.c: $(srcdir)/bindings/python/dropwatch.i $(srcdir)/bindings/common/dropwatch.i $(DW_PY_SWIG_DEPS)
	$(AM_V_GEN)$(MKDIR_P) bindings/python && \
	$(SWIG) -python -builtin -I$(top_srcdir)/bindings -I$(top_srcdir)/include -I$(top_builddir)/include \
		-outdir bindings/python -o $@ $(srcdir)/bindings/python/dropwatch.i

noinst_DATA += bindings/python/inplace.stamp
bindings/python/inplace.stamp: bindings/python/_native.la $(DW_PY_PACKAGE)
	$(AM_V_GEN)rm -rf $(DW_PY_INPLACE) && $(MKDIR_P) $(DW_PY_INPLACE)/dropwatch && \
	for f in $(DW_PY_PACKAGE); do \
		if test -f "$$f"; then s="$$f"; else s="$(srcdir)/$$f"; fi; \
		cp "$$s" $(DW_PY_INPLACE)/dropwatch/ || exit 1; \
	done && \
	cp bindings/python/.libs/_native.so $(DW_PY_INPLACE)/dropwatch/_native$(PYTHON_EXT_SUFFIX) && \
	touch $@

else
DW_PY_ENABLED = no
endif

# Installed under the interpreter's extension name; libtool's .la has no use in site-packages. (dwpythondir
# has no "exec" in its name, so automake installs the module with the data: hence the data hook.)
# Distribution metadata beside the package, so importlib.metadata.version("dropwatch") answers for this
# install route too (pip writes its own for the pyproject.toml route).
DW_PY_DISTINFO = $(pythondir)/dropwatch-$(PACKAGE_VERSION).dist-info
DW_INSTALL_DATA_HOOKS += dw-python-install-data-hook
dw-python-install-data-hook:
	@if test "$(DW_PY_ENABLED)" = yes; then \
		cd "$(DESTDIR)$(dwpythondir)" && \
		mv -f _native.so "_native$(PYTHON_EXT_SUFFIX)" && rm -f _native.la && \
		$(MKDIR_P) "$(DESTDIR)$(DW_PY_DISTINFO)" && \
		printf 'Metadata-Version: 2.1\nName: dropwatch\nVersion: %s\nSummary: %s\nLicense: MIT\nClassifier: License :: OSI Approved :: MIT License\n' \
			'$(PACKAGE_VERSION)' 'Python binding of libdropwatch (installed with the library)' \
			> "$(DESTDIR)$(DW_PY_DISTINFO)/METADATA" && \
		printf 'dropwatch\n' > "$(DESTDIR)$(DW_PY_DISTINFO)/top_level.txt"; \
	fi
DW_UNINSTALL_HOOKS += dw-python-uninstall-hook
dw-python-uninstall-hook:
	@if test "$(DW_PY_ENABLED)" = yes; then \
		rm -f "$(DESTDIR)$(dwpythondir)/_native$(PYTHON_EXT_SUFFIX)"; \
		rmdir "$(DESTDIR)$(dwpythondir)" 2>/dev/null || :; \
		rm -f "$(DESTDIR)$(DW_PY_DISTINFO)/METADATA" "$(DESTDIR)$(DW_PY_DISTINFO)/top_level.txt"; \
		rmdir "$(DESTDIR)$(DW_PY_DISTINFO)" 2>/dev/null || :; \
	fi

CLEANFILES += bindings/python/dropwatch_wrap.c bindings/python/native.py bindings/python/inplace.stamp \
	tests/python/run-pytest.sh
DW_CLEAN_LOCAL += dw-python-clean-local
dw-python-clean-local:
	rm -rf $(DW_PY_INPLACE)

# make check: the pytest suite against the build tree. It fails (not skips) when --enable-python was
# given and the binding or pytest is missing; otherwise a missing binding is a skip (exit 77).
TESTS += tests/python/run-pytest.sh
check_SCRIPTS += tests/python/run-pytest.sh
tests/python/run-pytest.sh: $(srcdir)/tests/python/run-pytest.sh.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/python && \
	sed -e 's|@DW_PY_ENABLED[@]|$(DW_PY_ENABLED)|g' \
	    -e 's|@DW_PYTHON_REQUIRED[@]|$(DW_PYTHON_REQUIRED)|g' \
	    -e 's|@DW_PY_INPLACE[@]|$(abs_top_builddir)/$(DW_PY_INPLACE)|g' \
	    $(srcdir)/tests/python/run-pytest.sh.in > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@
