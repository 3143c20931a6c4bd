"""The Kubernetes gaps of issue 25, built: a CronJob's failed run alarms on EKS and GKE (the AKS
dashboard's per-workload charts: test_k8s_gaps_aks.py). Read from the render of the Done-when services (api http,
worker, nightly job) on each cluster; the filters are evaluated by Terraform (`terraform
console`) and matched against the events they must catch and the ones they must not.

Facts pinned:
- EKS: Container Insights has no Job metric, and its PodName of a Job's pod is the CronJob only
  for a 10-digit Job suffix (parseCronJobFromJob, awscontainerinsightreceiver/internal/
  k8sapiserver/utils.go in amazon-contributing/opentelemetry-collector-contrib), while the
  CronJob controller names Jobs `<cronjob>-<minutes since the epoch>` (8 digits): so the job's
  alarm does not read ContainerInsights. EKS's audit policy is the Kubernetes GCE reference
  policy plus additions (EKS best practices guide, "Auditing and logging"), which logs writes to
  the batch API at RequestResponse (kubernetes/kubernetes#46897): the job controller's status
  write marking a Job Failed is in the cluster's log group with its request body, Failed being
  its first condition or, after FailureTarget (Kubernetes 1.31), its second (third after a
  Suspended one). A quoted value ending in `*` matches by prefix (the CIS AWS Foundations
  Benchmark's unauthorized-calls filter, `$.errorCode = "AccessDenied*"`). A metric filter
  pattern is at most 1024 characters (CloudWatch Logs MetricFilter API), and a log group takes
  at most five regular expressions over all its filters (PutMetricFilter API): the pattern uses
  none, whatever the number of jobs.
- GKE: with SYSTEM_COMPONENTS logging GKE writes Kubernetes events to the project's `events`
  log; a log-match condition must be its policy's only condition (API error "Alert policies
  with a log matching condition can only have a single condition", chainguard-dev/
  terraform-infra-common#384), needs `alert_strategy.notification_rate_limit` (Cloud Monitoring
  v3 AlertStrategy) and opens incidents that only `auto_close` closes
  (chainguard-dev/terraform-infra-common#534); it reads the scoping project's logs only.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

Tree = Mapping[str, str]
Doc = dict[str, Any]
KUBERNETES = {"aws": "aws-kubernetes-canary", "gcp": "gcp-kubernetes-services",
              "azure": "azure-kubernetes-canary"}  # fmt: skip
MODULE = {"aws": "eks-cluster", "gcp": "gke-cluster", "azure": "aks-cluster"}
needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")


def services() -> list[dict[str, Any]]:
    """The Done-when services (api, worker, nightly) without the static front end."""
    return [s for s in copy.deepcopy(example_answers("aws-services")["services"])
            if s["kind"] != "static"]  # fmt: skip


@functools.cache
def render(cloud: str) -> Tree:
    return render_answers({**example_answers(KUBERNETES[cloud]), "services": services()})


@functools.cache
def render_single(cloud: str) -> Tree:
    """The cluster's example with its first service only (the gcp one has several)."""
    answers = example_answers(KUBERNETES[cloud])
    if "services" in answers:
        answers = {**answers, "services": answers["services"][:1]}
    return render_answers(answers)


def alarms_text(cloud: str) -> str:
    return render(cloud)[f"modules/{MODULE[cloud]}/service-alarms.tf"]


def resource(cloud: str, kind: str, name: str) -> Doc:
    for item in parse_hcl(alarms_text(cloud)).get("resource", []):
        for found_kind, named in item.items():
            for found_name, body in named.items():
                if (unquote(found_kind), unquote(found_name)) == (kind, name):
                    return body  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind}.{name}")


def expression(text: str, start: str, end: str) -> str:
    """The HCL text from `start` (excluded) to the first `end` after it (excluded)."""
    begin = text.index(start) + len(start)
    return text[begin : text.index(end, begin)]


