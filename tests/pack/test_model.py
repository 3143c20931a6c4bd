"""Packs never pick up what installers and editors leave behind (pip's `__pycache__/*.pyc`)."""

from __future__ import annotations

import compileall
from pathlib import Path

import pytest

from infrascaffold.authoring.lint import lint_static
from infrascaffold.pack.manifest import load_pack_from
from infrascaffold.pack.model import is_build_dropping
from infrascaffold.render.files import iter_pack_files
from tests.builders import build_file_tree


@pytest.mark.parametrize(
    "rel",
    [
        "files/__pycache__/main.cpython-311.pyc",
        "files/aws/placeholder.pyc",
        "files/x.pyo",
        "files/.DS_Store",
        "files/pkg.egg-info/PKG-INFO",
        "files/notes.md~",
    ],
)
def test_droppings_are_recognised(rel: str) -> None:
    assert is_build_dropping(rel)


@pytest.mark.parametrize("rel", ["files/main.py", "files/pycache.md", "files/a/.gitignore"])
def test_pack_files_are_not_droppings(rel: str) -> None:
    assert not is_build_dropping(rel)


def test_byte_compiled_templates_are_ignored(tmp_path: Path) -> None:
    pack_root = build_file_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: demo\nversion: 1.0.0\n",
            "files/app/main.py": "print('hello')\n",
            "files/.DS_Store": "\0\0binary",
        },
    )
    # What pip does to every installed .py file, templates included.
    assert compileall.compile_dir(pack_root / "files", quiet=1)
    assert list((pack_root / "files" / "app" / "__pycache__").glob("*.pyc"))
    pack = load_pack_from(pack_root, str(pack_root))
    assert iter_pack_files(pack) == ["app/main.py"]
    assert not [f for f in lint_static(pack) if "pyc" in f.message or "pycache" in f.path]
