# SPDX-License-Identifier: MIT
# Tests of the dropwatch program: POSIX sh scripts driving the freshly built src/dropwatch through the
# parallel harness (SH_LOG_COMPILER = $(SHELL)); tests/cli/lib.sh holds their shared helpers.
CLI_TESTS = \
	tests/cli/test_usage.sh \
	tests/cli/test_validate.sh \
	tests/cli/test_resolve.sh \
	tests/cli/test_config.sh \
	tests/cli/test_deliver.sh \
	tests/cli/test_temp_dir.sh \
	tests/cli/test_check.sh \
	tests/cli/test_watch.sh \
	tests/cli/test_alert.sh \
	tests/cli/test_demo.sh \
	tests/cli/test_eventlog.sh \
	tests/cli/test_man.sh \
	tests/cli/test_completion.sh \
	tests/cli/test_public_api.sh \
	tests/cli/test_linkage.sh \
	tests/cli/test_valgrind.sh
TESTS += $(CLI_TESTS)
# What configure chose for the program's C library (tests/cli/test_linkage.sh checks the binary against it).
if DW_STATIC_LIBC
AM_TESTS_ENVIRONMENT += export DW_EXPECT_STATIC_PIE=1;
else
AM_TESTS_ENVIRONMENT += export DW_EXPECT_STATIC_PIE=0;
endif
EXTRA_DIST += $(CLI_TESTS) tests/cli/lib.sh
