"""The scheduled pack update (issue 20, fleet): the rendered update script, run for real.

The script both CI systems render (`partials/ci/fleet/update.sh.j2`) runs here as the pipelines
run it, with bash `-eo pipefail` and the installed console script, in a real git repository
rendered from a git pack: a release with a conflicting edit, and an up-to-date folder. The CI
wrappers around it (the GitHub App token, the push, the pull/merge request) are read from the
render and pinned to the facts that make them work.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest
import yaml

from infrascaffold import __version__
from tests.builders import example_answers, render_answers, run_step
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


def _steps(files: dict[str, str], job: str = "update") -> dict[str, dict[str, object]]:
    workflow = yaml.safe_load(files[WORKFLOW])
    steps = workflow["jobs"][job]["steps"]
    return {str(step.get("name") or step["uses"]): step for step in steps}


def update_script() -> str:
    """The update step of the rendered GitHub workflow: the shared script in a subshell."""
    run = _steps(_github())["infrascaffold update"]["run"]
    assert isinstance(run, str)
    return run.replace('cat "$UPDATE_OUT/result.env" >> "$GITHUB_OUTPUT"\n', "")


def run_update(dest: Path, out: Path) -> subprocess.CompletedProcess[str]:
    identity = {f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                for what, value in (("NAME", "t"), ("EMAIL", "t@example.com"))}  # fmt: skip
    return run_step(
        update_script(), dest, TF_ROOT=".", UPDATE_OUT=str(out),
        RUN_URL="https://ci.example.com/runs/1", **identity,
    )  # fmt: skip


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

    # the hand-over: the propose job applies the patch to a fresh checkout of the same commit
    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", str(dest), str(fresh))
    git(fresh, "apply", "--index", "--binary", str(out / "update.patch"))
    for path in staged:
        mine, theirs = fresh / path, dest / path
        assert mine.exists() == theirs.exists(), path
        if theirs.exists():
            assert mine.read_bytes() == theirs.read_bytes(), path


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
    the token comes from a GitHub App with exactly contents, pull requests and workflows, in a
    job of its own that installs nothing: the packages infrascaffold brings never run beside it."""
    files = _github()
    workflow = yaml.safe_load(files[WORKFLOW])
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    assert jobs["update"]["permissions"] == {"contents": "read"}
    assert jobs["propose"]["permissions"] == {} and jobs["propose"]["needs"] == "update"
    assert "secrets." not in yaml.safe_dump(jobs["update"])
    propose = _steps(files, "propose")
    app = propose["Token of the update app"]["with"]
    assert isinstance(app, dict)
    grants = {k: v for k, v in app.items() if k.startswith("permission-")}
    assert grants == {
        "permission-contents": "write",
        "permission-pull-requests": "write",
        "permission-workflows": "write",
    }
    scripts = " ".join(str(s.get("run", "")) for s in propose.values())
    assert not any(word in scripts for word in ("pip ", "python", "infrascaffold update"))
    push = propose["Push the branch and open the pull request"]
    assert push["env"]["GH_TOKEN"] == "${{ steps.app.outputs.token }}"  # type: ignore[index]
    run = str(push["run"])
    assert "gh auth setup-git" in run and "core.hooksPath=/dev/null commit" in run
    assert 'git apply --index --binary "$UPDATE_OUT/update.patch"' in run
    checkouts = [s for s in [*propose.values(), *_steps(files).values()] if "checkout" in str(s)]
    assert checkouts and all(s["with"] == {"persist-credentials": False} for s in checkouts)
    # an open update pull request is never overwritten
    gated = [
        s
        for name, s in propose.items()
        if name not in ("Token of the update app", "An update pull request already open?")
    ]
    assert all(s.get("if") == "steps.open.outputs.number == ''" for s in gated)
    dependabot = yaml.safe_load(files[".github/dependabot.yml"])
    pip = next(u for u in dependabot["updates"] if u["package-ecosystem"] == "pip")
    assert pip["directory"] == "/.github/infrascaffold"
    assert files[".github/infrascaffold/requirements.txt"].endswith(
        f"infrascaffold=={__version__}\n"
    )


def test_gitlab_opens_the_merge_request_from_the_commit_message() -> None:
    """Git refuses push options with line breaks, so the merge request takes its title and
    description from the commit; the write token is scoped to the propose job's environment,
    which runs nothing but git; the schedule's variable keeps drift and update apart."""
    files = _gitlab()
    pipeline = yaml.safe_load(files[".gitlab-ci.yml"])
    update, propose = pipeline["infrascaffold-update"], pipeline["infrascaffold-propose"]
    rule = [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE == "true"'}]
    assert update["rules"] == rule and propose["rules"] == rule
    drift = pipeline[".drift"]["rules"]
    assert drift == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE != "true"'}]
    assert "INFRASCAFFOLD_UPDATE_TOKEN" not in update["script"][0]
    assert propose["environment"]["name"] == "infrascaffold-update"
    assert propose["needs"] == ["infrascaffold-update"]
    assert update["artifacts"]["paths"] == ["infrascaffold-update/"]
    script = propose["script"][0]
    assert not any(word in script for word in ("pip ", "infrascaffold update"))
    assert "merge_request.description" not in script
    assert "git -c core.hooksPath=/dev/null commit -q -F /tmp/message.txt" in script
    assert "-o merge_request.create" in script and "merge_request.remove_source_branch" in script
    assert "update" in pipeline["stages"]
    assert files[".gitlab/infrascaffold/requirements.txt"].endswith(
        f"infrascaffold=={__version__}\n"
    )
    runbook = files["docs/runbooks/pack-updates.md"]
    assert "environment scope" in runbook.lower() and "infrascaffold-update" in runbook


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci"])
def test_the_runbook_comes_with_the_update_job(ci: str) -> None:
    files = render_answers({**example_answers("aws-containers"), "ci": ci})
    assert "docs/runbooks/pack-updates.md" in files
    assert "pack-updates.md" in files["docs/runbooks/README.md"]
    none = render_answers({**example_answers("aws-containers"), "ci": "none"})
    assert "docs/runbooks/pack-updates.md" not in none
