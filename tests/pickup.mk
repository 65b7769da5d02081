# SPDX-License-Identifier: MIT
# Tests for the pickup side (lib/pickup.c, lib/envelope_parse.c): parsing, readiness, claims, quarantine
# of Exchange-style partial files, the ledger, faults through the seam, inotify, and concurrent writers
# and pickers (threads, and processes killed with SIGKILL).
check_PROGRAMS += tests/check_pickup
TESTS += tests/check_pickup
tests_check_pickup_SOURCES = tests/check_pickup.c tests/rel_common.h tests/dead_server.h
tests_check_pickup_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_pickup_LDADD = $(TESTS_CHECK_LDADD)
EXTRA_DIST += doc/pickup.md

TESTS += tests/cli/test_pickup.sh
EXTRA_DIST += tests/cli/test_pickup.sh
# dropwatch.exe pickup and watch --textfile under Wine (tools/test-all.d/20-windows.sh only).
EXTRA_DIST += tests/cli/test_pickup_windows.sh
