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

import copy
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

EXAMPLE = "aws-services"
WORKLOAD = "modules/ecs-workload"
# A worker of every runtime: the health check's interpreter follows the image the pack builds.
WORKERS: list[dict[str, Any]] = [
    {"name": f"w-{runtime}", "kind": "worker", "runtime": runtime, "port": 9000 + index,
     "health_path": "/ready", **({"version": version} if version else {})}
    for index, (runtime, version) in enumerate(
        [("python", "3.13"), ("node", "22"), ("dotnet", "8.0"), ("go", "1.25"), ("container", "")]
    )
]  # fmt: skip
INTERPRETERS = {"python": "python3", "node": "node", "java": "bash", "dotnet": "bash"}


@cache
def tree(which: str = "example") -> Mapping[str, str]:
    if which == "example":
        return render_answers(example_answers(EXAMPLE))
    if which == "single":
        return render_answers(example_answers("aws-containers"))
    answers = copy.deepcopy(example_answers(EXAMPLE))
    answers["services"] = [*answers["services"], *copy.deepcopy(WORKERS)]
    return render_answers(answers)


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
    statement = secrets[start : secrets.index("] : statement if", start)]
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


# --- 2. a worker's container health check ----------------------------------------------------


def test_each_worker_passes_its_runtime_and_nothing_else_does() -> None:
    assert module_args("app.tf", "svc_worker")["runtime"] == "java"
    assert "runtime" not in module_args("app.tf", "svc_nightly")
    for worker in WORKERS:
        args = module_args("app.tf", f"svc_{worker['name'].replace('-', '_')}", "workers")
        assert (args["runtime"], args["container_port"], args["health_check_path"]) == (
            worker["runtime"],
            worker["port"],
            "/ready",
        )


def test_the_interpreter_is_one_the_rendered_image_has() -> None:
    """ECS runs the check inside the image: python slim has python3, node bookworm-slim node, the
    Temurin JRE (Ubuntu) and ASP.NET (Debian) images bash; distroless static has no shell."""
    images = {"python": "python:3.13-slim", "node": "node:22-bookworm-slim"}
    images |= {"dotnet": "mcr.microsoft.com/dotnet/aspnet:8.0", "go": "distroless/static"}
    for worker in WORKERS:
        if worker["runtime"] == "container":
            assert f"services/{worker['name']}/Dockerfile" not in tree("workers")
            continue
        dockerfile = tree("workers")[f"services/{worker['name']}/Dockerfile"]
        runtime_stage = dockerfile.split("\nFROM ")[-1]
        assert images[worker["runtime"]] in runtime_stage.splitlines()[0], worker["runtime"]
    java = tree()["services/worker/Dockerfile"].split("\nFROM ")[-1]
    assert java.startswith("eclipse-temurin:21-jre")
    check = tree()[f"{WORKLOAD}/health-check.tf"]
    assert '{ python = "python", node = "node", java = "bash", dotnet = "bash" }' in check


def test_the_check_fits_ecs_limits_and_only_a_worker_gets_it() -> None:
    """ECS HealthCheck: interval 5-300 s, timeout 2-60 s, retries 1-10, startPeriod 0-300 s;
    CMD-SHELL runs the command with the image's /bin/sh."""
    check = squeezed(tree()[f"{WORKLOAD}/health-check.tf"])
    assert 'var.kind == "worker" && local.has_port && local.health_probe != null' in check
    assert '"CMD-SHELL",' in check
    numbers = dict(re.findall(r"(interval|timeout|retries|startPeriod) = (\d+)", check))
    assert {key: int(value) for key, value in numbers.items()} == {
        "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60,
    }  # fmt: skip
    main = tree()[f"{WORKLOAD}/main.tf"]
    assert "}, local.health_check == null ? {} : { healthCheck = local.health_check })," in main


