"""`update` takes the limits and the `--trust` of `new`: a pack release cannot fill the disk or
reach a remote pack that the team never trusted."""

from __future__ import annotations

from pathlib import Path

from tests.builders import build_file_tree
from tests.commands.test_update_lifecycle import run_cli

PACK = """\
name: many
version: 1.0.0
questions:
  - {key: count, type: int, default: 3}
files:
  - {path: many, for_each: 'range(count) | list', as: n}
"""


def _rendered(tmp_path: Path) -> tuple[Path, Path]:
    pack = build_file_tree(tmp_path / "pack", {"pack.yaml": PACK, "files/many/{{ n }}.txt": "x"})
    dest = tmp_path / "out"
    done = run_cli("new", str(dest), "--pack", str(pack), "--no-input")
    assert done.returncode == 0, done.stderr
    return pack, dest


def test_update_refuses_a_render_over_max_files_and_writes_nothing(tmp_path: Path) -> None:
    _, dest = _rendered(tmp_path)
    before = sorted(p.name for p in (dest / "many").iterdir())
    done = run_cli("update", str(dest), "--set", "count=100", "--max-files", "50", "--no-input")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: many/50.txt: the render has more than 50 files (--max-files)"
    ]
    assert sorted(p.name for p in (dest / "many").iterdir()) == before


def test_update_within_raised_limits_renders(tmp_path: Path) -> None:
    _, dest = _rendered(tmp_path)
    done = run_cli("update", str(dest), "--set", "count=60", "--max-files", "500", "--no-input")
    assert done.returncode == 0, done.stderr
    assert len(list((dest / "many").iterdir())) == 60


def test_update_refuses_an_untrusted_remote_extends(tmp_path: Path) -> None:
    pack, dest = _rendered(tmp_path)
    manifest = pack / "pack.yaml"
    manifest.write_text(manifest.read_text() + "extends: 'git+https://example.invalid/p.git@v1'\n")
    done = run_cli("update", str(dest), "--no-input")
    assert done.returncode == 2, done.stderr
    assert "needs --trust" in done.stderr
