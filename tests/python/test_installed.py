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

installed = pytest.mark.skipif(DIST is None, reason="not installed through pip (build-tree import)")


@installed
def test_version_answers_and_matches_the_library():
    assert importlib.metadata.version("dropwatch") == dropwatch.__version__


@installed
def test_licence_and_typing_marker():
    meta = DIST.metadata
    assert meta["License"] == "MIT"
    assert "License :: OSI Approved :: MIT License" in meta.get_all("Classifier")
    files = {str(f) for f in DIST.files}
    assert "dropwatch/py.typed" in files
    assert os.path.exists(os.path.join(os.path.dirname(dropwatch.__file__), "py.typed"))


@installed
def test_imported_from_the_installed_copy():
    assert os.path.realpath(dropwatch.__file__).startswith(os.path.realpath(str(DIST.locate_file(""))))
