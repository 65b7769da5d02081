# SPDX-License-Identifier: MIT
# Check suites mirror lib/: tests/check_<concern>.c tests lib/<concern>.c. Each area adds its own
# fragment (tests/<area>.mk) below.
TESTS_CHECK_LDADD = $(top_builddir)/lib/libdropwatch_core.la @CHECK_LIBS@
TESTS_CHECK_CFLAGS = $(AM_CFLAGS) @CHECK_CFLAGS@

check_PROGRAMS += tests/check_common
tests_check_common_SOURCES = tests/check_common.c
tests_check_common_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_common_LDADD = $(TESTS_CHECK_LDADD)
TESTS += tests/check_common

include tests/path.mk
include tests/guard.mk
include tests/alert.mk
include tests/cli.mk
include tests/reliability.mk
include tests/monitoring.mk
include tests/outside.mk
include tests/win32.mk
include tests/threads.mk
include tests/abi.mk
include tests/pickup.mk
include tests/powerloss.mk
include tests/throttle.mk
include tests/path_full.mk
include tests/dotnet-windows.mk
include tests/enums.mk
include tests/bindings.mk
include tests/group.mk
include tests/tempdir.mk
include tests/scripts.mk
