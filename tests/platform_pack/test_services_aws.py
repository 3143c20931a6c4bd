"""Several services on AWS (issue 25): ECS Fargate behind the shared ALB, EventBridge Scheduler
jobs and S3 + CloudFront front ends.

Every service's port, health path, path, schedule and runtime reach the places that use them; the
facts pinned here come from the provider and AWS docs named beside each test. The three-service
example is `examples/answers/aws-services.yml`; a second render adds a second http service at a
deeper path, a cache, blue-green and a weekly job.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from tests import terraform_checks as tc
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

EXAMPLE = "aws-services"
ADMIN = {"name": "admin", "kind": "http", "path": "/api/admin", "runtime": "go", "version": "1.24",
         "port": 9000, "health_path": "/ready"}  # fmt: skip
WEEKLY = {"name": "weekly", "kind": "job", "runtime": "container", "schedule": "0 4 * * MON"}


def services_of(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {svc["name"]: svc for svc in answers["services"]}


def variant_answers() -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(EXAMPLE))
    answers["services"] = [*answers["services"][:1], ADMIN, *answers["services"][1:], WEEKLY]
    return {**answers, "cache": "redis", "deploy_strategy": "blue-green"}


@cache
def tree(which: str = "example") -> Mapping[str, str]:
    answers = example_answers(EXAMPLE) if which == "example" else variant_answers()
    return render_answers(answers)


def hcl(path: str, which: str = "example") -> dict[str, Any]:
    return parse_hcl(tree(which)[path])


def module_args(name: str, which: str = "example") -> dict[str, Any]:
    for module in hcl("app.tf", which)["module"]:
        for label, body in module.items():
            if unquote(label) == name:
                return {key: unquote(value) for key, value in body.items()}
    raise AssertionError(f"app.tf has no module {name}")


def plain(node: Any) -> Any:
    """`node` with python-hcl2's quotes taken off every string and key."""
    if isinstance(node, Mapping):
        return {unquote(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return unquote(node)


def block(path: str, kind: str, labels: tuple[str, ...], which: str = "example") -> dict[str, Any]:
    """The body of the `resource`/`data` (two labels) or `output`/`variable` (one) block."""
    for found, body in tc.labelled(hcl(path, which).get(kind), len(labels)):
        if found == labels:
            return dict(plain(body))
    raise AssertionError(f"{path} has no {kind} {labels}")


def resource(path: str, kind: str, name: str, which: str = "example") -> dict[str, Any]:
    return block(path, "resource", (kind, name), which)


def problems_of(services: list[dict[str, Any]], **overrides: Any) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = {**example_answers(EXAMPLE), **overrides, "services": copy.deepcopy(services)}
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


def partial(name: str, svc: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> str:
    """Render `partials/ci/aws/<name>` as the shared workflow does: `svc` bound, or not at all."""
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, dict(answers), []))
    raise_problems(problems)
    context = build_context(pack, env, resolved)
    if svc is not None:
        context = {
            **context,
            "svc": next(s for s in context["all_services"] if s["name"] == svc["name"]),
        }
    return env.get_template(f"partials/ci/aws/{name}").render(context)


# --- one module instance per service, with its own port, health path and kind ------------------


def test_every_image_service_has_a_module_of_its_own_with_its_port_and_health_path() -> None:
    services = services_of(example_answers(EXAMPLE))
    api, worker, nightly = module_args("app"), module_args("svc_worker"), module_args("svc_nightly")
    assert (api["container_port"], api["health_check_path"]) == (3000, "/healthz")
    assert worker["source"] == nightly["source"] == "./modules/ecs-workload"
    assert (worker["kind"], worker["container_port"], worker["health_check_path"]) == (
        "worker",
        services["worker"]["port"],
        services["worker"]["health_path"],
    )
    assert nightly["kind"] == "job" and "container_port" not in nightly
    assert 'module "svc_web"' not in tree()["app.tf"]  # static: static.tf


def test_each_service_is_named_after_itself_and_says_its_runtime() -> None:
    text = tree()["app.tf"]
    worker = module_args("svc_worker")
    assert (worker["name_prefix"], worker["service"]) == ("${local.name}", "worker")
    assert "# worker: worker, no ingress, runtime java 21." in text
    assert "# nightly: job on the schedule 15 2 * * * (UTC), runtime python 3.13." in text


def test_the_first_revision_of_a_service_off_8080_or_off_slash_answers_on_its_port() -> None:
    """The nginx placeholder answers on 8080 at / only: another port or health path starts on
    Cloud Run's sample image (listens on $PORT); a job's placeholder exits at once."""
    admin = module_args("svc_admin", "variant")
    assert admin["container_image"] == "us-docker.pkg.dev/cloudrun/container/hello"
    assert 'PORT = "9000"' in tree("variant")["app.tf"]
    assert (
        module_args("svc_nightly")["container_image"]
        == "public.ecr.aws/docker/library/busybox:stable"
    )
    assert "container_image" not in module_args("svc_worker")


# --- http: path routing on the shared ALB (Elastic Load Balancing "Listener rules": rules are
# evaluated lowest priority first; path patterns compare the path only, case-sensitively) -------


def test_a_further_http_service_is_routed_by_its_path_before_the_primary_catch_all() -> None:
    admin = module_args("svc_admin", "variant")
    assert admin["path"] == "/api/admin"
    assert 1 <= admin["listener_rule_priority"] < 100  # the primary's "/*" rule is 100
    assert admin["listener_arn"] == "${module.app.listener_arn}"
    rule = resource("modules/ecs-workload/main.tf", "aws_lb_listener_rule", "this", "variant")
    patterns = rule["condition"][0]["path_pattern"][0]["values"]
    assert patterns == ["${var.path}", "${var.path}/*"]
    primary = resource(
        "modules/ecs-service/main.tf", "aws_lb_listener_rule", "production", "variant"
    )
    assert primary["priority"] == 100


def test_deeper_paths_get_lower_priorities() -> None:
    answers = variant_answers()
    answers["services"].insert(2, {"name": "docs", "kind": "http", "path": "/docs", "port": 8080})
    text = render_answers(answers)["app.tf"]
    priorities = {
        name: int(line.split("=")[1])
        for name in ("svc_admin", "svc_docs")
        for line in text.split(f'module "{name}"')[1].split("\n}")[0].splitlines()
        if line.strip().startswith("listener_rule_priority")
    }
    assert priorities["svc_admin"] < priorities["svc_docs"] < 100  # /api/admin before /docs


def test_the_http_service_target_group_checks_its_own_port_and_health_path() -> None:
    group = resource("modules/ecs-workload/main.tf", "aws_lb_target_group", "this", "variant")
    check = group["health_check"][0]
    assert (group["port"], check["path"], check["port"]) == (
        "${var.container_port}",
        "${var.health_check_path}",
        "traffic-port",
    )
    admin = module_args("svc_admin", "variant")
    assert (admin["container_port"], admin["health_check_path"]) == (9000, "/ready")


def test_the_load_balancer_reaches_each_http_service_on_its_port_only() -> None:
    egress = resource(
        "modules/ecs-workload/main.tf", "aws_vpc_security_group_egress_rule", "alb_to_tasks"
    )
    assert egress["security_group_id"] == "${var.load_balancer_security_group_id}"
    assert egress["from_port"] == egress["to_port"] == "${var.container_port}"
    assert egress["count"] == "${local.is_http ? 1 : 0}"


def test_blue_green_reaches_the_further_http_service_and_not_the_worker() -> None:
    assert (
        module_args("svc_admin", "variant")["deployment_strategy"] == "${var.deployment_strategy}"
    )
    assert "deployment_strategy" not in module_args("svc_worker", "variant")
    main = tree("variant")["modules/ecs-workload/main.tf"]
    assert 'progressive   = local.is_http && var.deployment_strategy != "rolling"' in main


def test_a_slash_service_must_be_the_first_http_service_on_aws() -> None:
    problems = problems_of([{"name": "api", "path": "/api"}, {"name": "site", "path": "/"}])
    assert any("list the http service at / first" in message for _, message in problems)
    assert not problems_of([{"name": "site", "path": "/"}, {"name": "api", "path": "/api"}])


# --- worker: no ingress, always on -----------------------------------------------------------


def test_a_worker_has_no_target_group_and_alarms_on_its_running_tasks() -> None:
    main = tree()["modules/ecs-workload/main.tf"]
    assert (
        'target_groups = local.is_http ? (local.progressive ? ["blue", "green"] : ["blue"]) : []'
        in main
    )
    alarm = resource("modules/ecs-workload/alarms.tf", "aws_cloudwatch_metric_alarm", "running")
    assert alarm["count"] == '${var.kind == "worker" ? 1 : 0}'
    assert (alarm["namespace"], alarm["metric_name"]) == (
        "ECS/ContainerInsights",
        "RunningTaskCount",
    )
    assert alarm["treat_missing_data"] == "breaching"  # a worker with no task reports nothing
    minimum = block("modules/ecs-workload/variables.tf", "variable", ("min_count",))
    assert "var.min_count >= 1" in json.dumps(minimum)


# --- job: EventBridge Scheduler (API EcsParameters; EventBridge "Cron expressions reference") --


def test_the_job_runs_on_its_schedule_in_utc_with_one_day_field_a_question_mark() -> None:
    assert module_args("svc_nightly")["schedule_expression"] == "cron(15 2 * * ? *)"
    assert module_args("svc_weekly", "variant")["schedule_expression"] == "cron(0 4 ? * MON *)"
    schedule = resource("modules/ecs-workload/job.tf", "aws_scheduler_schedule", "this")
    assert schedule["schedule_expression_timezone"] == "UTC"
    assert schedule["flexible_time_window"][0]["mode"] == "OFF"
    target = schedule["target"][0]
    assert target["arn"] == "${var.cluster_arn}"
    ecs = target["ecs_parameters"][0]
    assert (ecs["launch_type"], ecs["task_count"]) == ("FARGATE", 1)
    assert ecs["network_configuration"][0]["assign_public_ip"] is False
    # The pipeline points the schedule at each new revision.
    assert (
        "target[0].ecs_parameters[0].task_definition_arn" in tree()["modules/ecs-workload/job.tf"]
    )


@pytest.mark.parametrize(
    ("schedule", "message"),
    [("0 4 * * 1-5", "name the days of the week"), ("0 4 1 * MON", "not both")],
)
def test_cron_schedules_eventbridge_would_read_otherwise_are_refused(
    schedule: str, message: str
) -> None:
    """EventBridge numbers the days 1-7 from Sunday (cron: 0-6) and cannot take both day fields."""
    services = [{"name": "api"}, {"name": "job", "kind": "job", "schedule": schedule}]
    problems = problems_of(services)
    assert [field for field, text in problems if message in text] == ["services[1].schedule"]


def test_the_scheduler_role_runs_only_this_family_on_this_cluster_and_passes_only_its_roles() -> (
    None
):
    policy = block("modules/ecs-workload/job.tf", "data", ("aws_iam_policy_document", "scheduler"))
    statements = {s["sid"]: s for s in policy["statement"]}
    run = statements["RunThisFamilyOnThisCluster"]
    assert run["actions"] == ["ecs:RunTask"] and run["resources"] == ["${local.task_family_arn}"]
    assert run["condition"][0]["variable"] == "ecs:cluster"
    passed = statements["PassOnlyThisWorkloadsRoles"]
    assert passed["resources"] == ["${aws_iam_role.execution.arn}", "${aws_iam_role.task.arn}"]
    assert passed["condition"][0]["values"] == ["ecs-tasks.amazonaws.com"]
    # terraform-aws-modules/terraform-aws-eventbridge#130: RunTask with tags needs ecs:TagResource.
    tag = statements["TagTheTasksItStarts"]
    assert tag["actions"] == ["ecs:TagResource"]
    assert tag["condition"][0]["variable"] == "ecs:CreateAction" and tag["condition"][0][
        "values"
    ] == ["RunTask"]
    assert set(statements) == {"RunThisFamilyOnThisCluster", "TagTheTasksItStarts", "DecryptTheSchedule",
                               "PassOnlyThisWorkloadsRoles"}  # fmt: skip


def test_a_failed_or_dropped_run_alarms_per_schedule_group() -> None:
    """AWS/Scheduler metrics have the ScheduleGroup dimension only: each job has its own group."""
    alarms = tree()["modules/ecs-workload/alarms.tf"]
    assert '{ errors = "TargetErrorCount", dropped = "InvocationDroppedCount" }' in alarms
    assert 'namespace   = "AWS/Scheduler"' in alarms
    assert "ScheduleGroup = aws_scheduler_schedule_group.this[0].name" in alarms
    group = resource("modules/ecs-workload/job.tf", "aws_scheduler_schedule", "this")["group_name"]
    assert group == "${aws_scheduler_schedule_group.this[0].name}"


def test_the_deploy_identity_manages_schedules_only_when_a_job_exists() -> None:
    assert '"scheduler"]' in tree()["bootstrap/terraform.tfvars"]
    single = render_answers(example_answers("aws-containers"))["bootstrap/terraform.tfvars"]
    assert "scheduler" not in single


# --- identity: each workload reads only its own secret -----------------------------------------


def test_each_workload_reads_only_its_own_secret_and_the_ones_passed_in() -> None:
    policy = block("modules/ecs-workload/main.tf", "data", ("aws_iam_policy_document", "execution"))
    read = [s for s in policy["statement"] if s["sid"] == "ReadItsOwnSecrets"][0]
    assert read["resources"] == "${concat([aws_secretsmanager_secret.app.arn], var.secret_arns)}"
    secret = resource("modules/ecs-workload/main.tf", "aws_secretsmanager_secret", "app")
    assert secret["name"] == "${local.id}/app"
    # The primary's application secret is not passed to the others (only Redis AUTH, with a cache).
    assert "secret_arns" not in module_args("svc_worker")
    assert module_args("svc_worker", "variant")["secret_arns"] == [
        "${module.cache.auth_secret_arn}"
    ]


def test_every_workload_role_carries_the_runtime_path_and_boundary() -> None:
    for name in ("svc_worker", "svc_nightly"):
        args = module_args(name)
        assert args["iam_role_path"] == "${local.runtime_role_path}"
        assert args["permissions_boundary_arn"] == "${local.runtime_boundary_arn}"
    for role in ("execution", "task", "load_balancer"):
        body = resource("modules/ecs-workload/main.tf", "aws_iam_role", role)
        assert body["permissions_boundary"] == "${var.permissions_boundary_arn}"
    scheduler = resource("modules/ecs-workload/job.tf", "aws_iam_role", "scheduler")
    assert scheduler["path"] == "${var.iam_role_path}"


def test_the_database_lets_every_service_in() -> None:
    main = tree()["main.tf"]
    assert "{ svc_worker = module.svc_worker.security_group_id }" in main
    assert "{ svc_nightly = module.svc_nightly.security_group_id }" in main
    assert module_args("svc_worker")["database_user_arns"] == ["${module.database.app_user_arn}"]


def test_long_names_are_cut_deterministically_under_the_iam_limit() -> None:
    main = tree()["modules/ecs-workload/main.tf"]
    assert 'name = "${var.name_prefix}-${var.service}"' in main
    assert (
        'id   = length(local.name) <= 46 ? local.name : "${substr(local.name, 0, 41)}-'
        '${substr(md5(local.name), 0, 4)}"'
    ) in main
    # "-ecs-load-balancer" is the longest role suffix: 46 + 18 = 64, IAM's limit.
    roles = tree()["modules/ecs-workload/main.tf"] + tree()["modules/ecs-workload/job.tf"]
    suffixes = [
        line.split('"${local.id}')[1].split('"')[0]
        for line in roles.splitlines()
        if line.strip().startswith("name ") and '"${local.id}-' in line and "role" not in line
    ]
    assert max(len(suffix) for suffix in suffixes if suffix.startswith("-ecs-")) == 18


# --- alarms and dashboards per service -------------------------------------------------------


def test_the_runbooks_list_every_service_with_its_port_health_path_runtime_and_alarms() -> None:
    deploy = tree()["docs/runbooks/deploy.md"]
    assert "| `worker` | worker | no ingress, always on | 8081, `/health` | java 21 |" in deploy
    assert (
        "| `api` | http | load balancer, every path no other rule claims | 3000, `/healthz` |"
        in deploy
    )
    assert "`nightly-schedule-failures`" in deploy and "15 2 \\* \\* \\* (UTC)" in deploy
    for runbook in ("deploy", "rollback", "incident-response"):
        text = tree()[f"docs/runbooks/{runbook}.md"]
        for name in ("worker", "web", "nightly"):
            assert f"### {name} (" in text, (runbook, name)
    # The docs' alarm tables come from the Terraform and cannot tell kinds apart: a worker's
    # alarms are listed by the services table, never a 5XX alarm it does not have.
    assert "shop-staging-worker-5xx" not in tree()["docs/runbooks/incident-response.md"]


def test_every_workload_adds_its_dashboard_widgets() -> None:
    main = tree()["main.tf"]
    assert (
        "module.svc_worker.dashboard_widgets," in main
        and "module.svc_nightly.dashboard_widgets," in main
    )
    assert "module.svc_web.dashboard_widgets," in tree()["static.tf"]


def test_an_http_service_5xx_alarm_reads_its_own_target_groups_and_rolls_back() -> None:
    alarms = tree("variant")["modules/ecs-workload/alarms.tf"]
    assert "TargetGroup = metric_query.value.arn_suffix" in alarms
    service = resource("modules/ecs-workload/main.tf", "aws_ecs_service", "this", "variant")
    assert "aws_cloudwatch_metric_alarm.errors[0].alarm_name" in json.dumps(service["dynamic"])


# --- outputs the partials read ---------------------------------------------------------------


def test_the_services_output_is_keyed_by_every_image_service_name() -> None:
    services = block("outputs.tf", "output", ("services",))["value"]
    assert set(services) == {"api", "worker", "nightly"}
    assert services["worker"]["service_name"] == "${module.svc_worker.service_name}"
    assert services["nightly"]["schedule_name"] == "${module.svc_nightly.schedule_name}"
    assert block("outputs.tf", "output", ("ecs_service_name",))  # the single-service outputs stay
    assert set(block("static.tf", "output", ("static_sites",))["value"]) == {"web"}


# --- static front end: S3 + CloudFront on its own host ---------------------------------------


def test_the_static_front_end_is_served_on_its_own_host_with_a_us_east_1_certificate() -> None:
    static = tree()["static.tf"]
    assert 'domain_name           = format("%s.%s", "web", var.domain_name)' in static
    assert 'certificate_region = "us-east-1"' in static
    assert "alarm_topic_arn       = module.edge_observability.alarm_topic_arn" in static
    assert 'region      = "us-east-1"' in static  # CloudFront's metrics live there
    assert "# web: static front end built with node 22" in static


def test_the_static_front_end_renders_on_kubernetes_with_its_log_bucket() -> None:
    answers = example_answers("aws-kubernetes-canary")
    answers["services"] = [{"name": "api", "port": 3000}, {"name": "web", "kind": "static"}]
    rendered = render_answers(answers)
    assert 'module "svc_web"' in rendered["static.tf"]
    assert 'module "access_logs"' in rendered["static.tf"]
    assert "modules/log-bucket/main.tf" in rendered and "modules/static-site/main.tf" in rendered


def test_single_service_renders_have_no_workloads_or_front_ends() -> None:
    single = render_answers(example_answers("aws-containers"))
    assert "static.tf" not in single
    assert not [path for path in single if path.startswith("modules/ecs-workload/")]
    assert 'output "services"' not in single["outputs.tf"]


# --- deploy and rollback per service (the CI contract: `svc`) ----------------------------------


@pytest.mark.parametrize("name", ["deploy-containers.sh.j2", "rollback-containers.sh.j2",
                                  "deploy-static-site.sh.j2", "rollback-static-site.sh.j2"])  # fmt: skip
def test_a_partial_renders_the_same_with_the_primary_bound_or_nothing_bound(name: str) -> None:
    answers = example_answers("aws-static-site" if "static" in name else "aws-containers")
    context_free = partial(name, None, answers)
    if "static" not in name:
        assert partial(name, answers.get("services", [{"name": "app"}])[0], answers) == context_free
    assert "terraform output -json" not in context_free


def test_a_worker_deploy_reads_its_entry_and_waits_for_its_service() -> None:
    answers = example_answers(EXAMPLE)
    script = partial("deploy-containers.sh.j2", {"name": "worker"}, answers)
    assert "jq -c --arg name worker '.[$name]'" in script
    assert "jq -r .service_name" in script and "aws ecs wait services-stable" in script
    assert "'.[$name].repository_url'" in script  # its own ECR repository
    assert "the service's deployment strategy (rolling)" in script  # workers always roll


def test_a_job_deploy_points_its_schedule_at_the_new_revision_without_a_rollout() -> None:
    answers = example_answers(EXAMPLE)
    for name in ("deploy-containers.sh.j2", "rollback-containers.sh.j2"):
        script = partial(name, {"name": "nightly"}, answers)
        assert "aws scheduler update-schedule --cli-input-json" in script
        assert ".Target.EcsParameters.TaskDefinitionArn = $next" in script
        assert "aws ecs update-service" not in script and "services-stable" not in script


def test_a_static_front_end_deploy_reads_its_bucket_distribution_url_and_us_east_1_alarms() -> None:
    script = partial("deploy-static-site.sh.j2", {"name": "web"}, example_answers(EXAMPLE))
    assert "terraform output -json static_sites | jq -c --arg name web '.[$name]'" in script
    assert "jq -r .bucket_name" in script and "jq -r .distribution_id" in script
    assert "app_url=$(printf '%s' \"$site\" | jq -r .url)" in script
    assert 'describe-alarms --region "$alarm_region"' in script


# --- the render passes the repository's own Terraform checks ----------------------------------

terraform = tc.terraform  # the module-scoped fixture


@pytest.mark.parametrize("which", ["example", "variant"])
def test_the_renders_are_canonical_terraform(which: str, terraform: str, tmp_path: Path) -> None:
    problems = tc.fmt_problems(terraform, tree(which), tmp_path)
    assert not problems, "\n".join(problems)


# --- cost: every always-on service is priced (data/cost.yaml) ---------------------------------


def test_the_estimate_prices_the_minimum_tasks_of_every_http_and_worker_service() -> None:
    def fargate_lines(answers: Mapping[str, Any]) -> list[str]:
        cost = render_answers(answers)["docs/cost.md"]
        return [line for line in cost.splitlines() if line.startswith("| Fargate vCPU")]

    single = {**example_answers(EXAMPLE), "services": example_answers(EXAMPLE)["services"][:1]}
    # api and worker run around the clock; the nightly job only on its schedule (not modelled).
    assert [line.split(" | ")[1] for line in fargate_lines(single)] == ["1 vCPU", "3 vCPU"]
    assert [line.split(" | ")[1] for line in fargate_lines(example_answers(EXAMPLE))] == [
        "2 vCPU",
        "6 vCPU",
    ]


def test_the_security_doc_says_each_service_reads_only_its_own_secret() -> None:
    security = tree()["docs/SECURITY.md"]
    assert "`shop-<env>-<service>/app`. A service's tasks read only" in security
    assert "(`shop-<env>-<job>-scheduler`) may run only that job's task family" in security


def test_numbered_weekdays_are_refused_on_aws_only() -> None:
    services = [{"name": "api"}, {"name": "job", "kind": "job", "schedule": "0 4 * * 1-5"}]
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = {**example_answers("gcp-containers"), "services": services}
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    assert not [p for p in problems + check_answers(pack, env, resolved) if "schedule" in p[0]]
