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
	include/dropwatch/alert.h \
	include/dropwatch/testing.h \
	include/dropwatch/pickup.h
nodist_dropwatchinclude_HEADERS = include/dropwatch/version.h

noinst_LTLIBRARIES += lib/libdropwatch_core.la
lib_libdropwatch_core_la_SOURCES = \
	lib/common.c lib/internal.h \
	lib/utf8.c lib/utf8.h \
	lib/name.c \
	lib/path.c \
	lib/classify.c \
	lib/platform.h lib/platform_posix.c \
	lib/quota.c lib/quota.h \
	lib/quota_text.c \
	lib/envelope.c lib/envelope.h \
	lib/guard.c lib/guard_internal.h \
	lib/group_commit.c lib/group_commit.h \
	lib/health.c \
	lib/alert.c \
	lib/envelope_parse.c \
	lib/pickup.c lib/pickup_internal.h
lib_libdropwatch_core_la_CPPFLAGS = $(AM_CPPFLAGS) -DDW_BUILDING_LIBRARY
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
