"""The installed product for the hostile-input tests: the wheel, a fresh virtualenv, pip install.

Built once per test session (shared by xdist workers under a file lock): `pip wheel` of this
checkout (hatchling, no build isolation), then a plain `pip install` of that wheel into a new
virtualenv. Tests run its `infrascaffold` console script as a subprocess, outside the checkout.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import ROOT


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "hostile-install"


def _run(*args: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def _build_and_install(root: Path) -> None:
    dist = root / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(ROOT))  # fmt: skip
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", str(venv))
    _run(str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(next(dist.glob("*.whl"))))
    (root / "ready").touch()


@pytest.fixture(scope="session")
def installed_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `infrascaffold` console script of the wheel installed in a fresh virtualenv."""
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling")
    root = _shared_root(tmp_path_factory)
    root.mkdir(parents=True, exist_ok=True)
    with (root.parent / "hostile-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "ready").exists():
            shutil.rmtree(root / "dist", ignore_errors=True)
            shutil.rmtree(root / "venv", ignore_errors=True)
            _build_and_install(root)
    exe = root / "venv" / "bin" / "infrascaffold"
    assert exe.is_file()
    return exe
