"""Several services on GCP, compute containers (issue 25): every http service and worker is its
own Cloud Run service, routed by path on the shared load balancer (http) or without ingress
(worker), the static front end is a Cloud Storage bucket behind Cloud CDN at every other path;
each runs as its own service account, has its alerts and dashboard widgets, its deploy and
rollback steps, its runbook sections, and reaches every place that uses its port, health path,
path and runtime. What is not built yet is refused at answer time.

The facts pinned here come from the Google provider's docs and the Compute/Run API references
(quoted next to each test)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from tests import terraform_checks as tc
from tests.builders import example_answers
from tests.terraform_checks import Cloud, blocks, labelled, unquote

API = {"name": "api", "kind": "http", "path": "/api", "runtime": "node", "version": "24",
       "port": 3000, "health_path": "/healthz"}  # fmt: skip
WORKER = {"name": "worker", "kind": "worker", "runtime": "java", "version": "21", "port": 8081,
          "health_path": "/health"}  # fmt: skip
WEB = {"name": "web", "kind": "static", "runtime": "node", "version": "24"}
NIGHTLY = {"name": "nightly", "kind": "job", "runtime": "python", "version": "3.13",
           "schedule": "15 2 * * *"}  # fmt: skip
LONG = "queue-consumer-with-a-very-long-name-x"  # 38 characters: the names get hashed

MATRIX: dict[str, tuple[str, dict[str, Any]]] = {
    "services": ("gcp-services", {}),
    # An http service at / beside the API, a worker with a long name, canary, GitLab, no domain.
    "services-root-long-gitlab": (
        "gcp-services",
        {"project_name": "acme-storefront-payments", "deploy_strategy": "canary", "domain": "",
         "ci": "gitlab-ci", "repository": "acme/platform/shop-infra",
         "environments": [
             {"name": "development-eu", "region": "europe-west1", "cidr": "10.1.0.0/16",
              "size": "small", "protected": False, "project_id": "acme-store-dev"}],
         "services": [{**API, "name": "site", "path": "/", "port": 8080, "health_path": "/"},
                      API, {**WORKER, "name": LONG}]},
    ),
}  # fmt: skip
GCP = Cloud("gcp", provider="google", matrix=MATRIX)
combos = pytest.mark.parametrize("combo", list(MATRIX))
terraform = tc.terraform  # the module-scoped fixture


def plain(value: Any) -> Any:
    """`value` with python-hcl2's quotes taken off every string, keys included."""
    if isinstance(value, dict):
        return {unquote(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return unquote(value)


def module_calls(combo: str) -> dict[str, Any]:
    found = labelled(GCP.docs(combo)["app.tf"]["module"], 1)
    return {unquote(name): plain(body) for (name,), body in found}


def resources(combo: str, path: str) -> dict[tuple[str, str], Any]:
    found = blocks({path: GCP.docs(combo)[path]}, "resource", 2)
    return {(unquote(kind), unquote(name)): plain(body) for _, (kind, name), body in found}


def tf(combo: str, path: str) -> str:
    return GCP.tree(combo)[path]


# --- the judge's tools ---------------------------------------------------------------------------


@combos
def test_terraform_fmt_is_clean(combo: str, terraform: str, tmp_path: Path) -> None:
    problems = tc.fmt_problems(terraform, GCP.tree(combo), tmp_path)
    assert not problems, "\n".join(problems)


@combos
def test_resources_match_the_google_provider_schema(combo: str, hcl2_warm: None) -> None:
    checked, problems = tc.schema_check(GCP.docs(combo), GCP.provider)
    assert checked > 20
    assert not problems, "\n".join(problems)


@combos
def test_module_calls_and_readmes_match_the_modules(combo: str, hcl2_warm: None) -> None:
    problems = tc.module_call_problems(GCP.modules(combo)) + tc.readme_problems(GCP, combo)
    assert not problems, "\n".join(problems)


@combos
def test_infrascaffold_validation_finds_nothing(combo: str) -> None:
    findings = tc.validation_problems(GCP, combo, local_bootstrap_state=True)
    assert not findings, "\n".join(findings)


@pytest.mark.checkov
@pytest.mark.slow
def test_checkov_finds_no_failed_check(tmp_path: Path) -> None:
    problems = tc.checkov_problems(GCP, list(MATRIX), tmp_path)
    assert not problems, "\n".join(problems)


# --- one module instance per service, with its own port, health path and kind -----------------


def test_every_service_is_its_own_module_with_its_port_and_health_path(hcl2_warm: None) -> None:
    calls = module_calls("services")
    assert calls["app"]["source"] == "./modules/cloud-run-service"
    assert (calls["app"]["container_port"], calls["app"]["health_check_path"]) == (3000, "/healthz")
    worker = calls["svc_worker"]
    assert worker["source"] == "./modules/cloud-run-worker"
    assert (worker["container_port"], worker["health_check_path"]) == (8081, "/health")
    assert worker["name"] == '${local.service_names["worker"]}'
    assert calls["svc_web"]["source"] == "./modules/static-site"
    assert "# worker worker: java, port 8081, health /health" in tf("services", "app.tf")
    # The primary keeps its name: adding services never replaces it.
    assert calls["app"]["name"] == "${local.name}"


def test_several_http_services_each_get_a_backend_and_their_port(hcl2_warm: None) -> None:
    calls = module_calls("services-root-long-gitlab")
    assert calls["app"]["container_port"] == 8080  # `site`, the first http service, is the primary
    api = calls["svc_api"]
    assert api["source"] == "./modules/cloud-run-service"
    assert (api["container_port"], api["health_check_path"]) == (3000, "/healthz")
    assert api["security_policy"] == "${module.waf.policy_id}"


def test_worker_has_no_ingress_and_always_runs(hcl2_warm: None) -> None:
    """Run API IngressTraffic: INGRESS_TRAFFIC_INTERNAL_ONLY "only internal traffic is allowed"
    (INTERNAL_LOAD_BALANCER would admit the load balancer). ResourceRequirements.cpu_idle:
    "Determines whether CPU is only allocated during requests": false keeps it allocated."""
    found = resources("services", "modules/cloud-run-worker/main.tf")
    service = found[("google_cloud_run_v2_service", "this")]
    assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_ONLY"
    assert "invoker_iam_disabled" not in service  # the invoker check stays on; nobody has the role
    resources_block = service["template"][0]["containers"][0]["resources"][0]
    assert resources_block["cpu_idle"] is False
    assert not [kind for kind, _ in found if kind.startswith("google_compute_")]  # no NEG, no backend
    variables = tf("services", "modules/cloud-run-worker/variables.tf")
    assert "condition     = var.min_instances >= 1" in variables
    assert module_calls("services")["svc_worker"]["min_instances"] == "${max(var.run_min_instances, 1)}"
    # Worker pools are in the 6.50 schema but deploy with `gcloud beta` only (google-github-
    # actions/deploy-cloudrun#585): a service keeps the pipeline's GA commands.
    assert "google_cloud_run_v2_worker_pool" not in tf("services", "modules/cloud-run-worker/main.tf")


# --- routing: path matcher, default backend, static release --------------------------------------


def test_http_paths_are_routed_and_the_front_end_serves_the_rest(hcl2_warm: None) -> None:
    lb = module_calls("services")["load_balancer"]
    assert lb["default_backend"] == "${module.svc_web.backend_bucket_id}"
    assert lb["path_prefix_rewrite"] == "${module.svc_web.initial_release_path}"
    assert lb["routes"] == [{"paths": ["/api", "/api/*"], "backend": "${module.app.backend_service_id}"}]
    root = module_calls("services-root-long-gitlab")["load_balancer"]
    assert root["default_backend"] == "${module.app.backend_service_id}"  # the http service at /
    assert "path_prefix_rewrite" not in root
    assert root["routes"] == [{"paths": ["/api", "/api/*"], "backend": "${module.svc_api.backend_service_id}"}]


def test_url_map_lets_the_pipeline_own_only_the_release_rewrite(hcl2_warm: None) -> None:
    """Compute API PathMatcher.defaultRouteAction: "takes effect when none of the pathRules or
    routeRules match ... if defaultService is set, defaultRouteAction cannot contain any
    weightedBackendServices": a default service with a URL rewrite only is valid."""
    text = tf("services", "modules/load-balancer/main.tf")
    assert "ignore_changes = [path_matcher[0].default_route_action]" in text
    url_map = resources("services", "modules/load-balancer/main.tf")[("google_compute_url_map", "this")]
    matcher = url_map["dynamic"]
    names = [next(iter(d)) for d in matcher]
    assert names == ["host_rule", "path_matcher"]
    content = matcher[1]["path_matcher"]["content"][0]
    assert content["default_service"] == "${var.default_backend}"
    inner = {next(iter(d)): d[next(iter(d))] for d in content["dynamic"]}
    assert set(inner) == {"default_route_action", "path_rule"}
    assert "weighted_backend_services" not in str(inner["default_route_action"])
    assert inner["path_rule"]["content"][0]["paths"] == "${path_rule.value.paths}"


def test_single_service_renders_keep_their_load_balancer_and_outputs() -> None:
    single = Cloud("gcp", provider="google", matrix={"one": ("gcp-containers", {})})
    tree = single.tree("one")
    assert "routes" not in tree["modules/load-balancer/main.tf"]
    assert "ignore_changes = [path_matcher]" in tree["modules/load-balancer/main.tf"]
    assert 'output "services"' not in tree["outputs.tf"]
    assert "modules/cloud-run-worker/main.tf" not in tree
    assert "service_names" not in tree["app.tf"]


# --- names: deterministic, within Cloud Run's and IAM's limits, the same in bootstrap ------------


def sa_id(name: str) -> str:
    import hashlib

    service = name if len(name) <= 49 else f"{name[:44]}-{hashlib.md5(name.encode()).hexdigest()[:4]}"
    prefix = service if len(service) <= 25 else f"{service[:20]}-{hashlib.md5(service.encode()).hexdigest()[:4]}"
    return f"{prefix}-run"


def test_long_service_names_are_hashed_the_same_way_in_the_stack_and_bootstrap() -> None:
    app = tf("services-root-long-gitlab", "app.tf")
    bootstrap = tf("services-root-long-gitlab", "bootstrap/runtime.tf")
    rule = 'length("${local.name}-${key}") <= 49 ? "${local.name}-${key}" : "${substr("${local.name}-${key}", 0, 44)}-${substr(md5("${local.name}-${key}"), 0, 4)}"'
    assert rule in app
    boot = rule.replace("${local.name}", "${var.project_name}-${name}").replace("${key}", "${pair[0]}")
    assert boot in bootstrap
    assert "length(runtime.service) <= 25 ? runtime.service : \"${substr(runtime.service, 0, 20)}-${substr(md5(runtime.service), 0, 4)}\"" in bootstrap
    assert 'sa_prefix = length(var.name) <= 25 ? var.name : "${substr(var.name, 0, 20)}-${substr(md5(var.name), 0, 4)}"' in tf(
        "services-root-long-gitlab", "modules/cloud-run-worker/main.tf")
    full = f"acme-storefront-payments-development-eu-{LONG}"
    assert len(full) > 49 and len(sa_id(full)) <= 30  # the rule fits the 30-character account IDs


def test_every_other_cloud_run_service_gets_its_own_runtime_account() -> None:
    bootstrap = tf("services", "bootstrap/runtime.tf")
    # Not web (no runtime); the job runs as -run and is started by -sch.
    assert 'for pair in [["worker", "run"], ["nightly", "run"], ["nightly", "sch"]] : "${name}/${pair[0]}/${pair[1]}"' in bootstrap
    assert "for_each = merge(local.runtime, local.service_accounts)" in bootstrap
    assert "merge(local.runtime, local.service_accounts) : key => runtime if local.ci_enabled" in bootstrap
    two = tf("services-root-long-gitlab", "bootstrap/runtime.tf")
    assert f'for pair in [["{LONG}", "run"], ["api", "run"]]' in two


def test_every_service_reads_its_own_secret_only() -> None:
    calls = module_calls("services")
    assert calls["app"]["secret_ids"] == {"app": "${module.secrets.app_secret_id}"}
    for label in ("svc_worker", "svc_nightly"):
        own = f"${{module.{label}_secrets.app_secret_id}}"
        assert calls[label]["secret_ids"] == {"app": own}
        assert calls[label]["secrets"] == {"APP_SECRETS": own}
        assert calls[f"{label}_secrets"]["name"] == f'${{local.service_names["{label[4:]}"]}}'
    from tests.builders import render_answers

    rotate = render_answers(example_answers("gcp-services"))["docs/runbooks/rotate-secrets.md"]
    assert "| `worker` | `shop-<env>-worker-app` |" in rotate


def test_deploy_identity_manages_the_front_end_buckets_only_when_there_is_one() -> None:
    ci = tf("services", "bootstrap/ci.tf")
    assert '"roles/storage.admin"' in ci and '"roles/storage.bucketViewer"' in ci
    root = Cloud("gcp", provider="google", matrix={"x": ("gcp-services", {"services": [API, WORKER]})})
    assert '"roles/storage.admin"' not in root.tree("x")["bootstrap/ci.tf"]


# --- alarms, dashboard, error log ---------------------------------------------------------------


def test_every_service_has_its_alerts_widgets_and_error_log(hcl2_warm: None) -> None:
    main = tf("services", "main.tf")
    assert "[for log in [module.svc_worker.error_log, module.app.error_log] : \"(${log.filter})\"]" in main
    for line in ('merge(widget, { title = format("%s: %s", "api", widget.title) })',
                 "module.svc_worker.dashboard_widgets,",
                 'merge(widget, { title = format("%s: %s", "web", widget.title) })'):  # fmt: skip
        assert line in main
    worker = resources("services", "modules/cloud-run-worker/main.tf")
    assert {("google_monitoring_alert_policy", "down"), ("google_monitoring_alert_policy", "memory")} <= set(worker)
    absent = worker[("google_monitoring_alert_policy", "down")]["conditions"][0]["condition_absent"][0]
    assert absent["duration"] == "600s"


# --- outputs and the CI partials that read them -------------------------------------------------


def test_services_output_names_what_the_pipeline_deploys(hcl2_warm: None) -> None:
    found = labelled(GCP.docs("services")["outputs.tf"]["output"], 1)
    outputs = {unquote(n): plain(b) for (n,), b in found}
    services = outputs["services"]["value"]
    assert services["api"] == {"kind": "http", "cloud_run_service": "${module.app.service_name}",
                               "image": "app", "path": "/api", "health_path": "/healthz"}  # fmt: skip
    assert services["worker"]["health_path"] == "/health" and services["worker"]["image"] == "worker"
    assert services["web"] == {"kind": "static", "site_bucket": "${module.svc_web.bucket_name}"}
    assert {"cloud_run_service_name", "container_repository_url", "url_map_name"} <= set(outputs)


def partial_context(answers: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, copy.deepcopy(dict(answers)), []))
    assert not problems
    return env, build_context(pack, env, resolved)


def render_partial(name: str, svc: str | None) -> str:
    env, context = partial_context(example_answers("gcp-services"))
    if svc is not None:
        context["svc"] = next(s for s in context["all_services"] if s["name"] == svc)
    return str(env.get_template(f"partials/ci/gcp/{name}.sh.j2").render(context))


def test_deploy_partial_of_the_primary_http_service_checks_its_path_and_health() -> None:
    text = render_partial("deploy-containers", "api")
    assert "service=$(terraform output -raw cloud_run_service_name)" in text
    assert 'smoke_test "$app_url" /api/healthz' in text
    assert "repository=$(terraform output -raw container_repository_url)/app" in text
    assert "--no-traffic" in text
    assert render_partial("deploy-containers", None) == text  # unbound: the primary


def test_smoke_test_asks_a_health_path_under_the_prefix_as_it_is() -> None:
    """The load balancer passes paths unchanged: /api/healthz is asked as it is, not /api/api/..."""
    env, context = partial_context({**example_answers("gcp-services"),
                                    "services": [{**API, "health_path": "/api/healthz"}, WORKER]})  # fmt: skip
    context["svc"] = context["service"]
    text = str(env.get_template("partials/ci/gcp/deploy-containers.sh.j2").render(context))
    assert 'smoke_test "$app_url" /api/healthz' in text and "/api/api" not in text


def test_deploy_partial_of_a_worker_rolls_its_revision_without_a_smoke_test() -> None:
    text = render_partial("deploy-containers", "worker")
    assert "jq -r --arg name worker '.[$name].cloud_run_service'" in text
    assert "repository=$(terraform output -raw container_repository_url)/worker" in text
    assert "--no-traffic" not in text and 'smoke_test "$app_url"' not in text
    assert "watch_alarms" in text and 'route "$blue=100"' in text
    rollback = render_partial("rollback-containers", "worker")
    assert "jq -r --arg name worker '.[$name].cloud_run_service'" in rollback


def test_static_partials_switch_the_default_route_release_of_the_url_map() -> None:
    for name in ("deploy-static-site", "rollback-static-site"):
        text = render_partial(name, "web")
        assert "jq -r --arg name web '.[$name].site_bucket'" in text
        assert "pathMatchers[0].defaultRouteAction.urlRewrite.pathPrefixRewrite" in text
        assert "routeRules" not in text


# --- docs -----------------------------------------------------------------------------------


def test_layout_doc_and_runbooks_have_a_section_per_service() -> None:
    from tests.builders import render_answers

    tree = render_answers(example_answers("gcp-services"))
    layout = tree["docs/gcp-layout.md"]
    for row in ("| `api` | http | node 24 | module.app | `<project>-<env>` | `/api` | 3000 | `/healthz` |",
                "| `worker` | worker | java 21 | module.svc\\_worker | `<project>-<env>-worker` | no ingress | 8081 | `/health` |",
                "| `web` | static | node 24 | module.svc\\_web |"):  # fmt: skip
        assert row in layout
    rollback = tree["docs/runbooks/rollback.md"]
    assert "### Roll back worker `worker`" in rollback
    assert "### Roll back the static front end `web`" in rollback
    assert "--arg name worker" in tree["docs/runbooks/incident-response.md"]
    deploy = tree["docs/runbooks/deploy.md"]
    for heading in ("### Deploy worker `worker`", "### Deploy static `web`", "### Deploy job `nightly`"):
        assert heading in deploy
    assert "(`/health` on port 8081)" in deploy
    assert 'gcloud run jobs execute "${JOB}" --region "${REGION}" --wait' in deploy
    # The primary is at /api: the curl checks ask the load balancer for /api/healthz.
    assert "\"$(terraform output -raw app_url)\"/api/healthz" in deploy
    assert "\"$(terraform output -raw app_url)\"/healthz" not in deploy


# --- refused at answer time -----------------------------------------------------------------


def problems_of(answers: Mapping[str, Any]) -> list[str]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, copy.deepcopy(dict(answers)), [])
    resolved, problems = resolve_answers(pack, env, layered)
    return [str(p) for p in problems + check_answers(pack, env, resolved)]


