"""A `new` killed with SIGKILL at any moment leaves nothing that the rerun does not clean: the
rerun succeeds (or, when the kill came after the last rename, finds the finished render) and
DEST holds exactly one complete render, with no staging or journal folder anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import Installed

ARGS = ("--example", "gcp-containers", "--no-input")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_sigkill_at_any_moment_then_rerun(installed: Installed, work: Path) -> None:
    started = time.monotonic()
    assert installed.run("new", "reference", *ARGS, cwd=work).returncode == 0
    took = time.monotonic() - started
    expected = tree(work / "reference")
    for i, fraction in enumerate((0.6, 0.75, 0.85, 0.92, 1.0)):
        dest = f"infra{i}"
        proc = subprocess.Popen(
            [str(installed.exe), "new", dest, *ARGS],
            cwd=work,
            env=installed.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(took * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        rerun = installed.run("new", dest, *ARGS, cwd=work)
        finished_before = "already holds an infrascaffold render" in rerun.stderr
        assert rerun.returncode == 0 or finished_before, rerun.stderr
        assert tree(work / dest) == expected
        assert not [p.name for p in work.iterdir() if ".infrascaffold-" in p.name]
        assert sorted(p.name for p in (work / dest / ".infrascaffold").iterdir()) == [
            "answers.yaml",
            "base.txt",
            "decisions.yaml",
            "pack.yaml",
        ]
