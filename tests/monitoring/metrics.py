# SPDX-License-Identifier: MIT
"""Reads a metrics exposition and runs assertions on its samples (tests/monitoring/test_metrics.sh).

    metrics.py prometheus|openmetrics FILE 'PYTHON ASSERTIONS'

The OpenMetrics text is read with the reference parser of the Prometheus Python client, which is strict
(EOF marker, UNIT/name agreement, counter suffixes); the text format 0.0.4 is read with its parser (promtool
lints it separately). The assertions see v(name, **labels) -> value (KeyError when absent), has(name,
**labels), names (the set of sample names) and fams (the parsed families).
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om
from prometheus_client.parser import text_string_to_metric_families as parse_prom

fmt, path, code = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read()
fams = list(parse_om(text) if fmt == "openmetrics" else parse_prom(text))
samples = {}
for fam in fams:
    for s in fam.samples:
        key = (s.name, frozenset(s.labels.items()))
        assert key not in samples, "duplicate sample %r" % (key,)
        samples[key] = s.value
names = {k[0] for k in samples}


def v(name, **labels):
    return samples[(name, frozenset(labels.items()))]


def has(name, **labels):
    return (name, frozenset(labels.items())) in samples


exec(code)
