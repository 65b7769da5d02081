# SPDX-License-Identifier: MIT
# Tests for the enum name tables (lib/enums.c) and dw_io_error_describe() (lib/classify.c).
check_PROGRAMS += tests/check_enums
TESTS += tests/check_enums
tests_check_enums_SOURCES = tests/check_enums.c
tests_check_enums_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_enums_LDADD = $(TESTS_CHECK_LDADD)

# The public UTF-8 walk and escapers (lib/text.c).
check_PROGRAMS += tests/check_text
TESTS += tests/check_text
tests_check_text_SOURCES = tests/check_text.c
tests_check_text_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_text_LDADD = $(TESTS_CHECK_LDADD)
