"""Post-render tasks: refused without --trust (nothing written), listed and run with it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from infrascaffold.cli import cli
from tests.builders import build_file_tree

MANIFEST = """\
name: tasky
version: 1.0.0
questions: [{key: name, default: x}]
tasks:
  - "touch created-by-task"
"""


def test_tasks_need_trust_and_nothing_is_written_without_it(tmp_path: Path) -> None:
    pack = build_file_tree(tmp_path / "pack", {"pack.yaml": MANIFEST, "files/a.txt": "a\n"})
    result = CliRunner().invoke(
        cli, ["new", str(tmp_path / "out"), "--pack", str(pack), "--no-input"]
    )
    assert result.exit_code == 2
    assert "declares post-render tasks (touch created-by-task); pass --trust" in result.stderr
    assert not (tmp_path / "out").exists()


def test_trusted_tasks_are_listed_then_run_in_dest(tmp_path: Path) -> None:
    pack = build_file_tree(tmp_path / "pack", {"pack.yaml": MANIFEST, "files/a.txt": "a\n"})
    result = CliRunner().invoke(
        cli, ["new", str(tmp_path / "out"), "--pack", str(pack), "--no-input", "--trust"]
    )
    assert result.exit_code == 0, result.output
    assert "  $ touch created-by-task" in result.stdout
    assert (tmp_path / "out" / "created-by-task").exists()


def test_failing_task_is_one_clear_error(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("touch created-by-task", "false")
    pack = build_file_tree(tmp_path / "pack", {"pack.yaml": manifest, "files/a.txt": "a\n"})
    result = CliRunner().invoke(
        cli, ["new", str(tmp_path / "out"), "--pack", str(pack), "--no-input", "--trust"]
    )
    assert result.exit_code == 2
    assert "false: failed with exit code 1" in result.stderr
