# SPDX-License-Identifier: MIT
# The library: one .c per concern. Everything is compiled once into a convenience library (which the
# Check tests link, so they can reach internal seams) and wrapped into the installed libdropwatch, whose
# exports are limited to the public dw_ API by a version script (or libtool's regex where the linker
# lacks version scripts) plus -fvisibility=hidden.

dropwatchincludedir = $(includedir)/dropwatch
include_HEADERS = include/dropwatch.h
dropwatchinclude_HEADERS = \
	include/dropwatch/common.h \
	include/dropwatch/name.h \
	include/dropwatch/path.h \
	include/dropwatch/classify.h \
	include/dropwatch/guard.h \
	include/dropwatch/envelope.h \
	include/dropwatch/quota.h \
	include/dropwatch/alert.h \
	include/dropwatch/eventlog.h \
	include/dropwatch/testing.h \
	include/dropwatch/pickup.h \
	include/dropwatch/throttle.h \
	include/dropwatch/enums.h \
	include/dropwatch/text.h
nodist_dropwatchinclude_HEADERS = include/dropwatch/version.h

noinst_LTLIBRARIES += lib/libdropwatch_core.la
lib_libdropwatch_core_la_SOURCES = \
	lib/common.c lib/internal.h \
	lib/utf8.c lib/utf8.h \
	lib/name.c \
	lib/path.c \
	lib/path_full.c \
	lib/classify.c \
	lib/enums.c \
	lib/text.c \
	lib/platform.h lib/thread.h \
	lib/quota.c lib/quota.h \
	lib/quota_text.c \
	lib/envelope.c lib/envelope.h \
	lib/fail.c \
	lib/naming.c \
	lib/scan.c lib/scan.h \
	lib/drop.c \
	lib/guard.c lib/guard_internal.h \
	lib/batch.c \
	lib/group_commit.c lib/group_commit.h \
	lib/health.c \
	lib/alert.c \
	lib/eventlog.c \
	lib/envelope_parse.c \
	lib/pickup.c lib/pickup_internal.h \
	lib/throttle.c
# One platform file, chosen at configure time (AC_CANONICAL_HOST).
if DW_WINDOWS
lib_libdropwatch_core_la_SOURCES += lib/platform_win32.c
else
lib_libdropwatch_core_la_SOURCES += lib/platform_posix.c
endif
lib_libdropwatch_core_la_CPPFLAGS = $(AM_CPPFLAGS) -DDW_BUILDING_LIBRARY
lib_libdropwatch_core_la_LIBADD = $(DW_PLATFORM_LIBS)
lib_libdropwatch_core_la_CFLAGS = $(AM_CFLAGS) $(DW_VISIBILITY_CFLAGS)

lib_LTLIBRARIES += lib/libdropwatch.la
lib_libdropwatch_la_SOURCES =
lib_libdropwatch_la_LIBADD = lib/libdropwatch_core.la
lib_libdropwatch_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(DW_LT_VERSION_INFO) -no-undefined
if HAVE_LD_VERSION_SCRIPT
lib_libdropwatch_la_LDFLAGS += -Wl,--version-script=$(top_srcdir)/lib/libdropwatch.sym
else
lib_libdropwatch_la_LDFLAGS += -export-symbols-regex '^dw_'
endif
EXTRA_lib_libdropwatch_la_DEPENDENCIES = $(top_srcdir)/lib/libdropwatch.sym

# The Event Log message file: dropwatch-messages.dll, a resource-only DLL (windmc + windres), installed
# beside libdropwatch-0.dll and registered by dw_eventlog_install() (dropwatch eventlog install).
EXTRA_DIST += lib/dropwatch-messages.mc
if DW_WINDOWS
msgdlldir = $(bindir)
msgdll_DATA = lib/dropwatch-messages.dll
CLEANFILES += lib/dropwatch-messages.dll lib/mc/dropwatch-messages.h lib/mc/dropwatch-messages.rc \
	lib/mc/MSG00409.bin lib/mc/dropwatch-messages.res.o
lib/dropwatch-messages.dll: $(top_srcdir)/lib/dropwatch-messages.mc
	$(AM_V_GEN)$(MKDIR_P) lib/mc && \
	$(WINDMC) -h lib/mc -r lib/mc $(top_srcdir)/lib/dropwatch-messages.mc && \
	(cd lib/mc && $(WINDRES) -i dropwatch-messages.rc -o dropwatch-messages.res.o) && \
	$(CC) -shared -nostdlib -Wl,--entry=0 -s -o $@ lib/mc/dropwatch-messages.res.o
endif

# The zip a Windows user unpacks (tools/win-zip.sh): DLL, import and static libraries, headers,
# dropwatch.exe, the message DLL and the manual pages as text.
EXTRA_DIST += tools/win-zip.sh tools/win-check.sh tools/win-build.sh tools/wine-server.sh
if DW_WINDOWS
windows-zip: all
	$(SHELL) $(top_srcdir)/tools/win-zip.sh $(abs_top_builddir)
endif
