# SPDX-License-Identifier: MIT
# Tests for the enum name tables (lib/enums.c) and dw_io_error_describe() (lib/classify.c).
check_PROGRAMS += tests/check_enums
TESTS += tests/check_enums
tests_check_enums_SOURCES = tests/check_enums.c
tests_check_enums_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_enums_LDADD = $(TESTS_CHECK_LDADD)
