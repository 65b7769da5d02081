# SPDX-License-Identifier: MIT
# Monitoring (issue 23): metrics checked by promtool and the OpenMetrics parser of python3-prometheus-client,
# the monitoring-plugin mode, the systemd unit (systemd-analyze verify) and the terminal progress line
# (script(1) pseudo-terminal). The tools are required; a missing one fails its test.
MONITORING_TESTS = \
	tests/monitoring/test_metrics.sh \
	tests/monitoring/test_plugin.sh \
	tests/monitoring/test_service.sh \
	tests/monitoring/test_progress.sh
TESTS += $(MONITORING_TESTS)
EXTRA_DIST += $(MONITORING_TESTS) tests/monitoring/metrics.py tests/monitoring/rules_test.yml
