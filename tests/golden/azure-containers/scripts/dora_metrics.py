#!/usr/bin/env python3
"""The four DORA keys per environment, from the CI system's deployment records (stdlib only).

    python3 scripts/dora_metrics.py github OWNER/REPO dev,prod [--days 30]   # GITHUB_TOKEN
    python3 scripts/dora_metrics.py gitlab PROJECT_ID dev,prod [--days 30]   # DORA_API_TOKEN

Writes metrics.json and metrics.md (docs/metrics.md explains each figure). A deployment is the
`deploy` job of an environment (GitHub: a deployment created by deploy.yml; GitLab: the job
deploy:<env>); a rollback is the rollback job of that environment (rollback-<env>.yml,
rollback:<env>). A deployment that failed, or that a rollback followed, is a failed change.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

Event = dict[str, Any]  # environment, kind (deploy|rollback), ok, finished, committed
FINAL_STATES = ("success", "failure", "error")
PER_PAGE = 100


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp of the APIs (`Z` or an offset) as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def github_events(
    deployments: list[dict[str, Any]], details: dict[int, dict[str, Any]]
) -> list[Event]:
    """Events from GitHub deployments; `details[id]`: final status, workflow path, commit date."""
    events = []
    for deployment in deployments:
        detail = details.get(deployment["id"], {})
        state = detail.get("state")
        if state not in FINAL_STATES:
            continue  # queued, in progress, or superseded before it finished
        kind = github_kind(detail.get("workflow_path", ""))
        if kind is None:
            continue  # a Terraform apply: its job has the environment too, but deploys no change
        events.append(
            {
                "environment": deployment["environment"],
                "kind": kind,
                "ok": state == "success",
                "finished": parse_time(detail.get("finished_at")),
                "committed": parse_time(detail.get("committed_at")),
            }
        )
    return events


def github_kind(workflow_path: str) -> str | None:
    """`deploy` for deploy.yml, `rollback` for rollback-<env>.yml, None for any other workflow
    (the runs API may end the path with `@<ref>`)."""
    name = workflow_path.split("@", 1)[0].rsplit("/", 1)[-1]
    if name == "deploy.yml":
        return "deploy"
    return "rollback" if name.startswith("rollback-") else None


def gitlab_kind(job_name: str) -> str | None:
    """`deploy` for deploy:<env>, `rollback` for rollback:<env>, None for any other job."""
    kind = job_name.split(":", 1)[0]
    return kind if kind in ("deploy", "rollback") and ":" in job_name else None


def gitlab_events(deployments: list[dict[str, Any]]) -> list[Event]:
    """Events from GitLab's deployments API (the job's name tells a rollback from a deploy)."""
    events = []
    for deployment in deployments:
        if deployment.get("status") not in ("success", "failed"):
            continue  # running, canceled, blocked, created
        job = deployment.get("deployable") or {}
        kind = gitlab_kind(str(job.get("name", "")))
        if kind is None:
            continue  # apply:<env> (Terraform) or another job holding the environment
        events.append(
            {
                "environment": deployment["environment"]["name"],
                "kind": kind,
                "ok": deployment["status"] == "success",
                "finished": parse_time(job.get("finished_at") or deployment.get("updated_at")),
                "committed": parse_time((job.get("commit") or {}).get("created_at")),
            }
        )
    return events


def compute(
    events: list[Event], environments: list[str], now: datetime, days: int
) -> dict[str, Any]:
    """The four keys of each environment over the `days` before `now`."""
    since = now - timedelta(days=days)
    result = {}
    for name in environments:
        timeline = sorted(
            (
                e
                for e in events
                if e["environment"] == name and e["finished"] and since <= e["finished"] <= now
            ),
            key=lambda e: e["finished"],
        )
        result[name] = _keys(timeline, days)
    return {
        "since": since.isoformat(),
        "until": now.isoformat(),
        "days": days,
        "environments": result,
    }


def _keys(timeline: list[Event], days: int) -> dict[str, Any]:
    deploys = [e for e in timeline if e["kind"] == "deploy"]
    shipped = [e for e in deploys if e["ok"]]
    failed = [e for i, e in enumerate(timeline) if e["kind"] == "deploy" and _failed(timeline, i)]
    lead = [_hours(e["finished"] - e["committed"]) for e in shipped if e["committed"]]
    restore = [r for r in (_restored(timeline, e) for e in failed) if r is not None]
    return {
        "deployments": len(shipped),
        "deployments_per_week": round(len(shipped) * 7 / days, 2),
        "lead_time_hours_median": _median(lead),
        "change_failure_rate": round(len(failed) / len(deploys), 3) if deploys else None,
        "failed_changes": len(failed),
        "rollbacks": sum(1 for e in timeline if e["kind"] == "rollback"),
        "time_to_restore_hours_median": _median(restore),
    }


def _failed(timeline: list[Event], index: int) -> bool:
    """A deploy failed, or the next event of its environment is a rollback."""
    later = timeline[index + 1 : index + 2]
    return not timeline[index]["ok"] or bool(later and later[0]["kind"] == "rollback")


def _restored(timeline: list[Event], failure: Event) -> float | None:
    """Hours from a failed change to the next successful deploy or rollback of its environment."""
    after = [e for e in timeline if e["finished"] > failure["finished"] and e["ok"]]
    return _hours(after[0]["finished"] - failure["finished"]) if after else None


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def markdown(metrics: dict[str, Any]) -> str:
    """The report as a Markdown table (the job summary)."""
    rows = [
        "| Environment | Deployments / week | Lead time (h, median) | Change failure rate "
        "| Time to restore (h, median) | Rollbacks |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, keys in metrics["environments"].items():
        rate = keys["change_failure_rate"]
        cells = [
            name,
            keys["deployments_per_week"],
            keys["lead_time_hours_median"],
            "–" if rate is None else f"{rate:.0%}",
            keys["time_to_restore_hours_median"],
            keys["rollbacks"],
        ]
        rows.append("| " + " | ".join("–" if c is None else str(c) for c in cells) + " |")
    period = f"{metrics['since'][:10]} to {metrics['until'][:10]}"
    return f"## DORA metrics, {period}\n\n" + "\n".join(rows) + "\n"


def _get(url: str, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _pages(
    url: str, params: dict[str, Any], headers: dict[str, str], older: datetime | None = None
) -> list[Any]:
    """Every item of a paginated list (both APIs serve at most 100 a page): pages 1, 2, ... up
    to a short page, or, newest first (GitHub), to the first page ending before `older`."""
    items: list[Any] = []
    page = 1
    while True:
        query = urllib.parse.urlencode({**params, "per_page": PER_PAGE, "page": page})
        batch = _get(f"{url}?{query}", headers)
        items += batch
        last = parse_time(batch[-1].get("created_at")) if batch else None
        if len(batch) < PER_PAGE or (older and last and last < older):
            return items
        page += 1


def fetch_github(repo: str, environments: list[str], since: datetime) -> list[Event]:
    """Deployments of each environment since `since`, their final status, workflow and commit
    date."""
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    headers = {
        "Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    deployments, details = [], {}
    for name in environments:
        listed = _pages(f"{api}/repos/{repo}/deployments", {"environment": name}, headers, since)
        for deployment in listed:
            statuses = _get(deployment["statuses_url"], headers)
            # Newest first; a later deployment's success marks this one `inactive`, which says
            # nothing of how it ended: the final state is its newest success, failure or error.
            final = next((s for s in statuses if s["state"] in FINAL_STATES), None)
            if final is None:
                continue
            run = final.get("log_url", "").split("/actions/runs/")[-1].split("/")[0]
            workflow = (
                _get(f"{api}/repos/{repo}/actions/runs/{run}", headers) if run.isdigit() else {}
            )
            commit = _get(f"{api}/repos/{repo}/commits/{deployment['sha']}", headers)
            deployments.append(deployment)
            details[deployment["id"]] = {
                "state": final["state"],
                "finished_at": final["created_at"],
                "workflow_path": workflow.get("path", ""),
                "committed_at": commit["commit"]["committer"]["date"],
            }
    return github_events(deployments, details)


def fetch_gitlab(project: str, environments: list[str], since: datetime) -> list[Event]:
    """Deployments of each environment from GitLab's deployments API."""
    api = os.environ.get("CI_API_V4_URL", "https://gitlab.com/api/v4")
    headers = {"PRIVATE-TOKEN": os.environ["DORA_API_TOKEN"]}
    found = []
    url = f"{api}/projects/{urllib.parse.quote(project, safe='')}/deployments"
    for name in environments:
        params = {"environment": name, "updated_after": since.isoformat(), "order_by": "updated_at"}
        found += _pages(url, params, headers)
    return gitlab_events(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=["github", "gitlab"])
    parser.add_argument("project", help="OWNER/REPO (GitHub) or the project ID or path (GitLab)")
    parser.add_argument("environments", help="the environments, comma-separated")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args(argv)
    names = [name for name in args.environments.split(",") if name]
    now = datetime.now(UTC)
    since = now - timedelta(days=args.days)
    if args.system == "github":
        events = fetch_github(args.project, names, since)
    else:
        events = fetch_gitlab(args.project, names, since)
    metrics = compute(events, names, now, args.days)
    Path("metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    Path("metrics.md").write_text(markdown(metrics), encoding="utf-8")
    print(markdown(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
