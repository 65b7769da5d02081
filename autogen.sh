#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the build system from a git checkout (tarballs ship it already).
set -e
cd "$(dirname "$0")"
autoreconf -fi
