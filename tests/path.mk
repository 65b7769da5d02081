# SPDX-License-Identifier: MIT
# Tests for the path work: DropDirectory names, drop-path resolution, quota text, envelope formatting.
check_PROGRAMS += tests/check_name tests/check_path tests/check_quota_text tests/check_envelope
TESTS += tests/check_name tests/check_path tests/check_quota_text tests/check_envelope

tests_check_name_SOURCES = tests/check_name.c
tests_check_name_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_name_LDADD = $(TESTS_CHECK_LDADD)

tests_check_path_SOURCES = tests/check_path.c
tests_check_path_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_path_LDADD = $(TESTS_CHECK_LDADD)

tests_check_quota_text_SOURCES = tests/check_quota_text.c
tests_check_quota_text_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_quota_text_LDADD = $(TESTS_CHECK_LDADD)

tests_check_envelope_SOURCES = tests/check_envelope.c
tests_check_envelope_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_envelope_LDADD = $(TESTS_CHECK_LDADD)

# The manual section for this area ships with the tarball (doc/local.mk belongs to the CLI work).
EXTRA_DIST += doc/names-and-paths.md

# Allocation failures in the envelope, injected by libfiu's POSIX preload (fiu-run -x).
EXTRA_DIST += tests/envelope_nomem.sh
if HAVE_FIU
check_PROGRAMS += tests/check_envelope_nomem
tests_check_envelope_nomem_SOURCES = tests/check_envelope_nomem.c
tests_check_envelope_nomem_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_envelope_nomem_LDADD = $(TESTS_CHECK_LDADD) -lfiu
TESTS += tests/envelope_nomem.sh
endif

# ByteQuantifiedSize tables generated with the real .NET formatter and parser (tests/quota/regen_table.sh
# reruns the generator; check_quota_text reads the committed tables and needs no dotnet).
EXTRA_DIST += tests/quota/bqs_table.tsv tests/quota/bqs_parse.tsv tests/quota/regen_table.sh \
	tests/quota/gen/Program.cs tests/quota/gen/QuotaTable.csproj tests/quota/gen/Directory.Build.props
