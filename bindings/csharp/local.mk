# SPDX-License-Identifier: MIT
# C# binding: SWIG generates C glue and internal C# plumbing from bindings/csharp/dropwatch_csharp.i into
# the build dir; the glue becomes the native module dropwatch_csharp.so (linked to libdropwatch, RUNPATH
# $ORIGIN so it finds a libdropwatch beside it); `dotnet build` compiles the plumbing plus the hand-written
# idiomatic layer (bindings/csharp/DropWatch/*.cs) into DropWatch.dll. Every dotnet output (obj/, bin/)
# goes under the build dir so a read-only source tree (make distcheck) works.

DW_CSHARP_CS_FILES = \
	bindings/csharp/DropWatch/Alert.cs \
	bindings/csharp/DropWatch/Drop.cs \
	bindings/csharp/DropWatch/DropDirectoryName.cs \
	bindings/csharp/DropWatch/DropPath.cs \
	bindings/csharp/DropWatch/Envelope.cs \
	bindings/csharp/DropWatch/Exceptions.cs \
	bindings/csharp/DropWatch/Interop.cs \
	bindings/csharp/DropWatch/IOClassifier.cs \
	bindings/csharp/DropWatch/Library.cs \
	bindings/csharp/DropWatch/Pickup.cs \
	bindings/csharp/DropWatch/Quota.cs \
	bindings/csharp/DropWatch/Throttle.cs
DW_CSHARP_PROJECT_FILES = \
	bindings/csharp/DropWatch.csproj \
	bindings/csharp/README.md \
	bindings/csharp/Directory.Build.props \
	bindings/csharp/Directory.Build.targets

EXTRA_DIST += \
	bindings/csharp/dropwatch_csharp.i \
	bindings/csharp/gen-enums.py \
	$(DW_CSHARP_CS_FILES) \
	$(DW_CSHARP_PROJECT_FILES)

# Quiet, bounded dotnet runs (2 shared cores): no build server, no node reuse, one node.
DW_DOTNET_ENV = DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
	DOTNET_CLI_USE_MSBUILD_SERVER=0 MSBUILDDISABLENODEREUSE=1
DW_DOTNET_FLAGS = --nologo -v q -m:1 -p:UseSharedCompilation=false -p:DwBuildRoot=$(abs_top_builddir)/

if ENABLE_CSHARP
DW_CS_GEN = bindings/csharp/generated
DW_CS_OUT = bindings/csharp/out

# The glue is installed with the PowerShell module (which is how .NET finds it: beside DropWatch.dll).
# The module holds a native .so, so it lives under $(libdir) (architecture-dependent), not $(datadir).
psmoduledir = $(pkglibdir)/powershell/Modules/DropWatch
psmodule_LTLIBRARIES = bindings/csharp/dropwatch_csharp.la
nodist_bindings_csharp_dropwatch_csharp_la_SOURCES = $(DW_CS_GEN)/dropwatch_csharp_wrap.c
bindings_csharp_dropwatch_csharp_la_CPPFLAGS = $(AM_CPPFLAGS) -D_GNU_SOURCE
# SWIG's wrappers are exported functions without prototypes; everything else stays warning-clean.
bindings_csharp_dropwatch_csharp_la_CFLAGS = $(AM_CFLAGS) -Wno-missing-prototypes -Wno-strict-prototypes \
	-fno-strict-aliasing
bindings_csharp_dropwatch_csharp_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -no-undefined -Wl,-z,defs \
	-Wl,-rpath,'$$ORIGIN'
bindings_csharp_dropwatch_csharp_la_LIBADD = lib/libdropwatch.la

DW_CS_SWIG_DEPS = $(include_HEADERS:%=$(top_srcdir)/%) $(dropwatchinclude_HEADERS:%=$(top_srcdir)/%) \
	include/dropwatch/version.h

