"""The end-to-end layer: the product as users run it.

Once per test session the package is built as a user would build it (`python -m build`: an
sdist, then the wheel built from that sdist) and installed with a plain `pip install` (bytecode
compiled, not editable) into a fresh virtualenv. Tests drive that virtualenv's `infrascaffold`
console script as a subprocess, from working folders outside the source checkout, and judge
the process: its exit code, stdout and stderr. With xdist the build is shared by the workers
(one builds under a file lock, the others wait for it).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import ROOT

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ is marked `e2e` (select with `-m e2e`, skip with `-m 'not e2e'`)."""
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class Installed:
    """The built distributions and the virtualenv they were installed into."""

    wheel: Path
    sdist: Path
    venv: Path
    cache: Path  # XDG_CACHE_HOME shared by the session's runs (validate's parse cache)

    @property
    def exe(self) -> Path:
        return self.venv / "bin" / "infrascaffold"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """A user's environment: this virtualenv first on PATH, nothing of the test run's."""
        path = f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
        env = {
            "PATH": path,
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "XDG_CACHE_HOME": str(self.cache),
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        return env | extra

    def run(
        self, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """`infrascaffold ARGS` as a process in `cwd`."""
        return subprocess.run(
            [str(self.exe), *args],
            cwd=cwd,
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (and only this run)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "e2e-install"


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "-q", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def _build_and_install(root: Path) -> None:
    dist = root / "dist"
    # No build isolation: hatchling and build are test dependencies (no download per run).
    subprocess.run(
        [sys.executable, "-m", "build", "-q", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # A plain install, as pipx does: bytecode compiled, dependencies from the package registry
    # (through pip's cache).
    _pip("--python", str(venv / "bin" / "python"), "install", str(next(dist.glob("*.whl"))))
    (root / "ready").touch()


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """The wheel built from the sdist of this checkout, installed in a fresh virtualenv."""
    root = _shared_root(tmp_path_factory)
    root.mkdir(parents=True, exist_ok=True)
    with (root.parent / "e2e-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "ready").exists():
            shutil.rmtree(root / "dist", ignore_errors=True)
            shutil.rmtree(root / "venv", ignore_errors=True)
            _build_and_install(root)
    cache = root / "cache"
    cache.mkdir(exist_ok=True)
    yield Installed(
        wheel=next((root / "dist").glob("*.whl")),
        sdist=next((root / "dist").glob("*.tar.gz")),
        venv=root / "venv",
        cache=cache,
    )


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    """A working folder outside the source checkout (nothing there shadows the install)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def rendered(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A render of the aws-containers example by the installed binary (copy it before editing)."""
    folder = tmp_path_factory.mktemp("rendered")
    result = installed.run("new", "infra", "--example", "aws-containers", "--no-input", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "infra"


def copy_of(folder: Path, into: Path) -> Path:
    """A copy of a rendered folder for one test to change."""
    return Path(shutil.copytree(folder, into / folder.name, symlinks=True))
