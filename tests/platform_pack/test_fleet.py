"""The scheduled pack update (issue 20, fleet): the rendered update script, run for real.

The script both CI systems render (`partials/ci/fleet/update.sh.j2`) runs here as the pipelines
run it, with bash `-eo pipefail` and the installed console script, in a real git repository
rendered from a git pack: a release with a conflicting edit, and an up-to-date folder. The CI
wrappers around it (the GitHub App token, the push, the pull/merge request) are read from the
render and pinned to the facts that make them work.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from infrascaffold import __version__
from tests.builders import example_answers, render_answers
from tests.commands.test_update_lifecycle import run_cli
from tests.commands.test_update_sources import git, released  # noqa: F401 - the fixture

WORKFLOW = ".github/workflows/infrascaffold-update.yml"
PARTIAL = Path(__file__).parents[2] / "templates/platform/partials/ci/fleet/update.sh.j2"


@functools.cache
def _github() -> dict[str, str]:
    return render_answers({**example_answers("aws-containers"), "ci": "github-actions"})


@functools.cache
def _gitlab() -> dict[str, str]:
    return render_answers(example_answers("gcp-kubernetes-canary"))


def _steps(files: dict[str, str]) -> dict[str, dict[str, object]]:
    workflow = yaml.safe_load(files[WORKFLOW])
    steps = workflow["jobs"]["update"]["steps"]
    return {str(step.get("name") or step["uses"]): step for step in steps}


def update_script() -> str:
    """The update step of the rendered GitHub workflow: the shared script in a subshell."""
    run = _steps(_github())["infrascaffold update"]["run"]
    assert isinstance(run, str)
    return run.replace('cat "$UPDATE_OUT/result.env" >> "$GITHUB_OUTPUT"\n', "")


def run_update(dest: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TF_ROOT": ".",
        "UPDATE_OUT": str(out),
        "RUN_URL": "https://ci.example.com/runs/1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    script = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", update_script()]
    return subprocess.run(script, cwd=dest, env=env, capture_output=True, text=True, check=False)


def test_both_ci_systems_run_the_same_update_script() -> None:
    shared = [line.strip() for line in PARTIAL.read_text().splitlines() if line.strip()]
    gitlab = yaml.safe_load(_gitlab()[".gitlab-ci.yml"])["infrascaffold-update"]["script"][0]
    github = update_script()
    for line in shared:
        assert line in github and line in gitlab, line


def test_a_release_with_a_conflicting_edit_becomes_a_proposal(
    released: str,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--pack", f"git+{released}@v1.0.0", "--defaults")
    assert done.returncode == 0, done.stderr
    git(dest, "init", "-q", "-b", "main")
    (dest / "notes.md").write_text("# Our notes\n\nhello\n")  # the template changes this line
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "rendered, then edited")

    out = tmp_path / "out"
    done = run_update(dest, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "result.env").read_text() == "changed=true\n"
    assert (out / "title.txt").read_text() == "infrascaffold update: pack svc 1.0.0 → 3.0.0\n"
    body = (out / "body.md").read_text()
    assert "https://ci.example.com/runs/1" in body and "- `notes.md`" in body
    assert "<<<<<<<" in (dest / "notes.md").read_text()
    staged = git(dest, "diff", "--cached", "--name-only").splitlines()
    assert "notes.md" in staged and ".infrascaffold/pack.yaml" in staged
    # staged as resolved, so the pipeline can commit it for the reviewer to resolve
    assert git(dest, "ls-files", "--unmerged") == ""


def test_an_up_to_date_folder_proposes_nothing(
    released: str,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    dest = tmp_path / "infra"
    done = run_cli("new", str(dest), "--pack", f"git+{released}@v3.0.0", "--defaults")
    assert done.returncode == 0, done.stderr
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "rendered")
    out = tmp_path / "out"
    done = run_update(dest, out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "result.env").read_text() == "changed=false\n"
    assert "up to date" in done.stdout and not (out / "title.txt").exists()


def test_github_pushes_with_an_app_token_that_may_change_workflows() -> None:
    """GITHUB_TOKEN has no `workflows` permission and its pull requests start no workflow, so
    the token comes from a GitHub App with exactly contents, pull requests and workflows."""
    files = _github()
    workflow = yaml.safe_load(files[WORKFLOW])
    job = workflow["jobs"]["update"]
    assert workflow["permissions"] == {} and job["permissions"] == {"contents": "read"}
    steps = _steps(files)
    app = steps["Token of the update app"]["with"]
    assert isinstance(app, dict)
    grants = {k: v for k, v in app.items() if k.startswith("permission-")}
    assert grants == {
        "permission-contents": "write",
        "permission-pull-requests": "write",
        "permission-workflows": "write",
    }
    push = steps["Push the branch and open the pull request"]
    assert push["env"]["GH_TOKEN"] == "${{ steps.app.outputs.token }}"  # type: ignore[index]
    assert "gh auth setup-git" in str(push["run"])
    checkout = next(s for s in steps.values() if str(s.get("uses", "")).startswith("actions/ch"))
    assert checkout["with"] == {"persist-credentials": False}
    # an open update pull request is never overwritten
    assert all(
        s.get("if") == "steps.open.outputs.number == ''"
        for name, s in steps.items()
        if name not in ("Token of the update app", "An update pull request already open?")
        and name != "Push the branch and open the pull request"
    )
    assert "pip" in files[".github/dependabot.yml"]
    dependabot = yaml.safe_load(files[".github/dependabot.yml"])
    pip = next(u for u in dependabot["updates"] if u["package-ecosystem"] == "pip")
    assert pip["directory"] == "/.github/infrascaffold"
    assert files[".github/infrascaffold/requirements.txt"].endswith(
        f"infrascaffold=={__version__}\n"
    )


def test_gitlab_opens_the_merge_request_from_the_commit_message() -> None:
    """Git refuses push options with line breaks, so the merge request takes its title and
    description from the commit; the schedule's variable keeps drift and update apart."""
    files = _gitlab()
    pipeline = yaml.safe_load(files[".gitlab-ci.yml"])
    job = pipeline["infrascaffold-update"]
    assert job["rules"] == [
        {"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE == "true"'}
    ]
    drift = pipeline[".drift"]["rules"]
    assert drift == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE != "true"'}]
    script = job["script"][0]
    assert "merge_request.description" not in script
    assert 'git commit -q -F "$UPDATE_OUT/message.txt"' in script
    assert "-o merge_request.create" in script and "merge_request.remove_source_branch" in script
    assert "INFRASCAFFOLD_UPDATE_TOKEN" not in script.split("push", 1)[1].split("\n")[0]
    assert "update" in pipeline["stages"]
    assert files[".gitlab/infrascaffold/requirements.txt"].endswith(
        f"infrascaffold=={__version__}\n"
    )


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
def test_the_runbook_comes_with_the_update_job(ci: str) -> None:
    files = render_answers({**example_answers("aws-containers"), "ci": ci})
    assert "docs/runbooks/pack-updates.md" in files
    assert "pack-updates.md" in files["docs/runbooks/README.md"]
    none = render_answers({**example_answers("aws-containers"), "ci": "none"})
    assert "docs/runbooks/pack-updates.md" not in none
