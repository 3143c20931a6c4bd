"""The DORA script counts what the render's pipelines really record: deploy and rollback jobs by
the names they have in the render (never Terraform's apply jobs, which hold the environment
too), GitHub deployments superseded by a later one (`inactive`) by how they ended, and every
automatic rollback inside a deploy job ends the job failed, so its deployment is a failed change.
Its API clients are fed recorded responses in the providers' documented shapes
(tests/fixtures/dora/README.md) and read every page of the window."""

from __future__ import annotations

import json
import re
import types
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.builders import example_answers, render_answers

EXAMPLES = ("aws-containers", "gcp-containers", "azure-containers")
GITLAB = {"ci": "gitlab-ci", "repository": "acme/platform/shop-infra"}


@cache
def render(example: str, gitlab: bool = False) -> dict[str, str]:
    answers = {**example_answers(example), **(GITLAB if gitlab else {})}
    return dict(render_answers(answers))


def dora_module(tree: dict[str, str]) -> types.ModuleType:
    module = types.ModuleType("dora_metrics")
    exec(compile(tree["scripts/dora_metrics.py"], "dora_metrics.py", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("example", EXAMPLES)
def test_github_kinds_follow_the_rendered_workflows(example: str) -> None:
    tree = render(example)
    dora = dora_module(tree)
    workflows = [p for p in tree if p.startswith(".github/workflows/") and p.endswith(".yml")]
    kinds = {p: dora.github_kind(p) for p in workflows}
    envs = [e["name"] for e in example_answers(example)["environments"]]
    assert kinds[".github/workflows/deploy.yml"] == "deploy"
    assert {p for p, k in kinds.items() if k == "rollback"} == {
        f".github/workflows/rollback-{env}.yml" for env in envs
    }
    assert kinds[".github/workflows/terraform.yml"] is None  # the apply jobs' deployments
    assert dora.github_kind(".github/workflows/deploy.yml@refs/heads/main") == "deploy"


@pytest.mark.parametrize("example", EXAMPLES)
def test_gitlab_kinds_follow_the_rendered_jobs(example: str) -> None:
    tree = render(example, gitlab=True)
    dora = dora_module(tree)
    pipeline = yaml.safe_load(tree[".gitlab-ci.yml"])
    holding = [k for k, v in pipeline.items() if isinstance(v, dict) and "environment" in v]
    kinds = {job: dora.gitlab_kind(job) for job in holding}
    envs = [e["name"] for e in example_answers(example)["environments"]]
    assert {j for j, k in kinds.items() if k == "deploy"} == {f"deploy:{e}" for e in envs}
    assert {j for j, k in kinds.items() if k == "rollback"} == {f"rollback:{e}" for e in envs}
    assert all(kinds[f"apply:{e}"] is None for e in envs)


def gitlab_deployment(job: str, status: str, finished: str) -> dict[str, Any]:
    return {
        "status": status,
        "environment": {"name": "prod"},
        "updated_at": finished,
        "deployable": {
            "name": job,
            "finished_at": finished,
            "commit": {"created_at": "2026-11-20T08:00:00Z"},
        },
    }


def test_terraform_applies_are_not_deployments() -> None:
    from datetime import UTC, datetime

    dora = dora_module(render("aws-containers", gitlab=True))
    events = dora.gitlab_events(
        [
            gitlab_deployment("apply:prod", "failed", "2026-11-20T09:00:00Z"),
            gitlab_deployment("apply:prod", "success", "2026-11-20T09:30:00Z"),
            gitlab_deployment("deploy:prod", "success", "2026-11-20T10:00:00Z"),
        ]
    )
    metrics = dora.compute(events, ["prod"], datetime(2026, 11, 30, tzinfo=UTC), 30)
    prod = metrics["environments"]["prod"]
    assert (prod["deployments"], prod["change_failure_rate"]) == (1, 0.0)


def test_a_superseded_github_deployment_counts_by_how_it_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import UTC, datetime

    dora = dora_module(render("aws-containers"))
    api = "https://api.github.test"
    runs = {"11": ".github/workflows/deploy.yml", "12": ".github/workflows/deploy.yml"}
    answers: dict[str, Any] = {
        f"{api}/repos/o/r/deployments?environment=prod&per_page=100&page=1": [
            {"id": 2, "sha": "b", "environment": "prod", "statuses_url": f"{api}/s/2"},
            {"id": 1, "sha": "a", "environment": "prod", "statuses_url": f"{api}/s/1"},
        ],
        f"{api}/s/2": [status("success", "2026-11-21T10:00:00Z", "12")],
        # Newest first: the later deployment's success made this one inactive.
        f"{api}/s/1": [
            {"state": "inactive", "created_at": "2026-11-21T10:00:00Z", "log_url": ""},
            status("success", "2026-11-20T10:00:00Z", "11"),
        ],
        **{f"{api}/repos/o/r/actions/runs/{run}": {"path": p} for run, p in runs.items()},
        **{
            f"{api}/repos/o/r/commits/{sha}": {"commit": {"committer": {"date": date}}}
            for sha, date in (("a", "2026-11-20T08:00:00Z"), ("b", "2026-11-21T08:00:00Z"))
        },
    }
    monkeypatch.setenv("GITHUB_API_URL", api)
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setattr(dora, "_get", lambda url, headers: answers[url])
    events = dora.fetch_github("o/r", ["prod"], datetime(2026, 11, 1, tzinfo=UTC))
    assert [(e["kind"], e["ok"]) for e in events] == [("deploy", True), ("deploy", True)]


def status(state: str, at: str, run: str) -> dict[str, str]:
    return {
        "state": state,
        "created_at": at,
        "log_url": f"https://github.com/o/r/actions/runs/{run}/job/1",
    }


ROLLED_BACK = re.compile(r'echo "[^"]*([Rr]olled\b[^"]*\bback|Canary aborted)')


@pytest.mark.parametrize(
    ("example", "overrides"),
    [
        ("aws-containers", {}),
        ("aws-serverless-bluegreen", {}),
        ("aws-static-site", {}),
        ("gcp-containers", {}),
        ("gcp-containers", {"deploy_strategy": "canary"}),
        ("azure-containers", {}),
        ("azure-containers", {"deploy_strategy": "canary"}),
        ("azure-kubernetes-canary", {}),
        ("gcp-kubernetes-canary", {"deploy_strategy": "rolling"}),
    ],
)
def test_every_automatic_rollback_ends_the_deploy_job_failed(
    example: str, overrides: dict[str, Any]
) -> None:
    tree = dict(render_answers({**example_answers(example), **overrides}))
    deploy = tree.get(".github/workflows/_deploy.yml") or tree[".gitlab-ci.yml"]
    lines = [re.sub(r"^(\s*)- ", r"\1", line) for line in deploy.splitlines()]
    functions = rollback_functions(lines)
    found = 0
    for index, line in enumerate(lines):
        called = line.strip() in functions
        if ROLLED_BACK.search(line) and not inside_function(lines, index) or called:
            found += 1
            assert lines[index + 1].strip() == "exit 1", (example, line)
    assert found, f"{example}: no automatic rollback found in the deploy job"


def rollback_functions(lines: list[str]) -> set[str]:
    """Shell functions whose body reports a rollback (called, then the job must fail)."""
    names = set()
    for index, line in enumerate(lines):
        if ROLLED_BACK.search(line) and inside_function(lines, index):
            header = next(
                lines[i] for i in range(index, -1, -1) if lines[i].rstrip().endswith("() {")
            )
            names.add(header.strip().removesuffix("() {").strip())
    return names


def inside_function(lines: list[str], index: int) -> bool:
    depth = 0
    for line in reversed(lines[:index]):
        stripped = line.strip()
        if stripped == "}":
            depth += 1
        elif stripped.endswith("() {"):
            if depth == 0:
                return True
            depth -= 1
    return False


def test_the_clients_read_every_page_of_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both APIs serve 100 items a page: GitLab's deployments (oldest first) are read to the last
    page; GitHub's (newest first) up to the first page that ends before the window."""
    from datetime import UTC, datetime
    from urllib.parse import parse_qs, urlsplit

    dora = dora_module(render("aws-containers"))
    since = datetime(2026, 11, 1, tzinfo=UTC)
    asked: list[tuple[str, int]] = []

    def page_of(url: str) -> tuple[str, int]:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        if parts.path == "/statuses":
            return parts.path, 0
        assert query["per_page"] == ["100"]
        return parts.path, int(query["page"][0])

    def gitlab(url: str, headers: dict[str, str]) -> Any:
        path, page = page_of(url)
        asked.append((path, page))
        return [gitlab_deployment("deploy:prod", "success", "2026-11-20T10:00:00Z")] * (
            100 if page == 1 else 1
        )

    monkeypatch.setenv("DORA_API_TOKEN", "t")
    monkeypatch.setattr(dora, "_get", gitlab)
    assert len(dora.fetch_gitlab("g/p", ["prod"], since)) == 101
    assert [page for _, page in asked] == [1, 2]

    pages = {1: "2026-11-10T00:00:00Z", 2: "2026-10-20T00:00:00Z", 3: "2026-10-01T00:00:00Z"}

    def github(url: str, headers: dict[str, str]) -> Any:
        path, page = page_of(url)
        asked.append((path, page))
        if not path.endswith("/deployments"):
            return []  # a deployment's statuses: none, so nothing finished
        return [
            {"created_at": pages[page], "statuses_url": "https://api.github.com/statuses"}
        ] * 100

    asked.clear()
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setattr(dora, "_get", github)
    assert dora.fetch_github("o/r", ["prod"], since) == []  # no statuses: nothing finished
    assert [page for path, page in asked if path.endswith("/deployments")] == [1, 2]


# --- delivery metrics ----------------------------------------------------------------------------

DORA = Path(__file__).resolve().parents[1] / "fixtures" / "dora"
EXPECTED_PROD = {
    "deployments": 3,  # 101, 102, 105 (104 failed; 106 unfinished; 107 outside the 30 days)
    "deployments_per_week": 0.7,
    "lead_time_hours_median": 4.0,  # 2, 6 and 4 hours from commit to deployment
    "change_failure_rate": 0.5,  # 102 (rolled back) and 104 (failed) of 4
    "failed_changes": 2,
    "rollbacks": 1,
    "time_to_restore_hours_median": 2.25,  # 1.5 h (rollback) and 3 h (next deployment)
}


def _metrics_module() -> Any:
    """scripts/dora_metrics.py as rendered for the AWS example."""
    return dora_module(render("aws-containers"))


def _recorded(name: str) -> dict[str, Any]:
    """A recorded sample: API responses in the providers' documented shapes (fixtures README)."""
    sample: dict[str, Any] = json.loads((DORA / f"{name}.json").read_text())
    return sample


def test_dora_keys_from_recorded_github_deployments(monkeypatch: pytest.MonkeyPatch) -> None:
    """The script's own GitHub client, fed GitHub's documented responses (list deployments, list
    deployment statuses, get a workflow run, get a commit), computes the four keys."""
    from datetime import UTC, datetime

    dora = _metrics_module()
    sample = _recorded("github")
    asked: list[str] = []

    def get(url: str, headers: dict[str, str]) -> Any:
        asked.append(url)
        assert headers["Authorization"] == "Bearer t" and headers["X-GitHub-Api-Version"]
        return sample["responses"][url]

    monkeypatch.setattr(dora, "_get", get)
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", sample["api"])
    since = datetime(2026, 10, 31, tzinfo=UTC)
    events = dora.fetch_github(sample["repository"], ["dev", "prod"], since)
    metrics = dora.compute(events, ["dev", "prod"], datetime(2026, 11, 30, tzinfo=UTC), 30)
    assert metrics["environments"]["prod"] == EXPECTED_PROD
    dev = metrics["environments"]["dev"]
    assert (dev["deployments"], dev["change_failure_rate"], dev["lead_time_hours_median"]) == (
        1,
        0.0,
        1.5,
    )
    report = dora.markdown(metrics)
    assert "| prod | 0.7 | 4.0 | 50% | 2.25 | 1 |" in report
    # Every recorded response but the unfinished deployment's run and commit was read.
    unread = set(sample["responses"]) - set(asked)
    assert all("/actions/runs/" in url or "/commits/" in url for url in unread) and len(unread) == 2


def test_dora_keys_from_recorded_gitlab_deployments(monkeypatch: pytest.MonkeyPatch) -> None:
    """The script's own GitLab client, fed GitLab's documented "list project deployments" shape."""
    from datetime import UTC, datetime, timedelta
    from urllib.parse import parse_qs, quote, urlsplit

    dora = _metrics_module()
    sample = _recorded("gitlab")
    now = datetime(2026, 11, 30, tzinfo=UTC)
    path = f"/api/v4/projects/{quote(sample['project'], safe='')}/deployments"

    def get(url: str, headers: dict[str, str]) -> Any:
        parts = urlsplit(url)
        query = {key: value for key, (value,) in parse_qs(parts.query).items()}
        assert parts.path == path and headers == {"PRIVATE-TOKEN": "t"}
        assert query["updated_after"] == (now - timedelta(days=30)).isoformat()
        return sample["responses"][query["environment"]]

    monkeypatch.setattr(dora, "_get", get)
    monkeypatch.setenv("DORA_API_TOKEN", "t")
    monkeypatch.setenv("CI_API_V4_URL", sample["api"])
    events = dora.fetch_gitlab(sample["project"], ["dev", "prod"], now - timedelta(days=30))
    metrics = dora.compute(events, ["dev", "prod"], now, 30)
    assert metrics["environments"]["prod"] == EXPECTED_PROD  # canceled and running are not counted
    assert metrics["environments"]["dev"]["lead_time_hours_median"] == 1.5


@pytest.mark.parametrize("ci", ["github-actions", "gitlab-ci", "none"])
def test_metrics_job_and_docs_follow_the_ci_answer(ci: str) -> None:
    answers = (
        {"ci": ci, "repository": "acme/platform/shop-infra"} if ci == "gitlab-ci" else {"ci": ci}
    )
    tree = dict(render_answers({**example_answers("aws-containers"), **answers}))
    names = ",".join(env["name"] for env in example_answers("aws-containers")["environments"])
    workflow = ".github/workflows/dora-metrics.yml"
    assert (workflow in tree) == (ci == "github-actions")
    assert ("scripts/dora_metrics.py" in tree) == (ci != "none")
    if ci == "github-actions":
        job = yaml.safe_load(tree[workflow])["jobs"]["metrics"]
        assert job["permissions"] == {"contents": "read", "deployments": "read", "actions": "read"}
        assert f'ENVIRONMENTS: "{names}"' in tree[workflow]
    if ci == "gitlab-ci":
        job = yaml.safe_load(tree[".gitlab-ci.yml"])["dora-metrics"]
        assert job["rules"] == [
            {"if": '$CI_PIPELINE_SOURCE == "schedule" && $INFRASCAFFOLD_UPDATE != "true"'}
        ]  # not in the pack update's schedules
        assert job["variables"]["ENVIRONMENTS"] == names
    assert "Change failure rate" in tree["docs/metrics.md"]
