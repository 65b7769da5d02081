# SPDX-License-Identifier: MIT
# Power loss (doc/reliability.md, "Power loss"): powerfs, a FUSE 3 file system that drops what was not
# synced when told to cut the power, and the workload/oracle that runs on it. Needs root, /dev/fuse and
# (for the backing file systems) loop devices, so it runs from tools/test-all.d/40-powerloss.sh, not from
# make check.
#
#   make check-powerloss        the short mode (what test-all runs): a few dozen cuts per file system
#   make check-powerloss-long   >= 1,000 cuts per backing file system (DW_POWERLOSS_LONG_CUTS)
if HAVE_FUSE3
check_PROGRAMS += tests/powerloss/powerfs tests/powerloss/powerloss_test
endif
tests_powerloss_powerfs_SOURCES = tests/powerloss/powerfs.c
tests_powerloss_powerfs_CFLAGS = $(AM_CFLAGS) $(FUSE3_CFLAGS)
tests_powerloss_powerfs_LDADD = $(FUSE3_LIBS)
tests_powerloss_powerloss_test_SOURCES = tests/powerloss/powerloss_test.c tests/rel_common.h tests/rel_deliver.h
tests_powerloss_powerloss_test_LDADD = $(RELIABILITY_LDADD)
EXTRA_DIST += tests/powerloss/run.sh tools/test-all.d/40-powerloss.sh

DW_POWERLOSS_LONG_CUTS = 1000
check-powerloss: $(check_PROGRAMS)
	DW_FULL_BUILD=$(abs_top_builddir) DW_TOP=$(abs_top_srcdir) $(SHELL) $(top_srcdir)/tools/test-all.d/40-powerloss.sh
check-powerloss-long: $(check_PROGRAMS)
	DW_POWERLOSS_LONG=1 DW_POWERLOSS_LONG_CUTS=$(DW_POWERLOSS_LONG_CUTS) DW_FULL_BUILD=$(abs_top_builddir) \
	  DW_TOP=$(abs_top_srcdir) $(SHELL) $(top_srcdir)/tools/test-all.d/40-powerloss.sh
.PHONY: check-powerloss check-powerloss-long
