# SPDX-License-Identifier: MIT
"""Shared fixtures of the Python binding tests (run by tests/python/run-pytest.sh from make check)."""

import os

import pytest

import dropwatch

TEMP_PREFIX = ".dwtmp-"


@pytest.fixture
def drop_dir(tmp_path):
    """An existing, empty drop directory (created explicitly, as an admin tool would)."""
    path = tmp_path / "Drop"
    assert dropwatch.create_drop_directory(path) == path
    return path


@pytest.fixture
def drop(drop_dir):
    with dropwatch.Drop.open(drop_dir) as d:
        yield d


def listing(path):
    """(final .eml names, temporary names, other names) in a drop directory."""
    names = sorted(os.listdir(path))
    temps = [n for n in names if n.startswith(TEMP_PREFIX)]
    emls = [n for n in names if n.endswith(".eml") and n not in temps]
    others = [n for n in names if n not in temps and n not in emls]
    return emls, temps, others


def assert_clean(path, expected_files=None):
    """No temporary file is left behind (and, when given, exactly these final files exist)."""
    emls, temps, others = listing(path)
    assert temps == [], f"temporary files left behind: {temps}"
    if expected_files is not None:
        assert sorted(emls) == sorted(expected_files)
    return emls
