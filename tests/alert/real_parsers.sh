#!/bin/sh
# SPDX-License-Identifier: MIT
# Real parsers over generated adversarial alert records (see parse_records.py). Needs xmllint
# (libxml2-utils) and Python 3; $PYTHON comes from the test environment (CI: Debian's /usr/bin/python3).
: "${top_srcdir:?}" "${top_builddir:?}"
exec "${PYTHON:-python3}" "$top_srcdir/tests/alert/parse_records.py" "$top_builddir/tests/alert/gen_alerts" 400
