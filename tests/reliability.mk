# SPDX-License-Identifier: MIT
# Reliability and security suite (doc/reliability.md): fuzz targets, crash consistency, hostile
# directories, load, plus the make targets for the long runs (fuzz, valgrind, coverage).
#
#   make check            replays the fuzz corpora (any compiler) and runs short crash/hostile/load rounds
#   make fuzz             builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS
#   make fuzz-merge       merges new coverage-increasing inputs from the last `make fuzz` into the corpora
#   make check-valgrind   runs every Check program and fuzz replay under valgrind (tests/valgrind.sh)
#   make coverage         (configure --enable-coverage) line and branch coverage of lib/ into coverage/

RELIABILITY_LDADD = $(top_builddir)/lib/libdropwatch_core.la

# ---- fuzz targets, replayed over the committed corpus in make check --------------------------------
FUZZ_TARGETS = fuzz_name fuzz_path fuzz_alert
FUZZ_COMMON = tests/fuzz/fuzz_common.h tests/fuzz/replay_main.c

check_PROGRAMS += tests/fuzz/replay_name tests/fuzz/replay_path
TESTS += tests/fuzz/replay_name tests/fuzz/replay_path
tests_fuzz_replay_name_SOURCES = tests/fuzz/fuzz_name.c $(FUZZ_COMMON)
tests_fuzz_replay_name_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET_NAME='"fuzz_name"'
tests_fuzz_replay_name_LDADD = $(RELIABILITY_LDADD)
tests_fuzz_replay_path_SOURCES = tests/fuzz/fuzz_path.c $(FUZZ_COMMON)
tests_fuzz_replay_path_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET_NAME='"fuzz_path"'
tests_fuzz_replay_path_LDADD = $(RELIABILITY_LDADD)
if HAVE_LIBXML2
check_PROGRAMS += tests/fuzz/replay_alert
TESTS += tests/fuzz/replay_alert
endif
tests_fuzz_replay_alert_SOURCES = tests/fuzz/fuzz_alert.c tests/fuzz/json_check.c tests/fuzz/json_check.h $(FUZZ_COMMON)
tests_fuzz_replay_alert_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET_NAME='"fuzz_alert"'
tests_fuzz_replay_alert_CFLAGS = $(AM_CFLAGS) $(LIBXML2_CFLAGS)
tests_fuzz_replay_alert_LDADD = $(RELIABILITY_LDADD) $(LIBXML2_LIBS)

# The whole corpus ships: make check replays every file (why: doc/reliability.md, "release tarball").
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/make_seeds.py tests/valgrind.sh doc/reliability.md

# ---- libFuzzer builds: clang, independent of the configured compiler --------------------------------
# The library sources are compiled straight into each target with the fuzzer instrumentation, so
# `make fuzz` works from any build tree (gcc-configured included). --enable-fuzzing builds them as
# part of `make all` as well.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_MAX_LEN = 4096
FUZZ_CFLAGS = -g -O1 -std=c11 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_RUN_FLAGS = -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

FUZZ_TARGET_FILES = tests/fuzz/fuzz_name.c tests/fuzz/fuzz_path.c tests/fuzz/fuzz_alert.c tests/fuzz/json_check.c \
	tests/fuzz/json_check.h tests/fuzz/fuzz_common.h
fuzz-build: tests/fuzz/bin/stamp
tests/fuzz/bin/stamp: $(lib_libdropwatch_core_la_SOURCES) $(FUZZ_TARGET_FILES) $(dropwatchinclude_HEADERS)
	@$(MKDIR_P) tests/fuzz/bin
	@srcs=; for f in $(lib_libdropwatch_core_la_SOURCES); do \
	  case $$f in *.c) srcs="$$srcs $(top_srcdir)/$$f";; esac; \
	done; \
	for t in $(FUZZ_TARGETS); do \
	  extra=; libs=; \
	  if test $$t = fuzz_alert; then extra="$(top_srcdir)/tests/fuzz/json_check.c $(LIBXML2_CFLAGS)"; libs="$(LIBXML2_LIBS)"; fi; \
	  echo "  FUZZCC   tests/fuzz/bin/$$t"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -DHAVE_CONFIG_H -I$(top_builddir) -I$(top_srcdir)/include -I$(top_builddir)/include \
	    -I$(top_srcdir)/lib $$srcs $(top_srcdir)/tests/fuzz/$$t.c $$extra -o tests/fuzz/bin/$$t $$libs || exit 1; \
	done
	@touch $@

