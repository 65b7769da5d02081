# SPDX-License-Identifier: MIT
# Tests for the guarded writes: classification tables, the write protocol through the platform seam and
# on the real file system, and libfiu fault injection under the POSIX preload (when libfiu is present).
check_PROGRAMS += tests/check_classify tests/check_guard
TESTS += tests/check_classify tests/check_guard

tests_check_classify_SOURCES = tests/check_classify.c
tests_check_classify_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_classify_LDADD = $(TESTS_CHECK_LDADD)

tests_check_guard_SOURCES = tests/check_guard.c tests/rel_common.h tests/dead_server.h
tests_check_guard_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_guard_LDADD = $(TESTS_CHECK_LDADD)

# libfiu: the Check program arms posix/io/* points itself (fiu_enable_external) and must run under the
# POSIX preload, which tests/check_guard_fiu.sh provides through fiu-run; the script also arms points
# from the command line (fiu-run -c) around single writes.
if HAVE_FIU
check_PROGRAMS += tests/check_guard_fiu
tests_check_guard_fiu_SOURCES = tests/check_guard_fiu.c tests/rel_common.h
tests_check_guard_fiu_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_guard_fiu_LDADD = $(TESTS_CHECK_LDADD) -lfiu
TESTS += tests/check_guard_fiu.sh
endif
EXTRA_DIST += tests/check_guard_fiu.sh doc/guarded-writes.md
