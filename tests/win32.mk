# SPDX-License-Identifier: MIT
# The Windows ops table (lib/platform_win32.c): a Check suite built only for a Windows host and run under
# Wine by tools/test-all.d/20-windows.sh (guarded writes, per-handle injection, real Win32 failures).
if DW_WINDOWS
check_PROGRAMS += tests/check_win32
tests_check_win32_SOURCES = tests/check_win32.c tests/dead_server.h
tests_check_win32_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_win32_LDADD = $(TESTS_CHECK_LDADD)
endif

# The Windows Event Log: argument checks and string order everywhere, DW_E_UNSUPPORTED on POSIX (in make
# check); FormatMessageW texts, ReportEventW and the registry under Wine (the Windows stage).
check_PROGRAMS += tests/check_eventlog
tests_check_eventlog_SOURCES = tests/check_eventlog.c
tests_check_eventlog_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_eventlog_LDADD = $(TESTS_CHECK_LDADD)
if !DW_WINDOWS
TESTS += tests/check_eventlog
endif
EXTRA_DIST += doc/windows.md