# One SWIG run writes the C glue and every generated .cs; old .cs files go first so a type removed from
# the interface leaves none behind (the directory itself stays: it holds automake's .deps).
$(DW_CS_GEN)/dropwatch_csharp_wrap.c: $(srcdir)/bindings/csharp/dropwatch_csharp.i \
		$(srcdir)/bindings/common/dropwatch.i $(DW_CS_SWIG_DEPS)
	$(AM_V_GEN)$(MKDIR_P) $(DW_CS_GEN) && rm -f $(DW_CS_GEN)/*.cs && \
	$(SWIG) -csharp -namespace DropWatch.Native -dllimport dropwatch_csharp \
		-I$(top_srcdir)/bindings -I$(top_srcdir)/include -I$(top_builddir)/include \
		-outdir $(DW_CS_GEN) -o $@ $(srcdir)/bindings/csharp/dropwatch_csharp.i

# The public enums, generated from the C headers (their values cannot drift). After the SWIG run, which
# empties the directory.
$(DW_CS_GEN)/Enums.g.cs: $(srcdir)/bindings/csharp/gen-enums.py $(DW_CS_SWIG_DEPS) $(DW_CS_GEN)/dropwatch_csharp_wrap.c
	$(AM_V_GEN)$(PYTHON) $(srcdir)/bindings/csharp/gen-enums.py $(top_srcdir)/include $@

# DropWatch.dll and the native libraries it needs, side by side (what the tests and the module load).
$(DW_CS_OUT)/DropWatch.dll: $(DW_CS_GEN)/dropwatch_csharp_wrap.c $(DW_CS_GEN)/Enums.g.cs $(DW_CSHARP_CS_FILES:%=$(srcdir)/%) \
		$(DW_CSHARP_PROJECT_FILES:%=$(srcdir)/%)
	$(AM_V_GEN)$(DW_DOTNET_ENV) $(DOTNET) build $(srcdir)/bindings/csharp/DropWatch.csproj -c Release \
		$(DW_DOTNET_FLAGS) -p:DwGeneratedDir=$(abs_builddir)/$(DW_CS_GEN)/ -o $(abs_builddir)/$(DW_CS_OUT) && touch $@

$(DW_CS_OUT)/dropwatch_csharp.so: bindings/csharp/dropwatch_csharp.la
	$(AM_V_GEN)$(MKDIR_P) $(DW_CS_OUT) && cp -f bindings/csharp/.libs/dropwatch_csharp.so $@

# The glue's RUNPATH has $ORIGIN: a copy of libdropwatch under its soname beside it is found first.
$(DW_CS_OUT)/libdropwatch.stamp: lib/libdropwatch.la
	$(AM_V_GEN)$(MKDIR_P) $(DW_CS_OUT) && dlname= && . ./lib/libdropwatch.la && \
	cp -f lib/.libs/$$dlname $(DW_CS_OUT)/$$dlname && touch $@

noinst_DATA += $(DW_CS_OUT)/DropWatch.dll $(DW_CS_OUT)/dropwatch_csharp.so $(DW_CS_OUT)/libdropwatch.stamp

# ---- the NuGet package transport agents reference: make nupkg ---------------------------------------
# DropWatch.$(PACKAGE_VERSION).nupkg with lib/netstandard2.0/DropWatch.dll (+ XML docs) and the native pieces
# per runtime: runtimes/linux-x64/native/ from this build, runtimes/win-x64/native/ from a mingw build of the
# same sources (DW_WIN_BUILDDIR, configured with --host=x86_64-w64-mingw32; tools/test-all.d/25-dotnet-windows.sh
# makes one in _build/win). The Windows glue is compiled here from the same SWIG wrapper with the mingw
# compiler, linked to that build's libdropwatch-0.dll; libgcc is linked statically, so the two DLLs need
# nothing beyond Windows' own (KERNEL32, msvcrt, ntdll, bcrypt).
DW_WIN_BUILDDIR = $(abs_top_builddir)/../win
DW_MINGW_HOST = x86_64-w64-mingw32
DW_CS_WIN = bindings/csharp/win-x64
DW_NUPKG = bindings/csharp/pkg/DropWatch.$(PACKAGE_VERSION).nupkg

$(DW_CS_WIN)/dropwatch_csharp.dll: $(DW_CS_GEN)/dropwatch_csharp_wrap.c $(DW_WIN_BUILDDIR)/lib/libdropwatch.la
	$(AM_V_GEN)$(MKDIR_P) $(DW_CS_WIN) && rm -f $(DW_CS_WIN)/*.dll && dlname= && \
	. $(DW_WIN_BUILDDIR)/lib/libdropwatch.la && \
	cp -f $(DW_WIN_BUILDDIR)/lib/.libs/$$dlname $(DW_CS_WIN)/$$dlname && \
	$(DW_MINGW_HOST)-gcc -std=c11 -O2 -shared -fno-strict-aliasing -Wall -Wextra -Werror \
		-Wno-missing-prototypes -Wno-strict-prototypes -Wno-unused-parameter \
		-I$(top_srcdir)/include -I$(DW_WIN_BUILDDIR)/include $(DW_CS_GEN)/dropwatch_csharp_wrap.c \
		-o $@ -L$(DW_WIN_BUILDDIR)/lib/.libs -ldropwatch -static-libgcc && \
	$(DW_MINGW_HOST)-strip --strip-debug $@ $(DW_CS_WIN)/$$dlname

$(DW_WIN_BUILDDIR)/lib/libdropwatch.la:
	@echo "make nupkg needs a mingw build of libdropwatch in DW_WIN_BUILDDIR=$(DW_WIN_BUILDDIR)" >&2; exit 1

$(DW_NUPKG): $(DW_CS_OUT)/DropWatch.dll $(DW_CS_OUT)/dropwatch_csharp.so $(DW_CS_OUT)/libdropwatch.stamp \
		$(DW_CS_WIN)/dropwatch_csharp.dll $(srcdir)/bindings/csharp/README.md
	$(AM_V_GEN)rm -f bindings/csharp/pkg/DropWatch.*.nupkg && \
	$(DW_DOTNET_ENV) $(DOTNET) pack $(srcdir)/bindings/csharp/DropWatch.csproj -c Release \
		$(DW_DOTNET_FLAGS) -p:DwGeneratedDir=$(abs_builddir)/$(DW_CS_GEN)/ -p:Version=$(PACKAGE_VERSION) \
		-p:DwNativeLinux=$(abs_builddir)/$(DW_CS_OUT)/ -p:DwNativeWin=$(abs_builddir)/$(DW_CS_WIN)/ \
		-p:PackageOutputPath=$(abs_builddir)/bindings/csharp/pkg/

nupkg: $(DW_NUPKG)

# The .la is useless inside a PowerShell module folder.
DW_INSTALL_DATA_HOOKS += dw-csharp-install-data-hook
dw-csharp-install-data-hook:
	rm -f $(DESTDIR)$(psmoduledir)/dropwatch_csharp.la
DW_UNINSTALL_HOOKS += dw-csharp-uninstall-hook
dw-csharp-uninstall-hook:
	rm -f $(DESTDIR)$(psmoduledir)/dropwatch_csharp.so
endif

DW_CLEAN_LOCAL += dw-csharp-clean-local
dw-csharp-clean-local:
	-rm -rf bindings/csharp/out bindings/csharp/win-x64 bindings/csharp/pkg dotnet tests/csharp/results
	-rm -f bindings/csharp/generated/*.cs bindings/csharp/generated/*.c

.PHONY: dw-csharp-clean-local dw-csharp-install-data-hook dw-csharp-uninstall-hook nupkg

# ---- tests: xunit (tests/csharp/), run by make check through run-xunit.sh --------------------------------
DW_CSHARP_TEST_FILES = \
	tests/csharp/AlertTests.cs \
	tests/csharp/ClassifierTests.cs \
	tests/csharp/DropTests.cs \
	tests/csharp/PickupTests.cs \
	tests/csharp/FinalDirectoryTests.cs \
	tests/csharp/FaultTests.cs \
	tests/csharp/NameAndPathTests.cs \
	tests/csharp/TestSupport.cs \
	tests/csharp/TryTests.cs \
	tests/csharp/DropWatch.Tests.csproj \
	tests/csharp/Directory.Build.props \
	tests/csharp/xunit.runner.json
EXTRA_DIST += $(DW_CSHARP_TEST_FILES) tests/csharp/run-xunit.sh
# Listed whether or not the binding is built: the driver skips (77), or fails under --enable-csharp.
TESTS += tests/csharp/run-xunit.sh
check_SCRIPTS += tests/csharp/dotnet-env.sh
CLEANFILES += tests/csharp/dotnet-env.sh

# What configure found, for the C# and PowerShell test drivers.
tests/csharp/dotnet-env.sh: Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/csharp && { \
	  echo "DW_CSHARP_ENABLED='$(DW_CSHARP_ENABLED)'"; \
	  echo "DW_CSHARP_REQUIRED='$(DW_CSHARP_REQUIRED)'"; \
	  echo "DW_CSHARP_STATUS='$(DW_CSHARP_STATUS)'"; \
	  echo "DOTNET='$(DOTNET)'"; \
	  echo "PWSH_CONFIGURED='$(PWSH)'"; \
	} > $@-t && mv -f $@-t $@
