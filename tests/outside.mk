# SPDX-License-Identifier: MIT
# Regression tests of the outside hostile test (issue 17; doc/reliability.md "Outside attacks"): real
# faults provoked through the dropwatch program. The root-only parts (loop-mounted ext4 remount-ro,
# device nodes, foreign owners) skip themselves with a note when not run as root.
OUTSIDE_TESTS = tests/cli/test_outside_attacks.sh tests/cli/test_remount_ro.sh
TESTS += $(OUTSIDE_TESTS)
EXTRA_DIST += $(OUTSIDE_TESTS)
