"""An application repository with its infrastructure in `infra/`: the installed binary writes the
CI files at the repository root (GitHub and GitLab run only those), pointed at `infra/`, and
`update` after a pack release merges the team's edit of a root workflow there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tests.builders import ROOT
from tests.e2e.conftest import Installed
from tests.platform_pack.test_ci import run, tool


def git(repo: Path, installed: Installed, *args: str) -> subprocess.CompletedProcess[str]:
    env = installed.env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com")
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )


def app_repository(work: Path, installed: Installed) -> Path:
    app = work / "app"
    app.mkdir()
    git(app, installed, "init", "-q", "-b", "main")
    (app / "README.md").write_text("The application.\n")
    return app


def released_pack(into: Path) -> Path:
    """The built-in pack as a team's folder pack, released once more with a changed workflow."""
    pack = Path(shutil.copytree(ROOT / "templates" / "platform", into / "platform"))
    manifest = pack / "pack.yaml"
    text = manifest.read_text()
    assert "\nversion: 0.2.0\n" in text
    manifest.write_text(text.replace("\nversion: 0.2.0\n", "\nversion: 0.3.0\n", 1))
    workflow = pack / "files/ci/github-actions/.github/workflows/terraform.yml.j2"
    body = workflow.read_text()
    assert "    timeout-minutes: 15\n" in body
    workflow.write_text(body.replace("    timeout-minutes: 15\n", "    timeout-minutes: 25\n", 1))
    return pack


def test_ci_files_at_the_root_of_an_app_repository(installed: Installed, work: Path) -> None:
    app = app_repository(work, installed)
    result = installed.run(
        "new", "app/infra", "--example", "aws-containers", "--no-input", cwd=work
    )
    assert result.returncode == 0, result.stderr
    assert f"CI files (15) went to the repository root {app.resolve()}" in result.stdout
    workflows = app / ".github" / "workflows"
    assert not (app / "infra" / ".github").exists()
    terraform = yaml.safe_load((workflows / "terraform.yml").read_text())
    assert terraform["env"]["TF_ROOT"] == "${{ vars.TF_ROOT || 'infra' }}"
    plan = yaml.safe_load((workflows / "_terraform-plan.yml").read_text())
    steps = next(iter(plan["jobs"].values()))
    assert steps["defaults"]["run"]["working-directory"] == "${{ env.TF_ROOT }}/${{ inputs.stack }}"
    files = sorted(str(p) for p in workflows.glob("*.yml"))
    lint = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *files], cwd=app)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    schema = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files])
    assert schema.returncode == 0, schema.stdout + schema.stderr
    git(app, installed, "add", "-A")
    git(app, installed, "commit", "-qm", "scaffold")

    # The team edits a root workflow; the pack's next release changes the same file elsewhere.
    edited = workflows / "terraform.yml"
    edited.write_text("# Reviewed by the platform team.\n" + edited.read_text())
    pack = released_pack(work)
    updated = installed.run("update", "app/infra", "--pack", str(pack), "--no-input", cwd=work)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    text = edited.read_text()
    assert text.startswith("# Reviewed by the platform team.\n")
    assert "timeout-minutes: 25" in text and "timeout-minutes: 15" not in text
    assert not (app / "infra" / ".github").exists()
    status = git(app, installed, "status", "--porcelain").stdout.splitlines()
    assert " M .github/workflows/terraform.yml" in status
    check = installed.run("update", "app/infra", "--check", "--pack", str(pack), cwd=work)
    assert (check.returncode, check.stdout) == (0, "up to date\n"), check.stdout + check.stderr


def test_gitlab_ci_at_the_root_and_a_foreign_one_refused(installed: Installed, work: Path) -> None:
    app = app_repository(work, installed)
    args = ["--example", "gcp-containers", "--set", "ci=gitlab-ci", "--no-input"]
    result = installed.run("new", "app/infra", *args, cwd=work)
    assert result.returncode == 0, result.stderr
    pipeline = app / ".gitlab-ci.yml"
    assert yaml.safe_load(pipeline.read_text())["variables"]["TF_ROOT"] == "infra"
    cmd = [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci"]
    schema = run([*cmd, "--data-transform", "gitlab-ci", str(pipeline)])
    assert schema.returncode == 0, schema.stdout + schema.stderr

    other = work / "other"
    other.mkdir()
    git(other, installed, "init", "-q")
    (other / ".gitlab-ci.yml").write_text("include: shared.yml\n")
    refused = installed.run("new", "other/infra", *args, cwd=work)
    assert refused.returncode == 2
    assert (
        refused.stderr.count("\n") == 1 and ".gitlab-ci.yml: exists and was not" in refused.stderr
    )
    assert sorted(p.name for p in other.iterdir()) == [".git", ".gitlab-ci.yml"]


def test_no_ci_at_root_keeps_them_in_infra(installed: Installed, work: Path) -> None:
    app = app_repository(work, installed)
    args = ["--example", "aws-containers", "--no-input", "--no-ci-at-root"]
    result = installed.run("new", "app/infra", *args, cwd=work)
    assert result.returncode == 0, result.stderr
    assert (app / "infra" / ".github" / "workflows" / "terraform.yml").is_file()
    assert not (app / ".github").exists()
    env = yaml.safe_load((app / "infra/.github/workflows/terraform.yml").read_text())["env"]
    assert env["TF_ROOT"] == "${{ vars.TF_ROOT || '.' }}"
