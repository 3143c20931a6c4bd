"""Operations of the further services on AWS ECS (modules/ecs-workload): a job run that fails
after it started reaches the alarm topic, and a worker's container checks its own health.

Facts pinned here, from the docs named beside each test: EventBridge event patterns (numeric
`anything-but`, `$or`, lists of objects matched element-wise), ECS "Task State Change" events
(`detail.containers[].exitCode`, `stopCode`), the input transformer (array indices in paths, a
string template is a JSON string), SNS topic policies for EventBridge (`aws:SourceArn` of the
rule), KMS key policies for EventBridge to encrypted topics (SNS developer guide: aws:SourceArn
and aws:SourceAccount are not supported there; SNS's encryption context names the topic), and
ECS container health checks (a command run inside the image; its limits).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

EXAMPLE = "aws-services"
WORKLOAD = "modules/ecs-workload"


@cache
def tree(which: str = "example") -> Mapping[str, str]:
    if which == "example":
        return render_answers(example_answers(EXAMPLE))
    if which == "single":
        return render_answers(example_answers("aws-containers"))
    raise AssertionError(which)


def plain(node: Any) -> Any:
    if isinstance(node, Mapping):  # python-hcl2's own markers (`__is_block__`) left out
        return {unquote(k): plain(v) for k, v in node.items() if not str(k).startswith("__")}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return unquote(node)


def block(path: str, kind: str, labels: tuple[str, ...], which: str = "example") -> dict[str, Any]:
    for found, body in tc.labelled(parse_hcl(tree(which)[path]).get(kind), len(labels)):
        if found == labels:
            return dict(plain(body))
    raise AssertionError(f"{path} has no {kind} {labels}")


def module_args(path: str, name: str, which: str = "example") -> dict[str, Any]:
    for module in parse_hcl(tree(which)[path])["module"]:
        for label, body in module.items():
            if unquote(label) == name:
                return dict(plain(body))
    raise AssertionError(f"{path} has no module {name}")


def squeezed(text: str) -> str:
    """`text` with every run of blanks made one space (terraform fmt aligns `=` signs)."""
    return re.sub(r"\s+", " ", text)


# --- 1. a job run that starts and fails: EventBridge rule -> alarm topic ---------------------


def test_the_rule_matches_stopped_runs_of_the_family_that_exit_non_zero_or_never_start() -> None:
    """ECS task state change events: `lastStatus` STOPPED, `containers[].exitCode`, `stopCode`
    `TaskFailedToStart` (no exit code then). EventBridge: `anything-but` takes numbers, `$or`
    sits at any level, and a pattern on a list of objects matches any element."""
    job = squeezed(tree()[f"{WORKLOAD}/job.tf"])
    rule = block(f"{WORKLOAD}/job.tf", "resource", ("aws_cloudwatch_event_rule", "failed_runs"))
    assert rule["count"] == "${local.is_job ? 1 : 0}"
    assert rule["name"] == "${local.id}-failed-runs"
    for fact in (
        'source = ["aws.ecs"]',
        '"detail-type" = ["ECS Task State Change"]',
        "clusterArn = [var.cluster_arn]",
        "taskDefinitionArn = [{ prefix = local.task_family_prefix }]",
        'lastStatus = ["STOPPED"]',
        '{ containers = { exitCode = [{ "anything-but" = [0] }] } }',
        '{ stopCode = ["TaskFailedToStart"] }',
    ):
        assert fact in job, fact
    # Every revision of this family, not another family sharing its name as a prefix.
    assert 'task-definition/${local.id}:"' in job


def test_the_rule_name_fits_eventbridge_s_64_characters() -> None:
    main = tree()[f"{WORKLOAD}/main.tf"]
    assert "length(local.name) <= 46" in main and "substr(local.name, 0, 41)" in main
    assert 46 + len("-failed-runs") <= 64


def test_the_notification_names_job_task_and_exit_code_in_one_json_string() -> None:
    """Input transformer: paths take array indices; a template that is not an object must be a
    valid JSON string (the quotes are part of it)."""
    target = block(f"{WORKLOAD}/job.tf", "resource", ("aws_cloudwatch_event_target", "failed_runs"))
    assert target["arn"] == "${var.alarm_topic_arn}"
    assert target["rule"] == "${aws_cloudwatch_event_rule.failed_runs[0].name}"
    transformer = target["input_transformer"][0]
    assert transformer["input_paths"] == {
        "task": "$.detail.taskArn",
        "exitCode": "$.detail.containers[0].exitCode",
        "stopCode": "$.detail.stopCode",
        "reason": "$.detail.stoppedReason",
    }
    assert all(re.fullmatch(r"[A-Za-z0-9]+", key) for key in transformer["input_paths"])
    template = tree()[f"{WORKLOAD}/job.tf"]
    line = next(row for row in template.splitlines() if "input_template" in row)
    literal = line.split("=", 1)[1].strip()
    message = json.loads(json.loads(literal))  # the HCL string, then the JSON string it holds
    assert message.startswith("Job ${local.id} failed: task <task>")
    for placeholder in ("<task>", "<exitCode>", "<stopCode>", "<reason>"):
        assert placeholder in message


def test_only_the_rules_of_this_environment_may_publish_to_the_topic() -> None:
    """SNS topic policy for EventBridge: principal events.amazonaws.com, sns:Publish, scoped with
    aws:SourceArn to the rule; the root passes every job's rule, and nothing without jobs."""
    policy = block(
        "modules/observability/main.tf", "data", ("aws_iam_policy_document", "alarms_topic")
    )
    dynamic = policy["dynamic"][0]["statement"]
    assert dynamic["for_each"] == "${length(var.event_rule_arns) > 0 ? [1] : []}"
    content = dynamic["content"][0]
    assert content["actions"] == ["sns:Publish"]
    assert content["principals"][0]["identifiers"] == ["events.amazonaws.com"]
    assert content["condition"][0] == {
        "test": "ArnEquals",
        "variable": "aws:SourceArn",
        "values": "${var.event_rule_arns}",
    }
    observability = module_args("main.tf", "observability")
    assert observability["event_rule_arns"] == ["${module.svc_nightly.failed_runs_rule_arn}"]
    output = block(f"{WORKLOAD}/outputs.tf", "output", ("failed_runs_rule_arn",))
    assert (
        output["value"] == "${local.is_job ? aws_cloudwatch_event_rule.failed_runs[0].arn : null}"
    )


