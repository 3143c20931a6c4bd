"""Atomic writing: all or nothing, never deleting files that were not rendered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infrascaffold import writer
from infrascaffold.errors import WriteError
from infrascaffold.writer import check_destination, write_tree
from tests.builders import build_file_tree


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".infrascaffold-" in p.name]


def test_writes_a_new_folder(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "infra"
    write_tree(dest, {"main.tf": "x\n", "modules/m/main.tf": "y\n", "run.sh": "#!/bin/sh\n"})
    assert snapshot(dest) == {"main.tf": "x\n", "modules/m/main.tf": "y\n", "run.sh": "#!/bin/sh\n"}
    assert os.access(dest / "run.sh", os.X_OK)
    assert leftovers(dest.parent) == []


def test_empty_folder_is_accepted(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    dest.mkdir()
    write_tree(dest, {"a": "1"})
    assert snapshot(dest) == {"a": "1"}


def test_non_empty_folder_needs_force(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"keep.txt": "mine\n"})
    with pytest.raises(WriteError, match="not empty"):
        write_tree(dest, {"a": "1"})
    assert snapshot(dest) == {"keep.txt": "mine\n"}


def test_force_keeps_files_it_did_not_render_and_replaces_rendered_ones(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"keep.txt": "mine\n", "main.tf": "old\n"})
    outside_link = dest / "keep-link.txt"
    outside_link.symlink_to(dest / "keep.txt")
    original_inode = (dest / "main.tf").stat().st_ino
    write_tree(dest, {"main.tf": "new\n", "sub/b.tf": "b\n"}, force=True)
    assert snapshot(dest) == {
        "keep.txt": "mine\n",
        "keep-link.txt": "mine\n",
        "main.tf": "new\n",
        "sub/b.tf": "b\n",
    }
    assert (dest / "keep-link.txt").is_symlink()
    assert (dest / "main.tf").stat().st_ino != original_inode


def test_dest_that_is_a_file_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    dest.write_text("x")
    with pytest.raises(WriteError, match="not a folder"):
        check_destination(dest, force=True)


def test_failure_mid_write_leaves_dest_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n"})
    calls = []
    real = writer._write_file

    def failing(root: Path, rel: str, text: str) -> None:
        calls.append(rel)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real(root, rel, text)

    monkeypatch.setattr(writer, "_write_file", failing)
    with pytest.raises(KeyboardInterrupt):
        write_tree(dest, {f"f{i}.tf": "new\n" for i in range(5)} | {"main.tf": "new\n"}, force=True)
    assert snapshot(dest) == {"main.tf": "old\n"}
    assert leftovers(tmp_path) == []


def test_exchange_fallback_without_renameat2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    dest = build_file_tree(tmp_path / "infra", {"keep": "k"})
    write_tree(dest, {"a": "1"}, force=True)
    assert snapshot(dest) == {"a": "1", "keep": "k"}
    assert leftovers(tmp_path) == []


SLOW_WRITER = """
import sys, time
from pathlib import Path
from infrascaffold import writer
real = writer._write_file
def slow(root, rel, text):
    time.sleep(0.01)
    real(root, rel, text)
writer._write_file = slow
writer.write_tree(Path(sys.argv[1]), {f"f{i}.tf": "new" for i in range(2000)}, force=True)
"""


def test_kill_9_mid_write_leaves_dest_unchanged(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"main.tf": "old\n"})
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(dest)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        staging = [p for p in tmp_path.iterdir() if ".infrascaffold-" in p.name]
        if staging and len(list(staging[0].iterdir())) > 20:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert snapshot(dest) == {"main.tf": "old\n"}
