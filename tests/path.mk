# Tests for the path work: DropDirectory names, drop-path resolution, quota text, envelope formatting.
check_PROGRAMS += tests/check_name tests/check_path
TESTS += tests/check_name tests/check_path

tests_check_name_SOURCES = tests/check_name.c
tests_check_name_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_name_LDADD = $(TESTS_CHECK_LDADD)

tests_check_path_SOURCES = tests/check_path.c
tests_check_path_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_path_LDADD = $(TESTS_CHECK_LDADD)
