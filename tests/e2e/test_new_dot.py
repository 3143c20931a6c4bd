"""`new .` and `update .` from a shell sitting in DEST, in a fresh git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.conftest import Installed


def git(repo: Path, installed: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    env = installed.env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com")
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )


def test_new_dot_in_a_fresh_repository_keeps_the_folder(installed: Installed, work: Path) -> None:
    repo = work / "shop-infra"
    repo.mkdir()
    git(repo, installed, "init", "-q")
    (repo / "LICENSE").write_text("MIT\n")
    inode = repo.stat().st_ino
    result = installed.run("new", ".", "--example", "aws-containers", "--no-input", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert repo.stat().st_ino == inode  # the shell's working folder is still DEST
    status = git(repo, installed, "status", "--porcelain", "--untracked-files=all").stdout
    listed = {line[3:] for line in status.splitlines()}
    assert {
        "main.tf",
        "LICENSE",
        ".infrascaffold/answers.yaml",
        "environments/prod.tfvars",
    } <= listed
    assert not [p for p in listed if "journal" in p]
    assert not [p for p in work.iterdir() if p.name != "shop-infra"]  # nothing left beside DEST
    git(repo, installed, "add", "-A")
    git(repo, installed, "commit", "-qm", "scaffold")

    # `update .` from the same shell: the folder is kept, files the team added stay.
    (repo / "NOTES.md").write_text("ours\n")
    result = installed.run("update", ".", "--set", "owner=payments-team", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert repo.stat().st_ino == inode and (repo / "NOTES.md").read_text() == "ours\n"
    status = git(repo, installed, "status", "--porcelain").stdout
    assert " M .infrascaffold/answers.yaml" in status.splitlines()
    assert installed.run("update", ".", "--check", cwd=repo).returncode == 0
