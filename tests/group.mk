# SPDX-License-Identifier: MIT
# Group commit (lib/group_commit.c): shared flushes, exact outcomes when a shared flush fails.
check_PROGRAMS += tests/check_group
TESTS += tests/check_group
tests_check_group_SOURCES = tests/check_group.c
tests_check_group_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_group_LDADD = $(TESTS_CHECK_LDADD)
