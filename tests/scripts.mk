# SPDX-License-Identifier: MIT
# The project's own scripts (stages, CI, test drivers): no pipe into an early-stopping reader under
# pipefail, which fails at random (tests/scripts/check-pipefail.sh says why).
TESTS += tests/scripts/check-pipefail.sh
EXTRA_DIST += tests/scripts/check-pipefail.sh
