"""Recorded packs that any clone can update: git packs across releases, folders relative to DEST."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.builders import build_file_tree
from tests.commands.test_update_lifecycle import run_cli

PACK = """\
name: svc
version: {version}
questions:
  - {{key: greeting, default: hello}}
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A bare git repository of pack svc with releases v1.0.0, v2.0.0 and v3.0.0."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    for n in (1, 2, 3):
        build_file_tree(
            work,
            {
                "pack.yaml": PACK.format(version=f"{n}.0.0"),
                "files/notes.md.j2": f"# Notes v{n}\n\n{{{{ greeting }}}}\n",
            },
        )
        git(work, "add", "-A")
        git(work, "commit", "-qm", f"v{n}")
        git(work, "tag", f"v{n}.0.0")
    git(work, "tag", "v4.0.0-rc.1")  # a pre-release is never offered
    bare = tmp_path / "svc.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return f"file://{bare}"


def recorded(dest: Path) -> dict[str, object]:
    meta = yaml.safe_load((dest / ".infrascaffold" / "pack.yaml").read_text())
    assert isinstance(meta, dict)
    return meta


def test_a_git_pack_is_upgraded_release_by_release(released: str, tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--pack", f"git+{released}@v1.0.0", "--defaults")
    assert done.returncode == 0, done.stderr
    meta = recorded(dest)
    git_meta = meta["git"]
    assert isinstance(git_meta, dict)
    assert git_meta["url"] == released and git_meta["ref"] == "v1.0.0"
    assert (
        len(git_meta["commit"]) == 40 and meta["source"] == f"git+{released}@{git_meta['commit']}"
    )

    checked = run_cli("update", str(dest), "--check")
    assert checked.returncode == 1
    assert "pack svc 1.0.0 → 3.0.0 available" in checked.stdout
    assert f"--pack git+{released}@v3.0.0" in checked.stdout
    as_json = json.loads(run_cli("update", str(dest), "--check", "--format", "json").stdout)
    assert as_json["status"] == "stale" and "3.0.0 available" in as_json["available"]
    # what the fleet workflow reads to take the newest release
    assert as_json["newest"] == {"version": "3.0.0", "pack": f"git+{released}@v3.0.0"}

    # The v1 tag is deleted upstream, and the clone cache is gone (a teammate's machine).
    git(Path(released.removeprefix("file://")), "tag", "-d", "v1.0.0")
    shutil.rmtree(tmp_path / "cache")
    again = run_cli("update", str(dest))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nothing to change" in again.stdout and "3.0.0 available" in again.stdout

    (dest / "notes.md").write_text("# Notes v1\n\nhello\n\nTeam line.\n")
    to_v2 = run_cli("update", str(dest), "--pack", f"git+{released}@v2.0.0")
    assert to_v2.returncode == 0, to_v2.stdout + to_v2.stderr
    assert (dest / "notes.md").read_text() == "# Notes v2\n\nhello\n\nTeam line.\n"
    assert recorded(dest)["version"] == "2.0.0"
    git_meta = recorded(dest)["git"]
    assert isinstance(git_meta, dict) and git_meta["ref"] == "v2.0.0"

    to_v3 = run_cli("update", str(dest), "--pack", f"git+{released}@v3.0.0")
    assert to_v3.returncode == 0, to_v3.stdout + to_v3.stderr
    assert (dest / "notes.md").read_text() == "# Notes v3\n\nhello\n\nTeam line.\n"
    final = run_cli("update", str(dest), "--check")
    assert (final.returncode, final.stdout) == (0, "up to date\n")


def test_a_folder_pack_is_recorded_relative_so_another_checkout_updates(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_file_tree(
        repo / "packs" / "svc",
        {"pack.yaml": PACK.format(version="1.0.0"), "files/notes.md.j2": "{{ greeting }}\n"},
    )
    done = run_cli("new", str(repo / "infra"), "--pack", str(repo / "packs" / "svc"), "--defaults")
    assert done.returncode == 0, done.stderr
    assert recorded(repo / "infra")["source"] == "../packs/svc"
    clone = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(repo, clone)
    shutil.rmtree(repo)
    updated = run_cli("update", str(clone / "infra"), "--set", "greeting=hi")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert (clone / "infra" / "notes.md").read_text() == "hi\n"
    assert recorded(clone / "infra")["source"] == "../packs/svc"
