"""The DORA script counts what the render's pipelines really record: deploy and rollback jobs by
the names they have in the render (never Terraform's apply jobs, which hold the environment
too), GitHub deployments superseded by a later one (`inactive`) by how they ended, and every
automatic rollback inside a deploy job ends the job failed, so its deployment is a failed change."""

from __future__ import annotations

import re
import types
from functools import cache
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