def console(tmp: Path, hcl: str, expr: str) -> Any:
    """`expr` as Terraform evaluates it next to `hcl` (no provider, no network)."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "main.tf").write_text(hcl, encoding="utf-8")
    result = subprocess.run(
        ["terraform", "console"], input=f"jsonencode({expr})", cwd=tmp, capture_output=True,
        text=True, check=True, timeout=60,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "TF_CLI_CONFIG_FILE": "/dev/null",
             "CHECKPOINT_DISABLE": "1", "HOME": str(tmp)},
    )  # fmt: skip
    return json.loads(json.loads(result.stdout.strip().splitlines()[-1]))


def job_locals(names: list[str]) -> str:
    kinds = ", ".join(f'"{n}" = {{ kind = "job" }}' for n in names)
    return (f'locals {{\n  services = {{ "api" = {{ kind = "http" }}, {kinds} }}\n'
            '  job_services = { for name, s in local.services : name => s if s.kind == "job" }\n'
            "}\n")  # fmt: skip


# --- EKS: the audit log's job status writes ---------------------------------------------------


def eks_patterns(tmp: Path, names: list[str]) -> dict[str, str]:
    """Each job's metric filter pattern, as Terraform computes it for jobs `names`."""
    pattern = expression(alarms_text("aws"), "  pattern = ", "\n\n  metric_transformation")
    pattern = pattern.replace("each.key", "k").replace("var.app_namespace", '"app"')
    hcl = (
        job_locals(names)
        + f"locals {{\n  patterns = {{ for k, v in local.job_services : k => {pattern} }}\n}}\n"
    )
    return console(tmp, hcl, "local.patterns")  # type: ignore[no-any-return]


