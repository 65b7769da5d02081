# SPDX-License-Identifier: MIT
# Benchmarks (issue 8). `make` builds bench/dw_bench; `make check` does not run it (speed targets live
# here, never in timed unit tests). `make bench` runs it with the default options, prints the table and
# writes bench/results/latest.md and latest.csv in the build tree; the Python binding overhead is added
# when the binding was built.

# POSIX only (threads, fork, ioctl): not built for Windows.
if !DW_WINDOWS
noinst_PROGRAMS += bench/dw_bench
# section 8's like-for-like row: dropwatch deliver without its directory fsync (LD_PRELOAD, bench only)
noinst_LTLIBRARIES += bench/libnodirsync.la
endif

bench_libnodirsync_la_SOURCES = bench/nodirsync.c
# -rpath makes libtool build a shared object although it is not installed
bench_libnodirsync_la_LDFLAGS = -module -avoid-version -shared -rpath $(abs_builddir)/bench
bench_dw_bench_SOURCES = \
	bench/dw_bench.c bench/bench.h \
	bench/bench_report.c \
	bench/bench_alloc.c \
	bench/bench_io.c \
	bench/bench_pure.c \
	bench/bench_pickup.c \
	bench/bench_group.c \
	bench/bench_uring.c
bench_dw_bench_CFLAGS = $(AM_CFLAGS) -pthread
bench_dw_bench_LDADD = lib/libdropwatch.la -lm
bench_dw_bench_LDFLAGS = $(AM_LDFLAGS) -pthread
if HAVE_LIBURING
bench_dw_bench_CFLAGS += -DDW_BENCH_URING $(LIBURING_CFLAGS)
bench_dw_bench_LDADD += $(LIBURING_LIBS)
endif

EXTRA_DIST += bench/python_overhead.py bench/peers.py bench/share.sh tools/share-env.sh
EXTRA_DIST += bench/group_probe.c bench/group_probe.sh

# Options for `make bench`, e.g. make bench BENCH_FLAGS=--quick or BENCH_DIRS='--dir /srv/drop'.
# Default: /tmp and the build tree (the repository's own disk).
BENCH_FLAGS =
BENCH_DIRS = --dir /tmp --dir $(abs_top_builddir)
BENCH_PYTHON_FLAGS =
# e.g. BENCH_PEERS_FLAGS='--share /mnt/share' (a mounted SMB share, section 8)
BENCH_PEERS_FLAGS =

.PHONY: bench
bench: bench/dw_bench$(EXEEXT) $(bench_python_deps)
	@$(MKDIR_P) bench/results
	@rc=0; \
	$(LIBTOOL) --mode=execute ./bench/dw_bench$(EXEEXT) $(BENCH_DIRS) \
	    --md bench/results/latest.md --csv bench/results/latest.csv $(BENCH_FLAGS) || rc=$$?; \
	if test $$rc -ne 0 && test $$rc -ne 1; then \
	  echo "bench: dw_bench failed (exit $$rc)" >&2; exit $$rc; \
	fi; \
	if test $$rc -eq 1; then echo "bench: some speed targets were missed (see the table)"; fi; \
	if test -n "$(PYTHON)" && $(bench_python_available); then \
	  $(bench_python_env) $(PYTHON) $(abs_top_srcdir)/bench/python_overhead.py \
	    --bench ./bench/dw_bench$(EXEEXT) $(BENCH_DIRS) --md bench/results/latest.md \
	    --csv bench/results/latest.csv $(BENCH_PYTHON_FLAGS) $(BENCH_FLAGS) || exit $$?; \
	else \
	  echo "bench: Python binding not built; binding overhead skipped" | tee -a bench/results/latest.md; \
	fi; \
	if test -n "$(PYTHON)"; then \
	  cli=$(abs_top_builddir)/src/.libs/dropwatch$(EXEEXT); test -x "$$cli" || cli=$(abs_top_builddir)/src/dropwatch$(EXEEXT); \
	  shared=$(abs_top_builddir)/src/dropwatch-shared-libc$(EXEEXT); \
	  $(bench_python_env) $(PYTHON) $(abs_top_srcdir)/bench/peers.py --cli "$$cli" --cli-shared "$$shared" $(BENCH_DIRS) \
	    --nodirsync $(abs_top_builddir)/bench/.libs/libnodirsync.so \
	    --md bench/results/latest.md --csv bench/results/latest.csv $(BENCH_PEERS_FLAGS) $(BENCH_FLAGS) || exit $$?; \
	fi; \
	echo "bench: wrote bench/results/latest.md and bench/results/latest.csv"

if ENABLE_PYTHON
bench_python_available = true
bench_python_deps = bindings/python/inplace.stamp
else
bench_python_available = false
bench_python_deps =
endif
# The build-tree binding: bindings/python/inplace holds the package with the fresh extension.
bench_python_env = \
	PYTHONPATH='$(abs_top_builddir)/bindings/python/inplace'$${PYTHONPATH:+:$$PYTHONPATH} \
	LD_LIBRARY_PATH='$(abs_top_builddir)/lib/.libs'$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}

CLEANFILES += bench/results/latest.md bench/results/latest.csv
EXTRA_DIST += doc/performance.md