def test_eventbridge_may_use_the_key_for_the_alarm_topic_only() -> None:
    """EventBridge to an encrypted topic needs kms:GenerateDataKey and kms:Decrypt for
    events.amazonaws.com; the SNS guide does not support aws:SourceArn/aws:SourceAccount in the
    key policy for it, so SNS's encryption context (aws:sns:topicArn) scopes it."""
    secrets = tree()["modules/secrets/main.tf"]
    start = secrets.index("eventbridge_statements = ")
    statement = secrets[start : secrets.index("] : []", start)]
    assert 'Principal = { Service = "events.amazonaws.com" }' in statement
    assert 'Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]' in statement
    assert '"kms:EncryptionContext:aws:sns:topicArn" = [' in statement
    assert "aws:SourceArn" not in statement and "aws:SourceAccount" not in statement
    assert "], local.eventbridge_statements)" in secrets  # after the statements of today
    # The key names the topic by its name (the topic depends on the key: no reference back).
    assert module_args("main.tf", "secrets")["eventbridge_topic_names"] == ["${local.name}-alarms"]
    topic = block("modules/observability/main.tf", "resource", ("aws_sns_topic", "alarms"))
    assert topic["name"] == "${var.name}-alarms"
    assert module_args("main.tf", "observability")["name"] == "${local.name}"


def test_an_undeliverable_notification_alarms_through_cloudwatch() -> None:
    alarm = block(
        f"{WORKLOAD}/job.tf",
        "resource",
        ("aws_cloudwatch_metric_alarm", "failed_run_notifications"),
    )
    assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/Events", "FailedInvocations")
    assert alarm["dimensions"] == {"RuleName": "${aws_cloudwatch_event_rule.failed_runs[0].name}"}
    assert alarm["alarm_actions"] == ["${var.alarm_topic_arn}"]


def test_runs_refused_or_dropped_by_the_scheduler_keep_their_alarm() -> None:
    """AWS/Scheduler counts what EventBridge Scheduler could not start (TargetErrorCount) and
    gave up after its retries (InvocationDroppedCount); the new rule covers what started."""
    alarms = tree()[f"{WORKLOAD}/alarms.tf"]
    assert '{ errors = "TargetErrorCount", dropped = "InvocationDroppedCount" }' in alarms
    schedule = block(f"{WORKLOAD}/job.tf", "resource", ("aws_scheduler_schedule", "this"))
    assert schedule["target"][0]["retry_policy"][0]["maximum_retry_attempts"] == 3


def test_without_a_job_the_topic_and_key_policies_are_todays() -> None:
    main = tree("single")["main.tf"]
    assert "eventbridge_topic_names" not in main and "event_rule_arns" not in main


def test_the_runbook_says_where_a_failed_run_is_reported() -> None:
    incident = tree()["docs/runbooks/incident-response.md"]
    assert "`nightly-failed-run-notifications`" in tree()["docs/runbooks/deploy.md"]
    assert "`Job shop-<env>-nightly failed: task … stopped (…) with exit code …: …`" in incident