def audit_path(event: Any, path: str) -> Any:
    for part in re.findall(r"\w+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            event = event[index] if isinstance(event, list) and index < len(event) else None
        else:
            event = event.get(part) if isinstance(event, dict) else None
    return event


def cloudwatch_matches(pattern: str, event: Mapping[str, Any]) -> bool:
    """The JSON filter pattern's verdict on `event`, for the syntax the module writes:
    ($.path = value), ($.path != "prefix*"), &&, ||, parentheses (CloudWatch Logs, "Using filter
    patterns to match terms in JSON log events")."""
    assert pattern.startswith("{ ") and pattern.endswith(" }")
    assert "%" not in pattern, "a regular expression (five per log group at most)"

    def term(found: re.Match[str]) -> str:
        path, op, value = found.groups()
        actual = audit_path(event, path)
        wanted = json.loads(value) if value.startswith('"') else int(value)
        if isinstance(wanted, str) and wanted.endswith("*"):
            hit = isinstance(actual, str) and actual.startswith(wanted[:-1])
        else:
            hit = actual == wanted
        return str(hit if op == "=" else not hit)

    python = re.sub(r'\$\.([\w.\[\]]+) (!?=) ("[^"]*"|\d+)', term, pattern[2:-2])
    python = python.replace("&&", " and ").replace("||", " or ")
    assert re.fullmatch(r"[()\sTrueFalsendor]*", python), python
    return bool(eval(python))  # noqa: S307 - only True/False/and/or/parentheses, checked above


def status_write(job: str, conditions: list[str], namespace: str = "app", code: int = 200) -> Doc:
    """The audit event of the job controller's PUT of a Job's status (RequestResponse level)."""
    return {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse",
        "stage": "ResponseComplete", "verb": "update",
        "user": {"username": "system:serviceaccount:kube-system:job-controller"},
        "objectRef": {"resource": "jobs", "subresource": "status", "namespace": namespace,
                      "name": job, "apiGroup": "batch", "apiVersion": "v1"},
        "responseStatus": {"code": code},
        "requestObject": {"kind": "Job", "status": {"conditions": [
            {"type": c, "status": "True"} for c in conditions]}},
    }  # fmt: skip


@needs_terraform
def test_eks_counts_a_jobs_failed_runs_from_the_audit_log(tmp_path: Path) -> None:
    pattern = eks_patterns(tmp_path, ["nightly"])["nightly"]
    assert cloudwatch_matches(pattern, status_write("nightly-29412345", ["Failed"]))
    assert cloudwatch_matches(
        pattern, status_write("nightly-29412345", ["FailureTarget", "Failed"])
    )
    assert cloudwatch_matches(
        pattern, status_write("nightly-29412345", ["Suspended", "FailureTarget", "Failed"])
    )
    for missed in (
        status_write("nightly-29412345", ["Complete"]),
        status_write("nightly-29412345", ["SuccessCriteriaMet", "Complete"]),
        status_write("nightly-29412345", ["Failed"], namespace="kube-system"),
        status_write("nightly-29412345", ["Failed"], code=409),  # a conflicting write: retried
        status_write("api-29412345", ["Failed"]),
        {**status_write("nightly-29412345", ["Failed"]), "objectRef": {"resource": "pods"}},
    ):
        assert not cloudwatch_matches(pattern, missed), missed


@needs_terraform
def test_eks_a_job_does_not_count_the_runs_of_a_job_named_after_it(tmp_path: Path) -> None:
    patterns = eks_patterns(tmp_path, ["nightly", "nightly-report"])
    report_failed = status_write("nightly-report-29412345", ["Failed"])
    assert not cloudwatch_matches(patterns["nightly"], report_failed)
    assert cloudwatch_matches(patterns["nightly-report"], report_failed)
    assert cloudwatch_matches(patterns["nightly"], status_write("nightly-29412345", ["Failed"]))


@needs_terraform
def test_eks_patterns_stay_within_cloudwatch_limits_with_the_most_jobs(tmp_path: Path) -> None:
    """Ten services at most: nine jobs, each a prefix of the next (the most exclusions)."""
    names = ["j" + "-j" * i for i in range(9)]
    names[-1] = names[-1] + "x" * (52 - len(names[-1]))  # a CronJob's name: 52 characters
    patterns = eks_patterns(tmp_path, names)
    assert len(patterns) == 9
    assert max(len(p) for p in patterns.values()) <= 1024
    assert not any("%" in p for p in patterns.values())


def test_eks_job_alarm_reads_the_filter_on_the_control_plane_log_group() -> None:
    flt = resource("aws", "aws_cloudwatch_log_metric_filter", "job_failures")
    alarm = resource("aws", "aws_cloudwatch_metric_alarm", "job_failures")
    assert flt["for_each"] == alarm["for_each"] == "${local.job_services}"
    assert flt["log_group_name"] == "${aws_cloudwatch_log_group.cluster.name}"
    transform = flt["metric_transformation"][0]
    assert unquote(transform["value"]) == "1"
    assert "ContainerInsights" not in transform["namespace"]
    assert alarm["namespace"].endswith(".metric_transformation[0].namespace}")
    assert alarm["metric_name"].endswith(".metric_transformation[0].name}")
    assert (unquote(alarm["statistic"]), alarm["threshold"]) == ("Sum", 1)
    assert unquote(alarm["comparison_operator"]) == "GreaterThanOrEqualToThreshold"
    assert unquote(alarm["treat_missing_data"]) == "notBreaching"  # no run, no failure
    assert alarm["alarm_actions"] == alarm["ok_actions"] == ["${var.alarm_topic_arn}"]
    # The audit log is one of the log types the cluster sends to that group.
    main = render("aws")["modules/eks-cluster/main.tf"]
    types = re.search(r"enabled_cluster_log_types\s*=\s*\[([^\]]*)\]", main)
    assert types and '"audit"' in types.group(1)
    assert 'name              = "/aws/eks/${var.name}/cluster"' in main


def test_eks_job_pods_are_not_alarmed_by_container_insights_pod_name() -> None:
    text = alarms_text("aws")
    assert (
        'alarmed_services = { for name, s in var.services : name => s if s.kind != "job" }' in text
    )
    for name in ("service_restarts", "service_memory"):
        assert (
            resource("aws", "aws_cloudwatch_metric_alarm", name)["for_each"]
            == "${local.alarmed_services}"
        )


def test_eks_runbook_says_what_the_job_alarm_means() -> None:
    runbook = render("aws")["docs/runbooks/incident-response.md"]
    assert "`<name>-eks-<service>-failed-runs`" in runbook
    assert "kubectl --namespace app get jobs -l app.kubernetes.io/name=<service>" in runbook
    single = render_single("aws")["docs/runbooks/incident-response.md"]
    assert "failed-runs" not in single


# --- GKE: the Kubernetes events log -----------------------------------------------------------


def gke_filter(tmp: Path, job: str) -> str:
    text = alarms_text("gcp")
    found = expression(text, "      filter = ", "\n\n      label_extractors")
    found = (found.replace("each.key", f'"{job}"').replace("var.project_id", '"shop-prod"')
             .replace("var.app_namespace", '"app"'))  # fmt: skip
    cluster = 'resource.labels.cluster_name=\\"shop-prod\\" AND resource.labels.location=\\"europe-west1\\"'
    hcl = f'locals {{\n  cluster = "{cluster}"\n  filter = {found}\n}}\n'
    return console(tmp, hcl, "local.filter")  # type: ignore[no-any-return]


def logging_matches(query: str, entry: Mapping[str, Any]) -> bool:
    """The Logging query language's verdict for the terms the module writes: field="v",
    field=~"re", field=("a" OR "b"), joined by AND."""
    for term in query.split(" AND "):
        field, op, value = re.fullmatch(r"([\w.]+)(=~|=)(.+)", term).groups()  # type: ignore[union-attr]
        actual = audit_path(entry, field)
        if value.startswith("("):
            ok = actual in [json.loads(v) for v in value[1:-1].split(" OR ")]
        elif op == "=~":
            ok = isinstance(actual, str) and re.search(json.loads(value), actual) is not None
        else:
            ok = actual == json.loads(value)
        if not ok:
            return False
    return True


def job_event(job: str, reason: str, namespace: str = "app", kind: str = "Job") -> Doc:
    """A Kubernetes event as GKE writes it to the events log (the event in jsonPayload)."""
    return {
        "logName": "projects/shop-prod/logs/events",
        "resource": {"type": "k8s_cluster", "labels": {
            "cluster_name": "shop-prod", "location": "europe-west1", "project_id": "shop-prod"}},
        "jsonPayload": {"kind": "Event", "reason": reason, "type": "Warning",
                        "involvedObject": {"kind": kind, "namespace": namespace, "name": job}},
    }  # fmt: skip


@needs_terraform
def test_gke_alerts_on_the_job_controllers_failure_events(tmp_path: Path) -> None:
    query = gke_filter(tmp_path, "nightly")
    assert logging_matches(query, job_event("nightly-29412345", "BackoffLimitExceeded"))
    assert logging_matches(query, job_event("nightly-29412345", "DeadlineExceeded"))
    for missed in (
        job_event("nightly-29412345", "Completed"),
        job_event("nightly-29412345", "SuccessfulCreate"),
        job_event("nightly-report-29412345", "BackoffLimitExceeded"),
        job_event("nightly-manual", "BackoffLimitExceeded"),
        job_event("nightly-29412345", "BackoffLimitExceeded", namespace="default"),
        job_event("nightly-29412345-abcde", "BackOff", kind="Pod"),
        {
            **job_event("nightly-29412345", "BackoffLimitExceeded"),
            "logName": "projects/other/logs/events",
        },
    ):
        assert not logging_matches(query, missed), missed


def test_gke_job_alert_is_a_single_rate_limited_log_match_condition() -> None:
    policy = resource("gcp", "google_monitoring_alert_policy", "job_failures")
    assert policy["for_each"] == "${local.job_services}"
    assert len(policy["conditions"]) == 1
    assert set(policy["conditions"][0]) - {"display_name", "__is_block__"} == {
        "condition_matched_log"
    }
    strategy = policy["alert_strategy"][0]
    assert unquote(strategy["notification_rate_limit"][0]["period"]).endswith("s")
    assert unquote(strategy["auto_close"]).endswith("s")
    assert policy["notification_channels"] == "${var.notification_channels}"
    # The events log is written with the system components' logs.
    main = render("gcp")["modules/gke-cluster/main.tf"]
    logging = re.search(r"logging_config \{\s*enable_components = \[([^\]]*)\]", main)
    assert logging and '"SYSTEM_COMPONENTS"' in logging.group(1)


def test_the_cronjob_fails_only_for_the_reasons_the_alerts_read() -> None:
    """backoffLimit → BackoffLimitExceeded, activeDeadlineSeconds → DeadlineExceeded."""
    import yaml

    for cloud in ("aws", "gcp"):
        docs = [d for p, t in render(cloud).items() if p.startswith("k8s/base/") and p.endswith(".yaml")
                for d in yaml.safe_load_all(t) if isinstance(d, dict)]  # fmt: skip
        jobs = [d["spec"]["jobTemplate"]["spec"] for d in docs if d["kind"] == "CronJob"]
        assert jobs and all({"backoffLimit", "activeDeadlineSeconds"} <= set(j) for j in jobs)
        assert not any("podFailurePolicy" in j or "successPolicy" in j for j in jobs)
    assert 'reason=(\\"BackoffLimitExceeded\\" OR \\"DeadlineExceeded\\")' in alarms_text("gcp")
