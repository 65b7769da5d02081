# SPDX-License-Identifier: MIT
# Tests for the alert formatter (lib/alert.c): Check unit tests with golden files, and real parsers
# (xmllint, Python's json, an RFC 5424 parser) run over generated adversarial records.
check_PROGRAMS += tests/check_alert tests/alert/gen_alerts
tests_check_alert_SOURCES = tests/check_alert.c tests/alert/golden_record.h
tests_check_alert_CFLAGS = $(TESTS_CHECK_CFLAGS)
tests_check_alert_LDADD = $(TESTS_CHECK_LDADD)
tests_alert_gen_alerts_SOURCES = tests/alert/gen_alerts.c tests/alert/golden_record.h
tests_alert_gen_alerts_LDADD = $(top_builddir)/lib/libdropwatch_core.la
TESTS += tests/check_alert tests/alert/real_parsers.sh
EXTRA_DIST += tests/alert/real_parsers.sh tests/alert/parse_records.py tests/alert/event.xsd tests/alert/regen_golden.sh \
	$(ALERT_GOLDEN)
ALERT_GOLDEN = \
	tests/alert/golden/8004.text tests/alert/golden/8004.xml tests/alert/golden/8004.json tests/alert/golden/8004.syslog \
	tests/alert/golden/8005.text tests/alert/golden/8005.xml tests/alert/golden/8005.json tests/alert/golden/8005.syslog \
	tests/alert/golden/8007.text tests/alert/golden/8007.xml tests/alert/golden/8007.json tests/alert/golden/8007.syslog \
	tests/alert/golden/8008.text tests/alert/golden/8008.xml tests/alert/golden/8008.json tests/alert/golden/8008.syslog \
	tests/alert/golden/8009.text tests/alert/golden/8009.xml tests/alert/golden/8009.json tests/alert/golden/8009.syslog
# The formats' documentation (doc/local.mk belongs to the manual pages).
EXTRA_DIST += doc/alerts.md