# Each target runs FUZZ_SECONDS over a scratch corpus seeded from the committed one; a crash leaves its
# input in tests/fuzz/work/<target>/crash-* and fails the target. Statistics go to tests/fuzz/<target>.log.
fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  $(MKDIR_P) tests/fuzz/work/$$t/corpus; \
	  echo "  FUZZ     $$t for $(FUZZ_SECONDS) s"; \
	  if tests/fuzz/bin/$$t $(FUZZ_RUN_FLAGS) -artifact_prefix=tests/fuzz/work/$$t/ \
	       tests/fuzz/work/$$t/corpus $(top_srcdir)/tests/fuzz/corpus/$$t > tests/fuzz/$$t.log 2>&1; then \
	    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^Done' tests/fuzz/$$t.log | sed "s/^/    $$t: /"; \
	  else \
	    fail=1; tail -n 40 tests/fuzz/$$t.log; echo "FAIL: $$t (input saved in tests/fuzz/work/$$t/)"; \
	  fi; \
	done; exit $$fail

# Keep only inputs that add coverage: merges the last run's corpus into the committed one.
fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  tests/fuzz/bin/$$t -merge=1 -max_len=$(FUZZ_MAX_LEN) $(top_srcdir)/tests/fuzz/corpus/$$t tests/fuzz/work/$$t/corpus || exit 1; \
	done

if ENABLE_FUZZING
noinst_DATA += tests/fuzz/bin/stamp
endif

DW_CLEAN_LOCAL += clean-reliability
clean-reliability:
	-rm -rf tests/fuzz/bin tests/fuzz/work tests/fuzz/*.log coverage valgrind-logs

# ---- valgrind -----------------------------------------------------------------------------------------
# Programs that are tests by themselves (in TESTS and check_PROGRAMS); helpers driven by scripts (the
# libfiu preload tests, generators) are left to their scripts.
check-valgrind: $(check_PROGRAMS)
	@list=; for t in $(TESTS); do \
	  case " $(check_PROGRAMS) " in *" $$t "*) list="$$list $$t";; esac; \
	done; \
	$(SHELL) $(top_srcdir)/tests/valgrind.sh $$list

# ---- coverage of lib/ -----------------------------------------------------------------------------------
GCOVR = gcovr
if ENABLE_COVERAGE
# The report is written even when a test fails; the target then still fails with the tests' status.
coverage:
	-find $(top_builddir) -name '*.gcda' -delete
	@status=0; $(MAKE) $(AM_MAKEFLAGS) check || status=$$?; \
	$(MKDIR_P) coverage; \
	src=`cd $(top_srcdir) && pwd`; \
	$(GCOVR) --root "$$src" --filter "$$src/lib/" --exclude-unreachable-branches \
	  --html-details coverage/index.html --txt coverage/summary.txt --print-summary . || exit 1; \
	echo "report: coverage/index.html, coverage/summary.txt"; \
	test $$status = 0 || echo "make coverage: some tests failed (see above)" >&2; \
	exit $$status
else
coverage:
	@echo "make coverage needs a build configured with --enable-coverage" >&2; exit 1
endif

.PHONY: fuzz fuzz-build fuzz-merge check-valgrind coverage clean-reliability

# ---- crash consistency (quick in make check; DW_CRASH_SECONDS / DW_CRASH_ROUNDS for longer runs) -------
check_PROGRAMS += tests/crash/crash_test
TESTS += tests/crash/crash_test
tests_crash_crash_test_SOURCES = tests/crash/crash_test.c tests/rel_common.h
tests_crash_crash_test_LDADD = $(RELIABILITY_LDADD)
check_PROGRAMS += tests/crash/sweep_age0
TESTS += tests/crash/sweep_age0
tests_crash_sweep_age0_SOURCES = tests/crash/sweep_age0.c tests/rel_common.h
tests_crash_sweep_age0_LDADD = $(RELIABILITY_LDADD)

# ---- hostile directories (root-only parts skip themselves) --------------------------------------------------
check_PROGRAMS += tests/hostile/hostile_test
TESTS += tests/hostile/hostile_test
tests_hostile_hostile_test_SOURCES = tests/hostile/hostile_test.c tests/rel_common.h
tests_hostile_hostile_test_LDADD = $(RELIABILITY_LDADD)
# Stand-alone reproducer of the temporary-file symlink finding (doc/reliability.md), kept as a regression test.
check_PROGRAMS += tests/hostile/repro_temp_symlink
TESTS += tests/hostile/repro_temp_symlink
tests_hostile_repro_temp_symlink_SOURCES = tests/hostile/repro_temp_symlink.c tests/rel_common.h
tests_hostile_repro_temp_symlink_LDADD = $(RELIABILITY_LDADD)

# ---- load: 8 processes x 2,000 deliveries with a quota (DW_LOAD_PROCS / DW_LOAD_MSGS scale it) ---------------
check_PROGRAMS += tests/load/load_test
TESTS += tests/load/load_test
tests_load_load_test_SOURCES = tests/load/load_test.c tests/rel_common.h
tests_load_load_test_LDADD = $(RELIABILITY_LDADD)
