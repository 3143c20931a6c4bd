"""`update` as a real process over a repository's life: git-visible conflicts, --check, dry runs,
validated merges and a refused cloud switch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import EXAMPLES
from tests.update.test_plan import make_pack

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `infrascaffold` console script of this environment as a separate process."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("infrascaffold")), *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def conflicted(tmp_path: Path) -> Path:
    """A folder in a git repository whose next `update --set greeting=hi` conflicts."""
    pack = make_pack(tmp_path / "pack")
    repo = tmp_path / "repo"
    dest = repo / "infra"
    assert git(tmp_path, "init", "-q", str(repo)).returncode == 0
    assert run_cli("new", str(dest), "--pack", str(pack), "--defaults").returncode == 0
    (dest / "notes.md").write_text("# Notes\n\nyo\n\nline a\nline b\nline c\n")
    assert git(repo, "add", "-A").returncode == 0
    assert git(repo, "commit", "-qm", "infra").returncode == 0
    return dest


def test_conflicts_are_unmerged_in_git_and_commit_refuses(conflicted: Path) -> None:
    repo = conflicted.parent
    done = run_cli("update", str(conflicted), "--set", "greeting=hi")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Conflicts remain" in done.stderr
    status = git(repo, "status", "--porcelain").stdout
    assert "UU infra/notes.md" in status
    stages = git(repo, "ls-files", "-u", "infra/notes.md").stdout.splitlines()
    assert [line.split()[2] for line in stages] == ["1", "2", "3"]
    assert (
        git(repo, "show", ":1:infra/notes.md").stdout
        == "# Notes\n\nhello\n\nline a\nline b\nline c\n"
    )
    assert (
        git(repo, "show", ":2:infra/notes.md").stdout == "# Notes\n\nyo\n\nline a\nline b\nline c\n"
    )
    assert (
        git(repo, "show", ":3:infra/notes.md").stdout == "# Notes\n\nhi\n\nline a\nline b\nline c\n"
    )
    # As after a real `git merge`; only `git commit -a` (which stages everything) goes through.
    refused = git(repo, "commit", "-qm", "with markers")
    assert refused.returncode != 0 and "unmerged" in (refused.stdout + refused.stderr).lower()

    checked = run_cli("update", str(conflicted), "--check", "--format", "json")
    assert checked.returncode == 1
    assert json.loads(checked.stdout) == {"status": "conflicts", "conflicted": ["notes.md"]}
    text_check = run_cli("update", str(conflicted), "--check")
    assert text_check.returncode == 1 and "conflict      notes.md" in text_check.stdout

    (conflicted / "notes.md").write_text("# Notes\n\nyo and hi\n\nline a\nline b\nline c\n")
    assert git(repo, "add", "infra/notes.md").returncode == 0
    assert git(repo, "commit", "-qm", "resolved").returncode == 0


def test_a_dry_run_never_claims_to_have_written_conflicts(conflicted: Path) -> None:
    before = (conflicted / "notes.md").read_text()
    done = run_cli("update", str(conflicted), "--set", "greeting=hi", "--dry-run")
    assert done.returncode == 1
    assert "Conflicts remain" not in done.stdout + done.stderr
    assert "would get conflict markers; nothing was written" in done.stdout
    assert (conflicted / "notes.md").read_text() == before
    assert git(conflicted.parent, "ls-files", "-u").stdout == ""


def test_check_reports_staleness_as_json(conflicted: Path) -> None:
    (conflicted / "notes.md").write_text("# Notes\n\nhello\n\nline a\nline b\nline c\n")
    fresh = run_cli("update", str(conflicted), "--check", "--format", "json")
    assert fresh.returncode == 0 and json.loads(fresh.stdout)["status"] == "up-to-date"


def test_outside_git_conflicts_are_written_without_git(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    dest = tmp_path / "plain"
    assert run_cli("new", str(dest), "--pack", str(pack), "--defaults").returncode == 0
    (dest / "notes.md").write_text("# Notes\n\nyo\n\nline a\nline b\nline c\n")
    done = run_cli("update", str(dest), "--set", "greeting=hi")
    assert done.returncode == 1 and "unmerged in git" not in done.stderr


def test_a_change_of_cloud_is_refused_without_allow_rebuild(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    answers = EXAMPLES / "aws-containers.yml"
    assert run_cli("new", str(dest), "--answers", str(answers), "--no-input").returncode == 0
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    done = run_cli("update", str(dest), "--set", "cloud=gcp")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cloud" in lines[0] and "--allow-rebuild" in lines[0]
    assert "every resource" in lines[0] and "backend" in lines[0]
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before


MAIN_TF = (
    'variable "greeting" {\n'
    "  type        = string\n"
    '  description = "Greeting."\n'
    "  default     = {{ greeting | hcl }}\n"
    "}\n"
    "\n"
    'output "greeting" {\n'
    '  description = "Greeting."\n'
    "  value       = var.greeting\n"
    "}\n"
)


def test_a_merge_that_fails_validation_is_reported_and_exits_1(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack", extra={"files/main.tf.j2": MAIN_TF})
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--pack", str(pack), "--defaults")
    assert done.returncode == 0, done.stderr
    main = dest / "main.tf"
    # The user's edit refers to a variable that does not exist; the template changes another item.
    main.write_text(main.read_text().replace("var.greeting", "var.greting"))
    done = run_cli("update", str(dest), "--set", "greeting=hi")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "merged        main.tf" in done.stdout
    assert "main.tf:9: [undeclared-reference]" in done.stdout
    assert "the merged files fail validation" in done.stderr
    assert "var.greting" in main.read_text() and '"hi"' in main.read_text()


def test_conflict_markers_are_findings_of_their_own() -> None:
    from infrascaffold.update.review import review_merged

    render = {"notes.md": "a\n"}
    merged = {"notes.md": "<<<<<<< yours\nb\n||||||| base\na\n=======\nc\n>>>>>>> template\n"}
    findings = review_merged(merged, render)
    assert [(f.check, f.path, f.line) for f in findings] == [("conflict-markers", "notes.md", 1)]
    assert review_merged(render, render) == []
