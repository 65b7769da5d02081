# The Windows ops table (lib/platform_win32.c): a Check suite built only for a Windows host and run under
# Wine by tools/test-all.d/20-windows.sh (guarded writes, per-handle injection, real Win32 failures).
if DW_WINDOWS
check_PROGRAMS += tests/check_win32
tests_check_win32_SOURCES = tests/check_win32.c
tests_check_win32_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_win32_LDADD = $(TESTS_CHECK_LDADD)
endif
