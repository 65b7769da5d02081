# SPDX-License-Identifier: MIT
# PowerShell module: bindings/powershell/DropWatch/ (manifest + script module) plus, assembled in the build
# dir, DropWatch.dll, its native glue and a copy of libdropwatch: `Import-Module <builddir>/bindings/powershell/DropWatch`
# works straight from the build. `make install` puts the module in $(pkglibdir)/powershell/Modules/DropWatch
# (under lib: it carries a native .so); add $(pkglibdir)/powershell/Modules to PSModulePath, or Import-Module
# the folder.

DW_PS_MODULE_FILES = \
	bindings/powershell/DropWatch/DropWatch.format.ps1xml \
	bindings/powershell/DropWatch/DropWatch.psd1 \
	bindings/powershell/DropWatch/DropWatch.psm1

EXTRA_DIST += $(DW_PS_MODULE_FILES) bindings/powershell/install-pwsh.sh doc/csharp-powershell.md

if ENABLE_CSHARP
DW_PS_OUT = bindings/powershell/DropWatch

dist_psmodule_DATA = $(DW_PS_MODULE_FILES)
nodist_psmodule_DATA = bindings/csharp/out/DropWatch.dll

$(DW_PS_OUT)/.stamp: $(DW_PS_MODULE_FILES:%=$(srcdir)/%) $(DW_CS_OUT)/DropWatch.dll $(DW_CS_OUT)/dropwatch_csharp.so \
		$(DW_CS_OUT)/libdropwatch.stamp
	$(AM_V_GEN)$(MKDIR_P) $(DW_PS_OUT) && \
	{ test "$(srcdir)" = . || for f in $(DW_PS_MODULE_FILES); do cp -f $(srcdir)/$$f $(DW_PS_OUT)/ || exit 1; done; } && \
	cp -f $(DW_CS_OUT)/DropWatch.dll $(DW_CS_OUT)/dropwatch_csharp.so $(DW_PS_OUT)/ && \
	dlname= && . ./lib/libdropwatch.la && cp -f lib/.libs/$$dlname $(DW_PS_OUT)/$$dlname && \
	touch $@

noinst_DATA += $(DW_PS_OUT)/.stamp

# ---- make psmodule: the module for PowerShell 7 on Linux and Windows, as Publish-Module expects it --------
# bindings/powershell/publish/DropWatch/: the manifest, script module and views, DropWatch.dll, and both
# platforms' native pieces side by side (.NET picks dropwatch_csharp.so or dropwatch_csharp.dll from the
# assembly's folder; each finds its libdropwatch beside it). The Windows pieces come from make nupkg's
# mingw build (DW_WIN_BUILDDIR). tools/test-all.d/25-dotnet-windows.sh publishes it to a local repository.
DW_PS_PUBLISH = bindings/powershell/publish/DropWatch
bindings/powershell/publish/.stamp: $(DW_PS_OUT)/.stamp $(DW_CS_WIN)/dropwatch_csharp.dll
	$(AM_V_GEN)rm -rf $(DW_PS_PUBLISH) && $(MKDIR_P) $(DW_PS_PUBLISH) && \
	for f in $(DW_PS_MODULE_FILES); do cp -f $(srcdir)/$$f $(DW_PS_PUBLISH)/ || exit 1; done && \
	cp -f $(DW_CS_OUT)/DropWatch.dll $(DW_CS_OUT)/dropwatch_csharp.so $(DW_CS_WIN)/*.dll $(DW_PS_PUBLISH)/ && \
	dlname= && . ./lib/libdropwatch.la && cp -f lib/.libs/$$dlname $(DW_PS_PUBLISH)/$$dlname && \
	touch $@
psmodule: bindings/powershell/publish/.stamp
endif
.PHONY: psmodule

DW_CLEAN_LOCAL += dw-powershell-clean-local
dw-powershell-clean-local:
	-rm -rf bindings/powershell/publish
	-if test "$(srcdir)" != "."; then rm -rf bindings/powershell/DropWatch; else \
	  rm -f bindings/powershell/DropWatch/.stamp bindings/powershell/DropWatch/*.dll \
	    bindings/powershell/DropWatch/*.so bindings/powershell/DropWatch/*.so.*; fi

.PHONY: dw-powershell-clean-local

# ---- tests: Pester suites (tests/powershell/), each in a new pwsh process, through run-pester.sh ---------
DW_PS_TEST_FILES = \
	tests/powershell/Alert.Tests.ps1 \
	tests/powershell/Exchange.Tests.ps1 \
	tests/powershell/Module.Tests.ps1 \
	tests/powershell/Path.Tests.ps1 \
	tests/powershell/Pickup.Tests.ps1 \
	tests/powershell/Write.Tests.ps1 \
	tests/powershell/run-suite.ps1
EXTRA_DIST += $(DW_PS_TEST_FILES) tests/powershell/run-pester.sh
TESTS += tests/powershell/run-pester.sh
# One .NET test run at a time (two shared cores): Pester after xunit, even under make -j.
tests/powershell/run-pester.log: tests/csharp/run-xunit.log
