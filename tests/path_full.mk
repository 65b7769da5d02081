# SPDX-License-Identifier: MIT
# Tests for lib/path_full.c (the folder Exchange opens after Path.Combine). The proof against the real .NET
# on Windows (Wine) is tools/test-all.d/25-dotnet-windows.sh with the sources under tests/dotnet-windows/.
check_PROGRAMS += tests/check_path_full
TESTS += tests/check_path_full
tests_check_path_full_SOURCES = tests/check_path_full.c
tests_check_path_full_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_path_full_LDADD = $(TESTS_CHECK_LDADD)

