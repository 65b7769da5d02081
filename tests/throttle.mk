# SPDX-License-Identifier: MIT
# Tests for the alert throttle (lib/throttle.c).
check_PROGRAMS += tests/check_throttle
TESTS += tests/check_throttle
tests_check_throttle_SOURCES = tests/check_throttle.c
tests_check_throttle_CFLAGS = $(TESTS_CHECK_CFLAGS) -pthread
tests_check_throttle_LDADD = $(TESTS_CHECK_LDADD) -lpthread