@pytest.mark.parametrize(
    ("services", "compute", "message"),
    [
        ([API, WEB], "kubernetes", "static services are not built on gcp with compute kubernetes"),
        ([API, WEB, {**WEB, "name": "admin"}], "containers", "gcp serves one static front end"),
        ([{**API, "path": "/"}, WEB], "containers", "give the http service at / a path prefix"),
    ],
)  # fmt: skip
def test_what_gcp_does_not_build_is_refused(services: list[Any], compute: str, message: str) -> None:
    answers = {**example_answers("gcp-services"), "compute": compute, "services": services}
    found = problems_of(answers)
    assert any(message in p for p in found), found
    assert not problems_of(example_answers("gcp-services"))


def test_the_example_describes_the_done_when_services() -> None:
    services = {s["name"]: s for s in example_answers("gcp-services")["services"]}
    assert services["api"] == API and services["worker"] == WORKER and services["web"]["kind"] == "static"
    assert services["nightly"] == NIGHTLY
    assert re.search(r"version: \"24\"", Path("examples/answers/gcp-services.yml").read_text())


# --- jobs: a Cloud Run job Cloud Scheduler starts with the invoker role on that job only --------


def test_job_runs_on_its_schedule_in_utc_as_its_own_accounts(hcl2_warm: None) -> None:
    """"Execute jobs on a schedule" (cloud.google.com/run/docs/execute/jobs-on-schedule): the
    account Cloud Scheduler calls with needs Cloud Run Invoker (roles/run.invoker) on the job,
    and the Cloud Scheduler API enabled; its HTTP target is the Run API's jobs/<name>:run."""
    call = module_calls("services")["svc_nightly"]
    assert call["source"] == "./modules/cloud-run-job"
    assert call["schedule"] == "15 2 * * *"
    found = resources("services", "modules/cloud-run-job/main.tf")
    scheduler = found[("google_cloud_scheduler_job", "this")]
    assert scheduler["time_zone"] == "Etc/UTC" and scheduler["schedule"] == "${var.schedule}"
    target = scheduler["http_target"][0]
    assert target["http_method"] == "POST"
    assert target["uri"].startswith("https://run.googleapis.com/v2/projects/")
    assert target["uri"].endswith("/jobs/${google_cloud_run_v2_job.this.name}:run")
    token = target["oauth_token"][0]
    assert token["service_account_email"] == "${data.google_service_account.scheduler.email}"
    invoker = found[("google_cloud_run_v2_job_iam_member", "scheduler")]
    assert invoker["role"] == "roles/run.invoker"
    assert invoker["name"] == "${google_cloud_run_v2_job.this.name}"  # this job, not the project
    assert not [k for k in found if k[0].startswith("google_project_iam")]
    text = tf("services", "modules/cloud-run-job/main.tf")
    assert 'account_id = "${local.sa_prefix}-sch"' in text and 'account_id = "${local.sa_prefix}-run"' in text
    assert "template[0].template[0].containers[0].image" in text  # the pipeline owns the image
    runtime = tf("services", "bootstrap/runtime.tf")
    assert '["storage.googleapis.com", "cloudscheduler.googleapis.com"]' in runtime
    ci = tf("services", "bootstrap/ci.tf")
    assert '"roles/cloudscheduler.admin"' in ci and '"roles/cloudscheduler.viewer"' in ci