@pytest.fixture(scope="module")
def health_server() -> Iterator[int]:
    """A loopback server: 200 at /ready, 503 elsewhere."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/ready" else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def health_command(tmp: Path, runtime: str, port: int, path: str) -> str | None:
    """The shell line of the module's check, computed by Terraform from health-check.tf."""
    (tmp / "health-check.tf").write_text(tree()[f"{WORKLOAD}/health-check.tf"], encoding="utf-8")
    (tmp / "stub.tf").write_text(
        'variable "kind" {}\nvariable "runtime" {}\nvariable "container_port" {}\n'
        'variable "health_check_path" {}\nlocals { has_port = var.container_port != null }\n',
        encoding="utf-8",
    )
    variables = {
        "kind": "worker",
        "runtime": runtime,
        "container_port": port,
        "health_check_path": path,
    }
    args = [f"-var={key}={value}" for key, value in variables.items()]
    expression = "jsonencode(local.health_check == null ? null : local.health_check.command)"
    result = subprocess.run(
        ["terraform", "console", *args], input=expression, cwd=tmp, capture_output=True,
        text=True, check=True, timeout=60,
    )  # fmt: skip
    command = json.loads(json.loads(result.stdout.strip().splitlines()[-1]))
    if command is None:
        return None
    assert command[0] == "CMD-SHELL"
    return str(command[1])


@pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")
@pytest.mark.parametrize("runtime", ["python", "node", "java", "dotnet"])
def test_the_check_passes_on_2xx_and_fails_on_5xx_or_no_answer(
    runtime: str, health_server: int, tmp_path: Path
) -> None:
    interpreter = INTERPRETERS[runtime]
    if shutil.which(interpreter) is None:
        pytest.skip(f"needs {interpreter}")
    ok = health_command(tmp_path, runtime, health_server, "/ready")
    failing = health_command(tmp_path, runtime, health_server, "/other")
    closed = health_command(tmp_path, runtime, 1, "/ready")
    assert ok and failing and closed and f"command -v {interpreter} " in ok

    def status(command: str, env: Mapping[str, str] | None = None) -> int:
        run = subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, timeout=20)
        return run.returncode

    assert status(ok) == 0
    assert status(failing) != 0
    assert status(closed) != 0
    # An image without the interpreter (the placeholder until the first deploy) is not checked.
    assert status(failing, env={**os.environ, "PATH": str(tmp_path / "empty")}) == 0


@pytest.mark.skipif(shutil.which("terraform") is None, reason="needs terraform")
@pytest.mark.parametrize("runtime", ["go", "container"])
def test_images_without_a_shell_or_known_interpreter_get_no_check(
    runtime: str, tmp_path: Path
) -> None:
    assert health_command(tmp_path, runtime, 9000, "/ready") is None


def test_the_health_path_is_quoted_into_the_command_from_a_safe_alphabet() -> None:
    variable = block(f"{WORKLOAD}/variables.tf", "variable", ("health_check_path",))
    assert "^/[A-Za-z0-9._~/-]*$" in str(plain(variable["validation"]))
    check = tree()[f"{WORKLOAD}/health-check.tf"]
    assert "'${local.health_url}'" in check and "'${var.health_check_path}'" in check


def test_the_runbook_tells_a_failed_health_check_by_runtime() -> None:
    incident = tree()["docs/runbooks/incident-response.md"]
    assert "Task failed container health checks" in incident
    assert "bash's `/dev/tcp`" in incident
    workers = tree("workers")["docs/runbooks/incident-response.md"]
    assert "A go image has no container health check" in workers


# --- what `terraform validate` (1.11) refused in the modules these services use ---------------


def test_nullable_variables_are_validated_without_relying_on_short_circuit() -> None:
    """Terraform before 1.12 evaluates both sides of `||`: `null >= 1024` fails a job's
    container_port ("argument must not be null"); a conditional evaluates one side only."""
    variables = tree()[f"{WORKLOAD}/variables.tf"]
    assert not re.search(r"var\.(\w+) == null \|\| \(?var\.\1 [<>]", variables)
    assert "var.container_port == null ? true : var.container_port >= 1024" in variables
    assert (
        "var.listener_rule_priority == null ? true : var.listener_rule_priority >= 1" in variables
    )


def test_optional_key_policy_statements_are_filtered_not_picked_by_a_conditional() -> None:
    """`cond ? [two statements of different shapes] : []` has no single type ("Inconsistent
    conditional result types", terraform validate and plan alike); a for expression with `if`
    keeps each statement's own shape."""
    secrets = tree()["modules/secrets/main.tf"]
    assert "autoscaling_statements = [for statement in [" in secrets
    assert "] : statement if var.ebs_for_autoscaling]" in secrets
    assert "eventbridge_statements = [for statement in [" in secrets
    assert not re.search(r"_statements = [^\n]+\? \[", secrets)
