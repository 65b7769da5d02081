# SPDX-License-Identifier: MIT
# dw_drop_options.temp_dir: temporary files outside the drop directory (issue 16, point 7).
check_PROGRAMS += tests/check_tempdir
TESTS += tests/check_tempdir
tests_check_tempdir_SOURCES = tests/check_tempdir.c tests/rel_common.h
tests_check_tempdir_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_tempdir_LDADD = $(TESTS_CHECK_LDADD)