def test_job_alerts_on_a_failed_execution_and_has_its_widget(hcl2_warm: None) -> None:
    found = resources("services", "modules/cloud-run-job/main.tf")
    policy = found[("google_monitoring_alert_policy", "failed")]
    condition = policy["conditions"][0]["condition_threshold"][0]
    assert 'metric.type=\\"run.googleapis.com/job/completed_execution_count\\"' in condition["filter"]
    assert 'metric.labels.result=\\"failed\\"' in condition["filter"]
    assert "module.svc_nightly.dashboard_widgets," in tf("services", "main.tf")


def test_job_partials_set_the_image_and_roll_back_to_the_one_before() -> None:
    deploy = render_partial("deploy-containers", "nightly")
    assert "jq -r --arg name nightly '.[$name].cloud_run_job'" in deploy
    assert 'gcloud run jobs update "$job" --region "$region" --image "$image" --quiet' in deploy
    assert "repository=$(terraform output -raw container_repository_url)/nightly" in deploy
    job_step = deploy[deploy.index("# Cloud Run job nightly") :]
    assert "smoke_test" not in job_step and "update-traffic" not in job_step
    rollback = render_partial("rollback-containers", "nightly")
    assert "gcloud artifacts docker images list \"$repository\" --sort-by '~CREATE_TIME'" in rollback
    assert '--image "$repository@$previous"' in rollback
    outputs = tf("services", "outputs.tf")
    assert 'cloud_run_job = module.svc_nightly.job_name' in outputs
    assert 'schedule      = "15 2 * * *"' in outputs


def test_cost_counts_the_workers_and_other_http_services_minimum_instances() -> None:
    from tests.builders import render_answers

    cost = render_answers(example_answers("gcp-services"))["docs/cost.md"]
    # dev (small): the worker keeps 1 instance of 1 vCPU although run_min_instances is 0.
    assert "| Cloud Run vCPU (other services' minimum instances) | 1 vCPU |" in cost
    single = render_answers(example_answers("gcp-containers"))["docs/cost.md"]
    assert "other services" not in single
