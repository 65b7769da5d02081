# SPDX-License-Identifier: MIT
"""The package as installed by pip (tools/test-all.d/50-wheel.sh runs the suite against a wheel installed
into a fresh virtual environment): metadata, typing marker and version. Skipped when the package is
imported from the build tree, which has no distribution metadata."""

import importlib.metadata
import os

import pytest

import dropwatch

try:
    DIST = importlib.metadata.distribution("dropwatch")
except importlib.metadata.PackageNotFoundError:
    DIST = None
# Only the distribution the imported package belongs to counts (a copy installed elsewhere does not).
if DIST is not None and os.path.realpath(str(DIST.locate_file("dropwatch"))) != os.path.realpath(
    os.path.dirname(dropwatch.__file__)
):
    DIST = None

installed = pytest.mark.skipif(DIST is None, reason="not imported from an installed distribution (build tree)")


@installed
def test_version_answers_and_matches_the_library():
    assert importlib.metadata.version("dropwatch") == dropwatch.__version__


@installed
def test_licence_and_typing_marker():
    meta = DIST.metadata
    assert meta["License"] == "MIT"
    assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier")
    if DIST.files is not None:  # pip's RECORD (make install writes no RECORD)
        assert "dropwatch/py.typed" in {str(f) for f in DIST.files}
    assert os.path.exists(os.path.join(os.path.dirname(dropwatch.__file__), "py.typed"))


@installed
def test_metadata_lists_the_extension():
    if DIST.files is None:
        pytest.skip("no RECORD (installed by make install)")
    assert any(str(f).startswith("dropwatch/_native") for f in DIST.files)
