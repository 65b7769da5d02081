# SPDX-License-Identifier: MIT
"""The five-line example of doc/python.md (and README.md) runs as written; help(dropwatch) reads well."""

import os
import pathlib
import pydoc
import re
import subprocess
import sys

import pytest

import dropwatch

SNIPPET = """\
import dropwatch, tempfile
root = tempfile.mkdtemp()
path = dropwatch.create_drop_directory(dropwatch.resolve_drop_path(root, "Drop"))
with dropwatch.Drop.open(path, quota="10 MB") as drop:
    print(drop.write(b"Subject: Hello\\r\\n\\r\\nHi from Python\\r\\n"))
"""

SRCDIR = pathlib.Path(os.environ.get("top_srcdir") or pathlib.Path(__file__).resolve().parents[2])


def python_blocks(path):
    text = path.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_doc_carries_the_snippet():
    doc = SRCDIR / "doc" / "python.md"
    assert SNIPPET in python_blocks(doc)
    assert len(SNIPPET.strip().splitlines()) == 5


def test_readme_copy_is_identical_when_present():
    readme = SRCDIR / "README.md"
    if not readme.exists():
        pytest.skip("no README.md")
    blocks = [b for b in python_blocks(readme) if b.startswith("import dropwatch, tempfile")]
    if not blocks:
        pytest.skip("README.md has no copy of the Python example yet")
    assert blocks == [SNIPPET]


def test_snippet_runs(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    name = out.stdout.strip()
    assert name.endswith(".eml")
    (root,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert [n for n in os.listdir(root / "Drop") if not n.startswith(".")] == [name]  # .dwquota: the ledger
    assert (root / "Drop" / name).read_bytes() == b"Subject: Hello\r\n\r\nHi from Python\r\n"


def test_help_reads_well():
    text = pydoc.render_doc(dropwatch, renderer=pydoc.plaintext)
    for name in ("resolve_drop_path", "explain_drop_path", "validate_drop_directory", "Drop", "format_alert",
                 "classify_errno", "CapacityError", "guarded writes"):
        assert name in text
    for name in dropwatch.__all__:
        obj = getattr(dropwatch, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
            assert obj.__module__ == "dropwatch"


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", dropwatch.__version__)
