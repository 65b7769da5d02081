# SPDX-License-Identifier: MIT
# ABI and manual pages (doc/abi.md): the exported symbol list against lib/libdropwatch.abi, and a page
# for every exported function, both read from the built library.
TESTS += tests/abi/check-symbols.sh tests/abi/check-man-pages.sh
EXTRA_DIST += tests/abi/check-symbols.sh tests/abi/check-man-pages.sh tests/abi/exported.sh \
	lib/libdropwatch.abi doc/abi.md
