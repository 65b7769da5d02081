# SPDX-License-Identifier: MIT
# Issue 21: no binding keeps a table or range the C library owns (reads the sources; needs no binding built).
TESTS += tests/bindings/check_tables.py
EXTRA_DIST += tests/bindings/check_tables.py
