"""Several services on Azure Container Apps (issue 25): every service's port, health path,
runtime, schedule and path reach the places that use them (its module, Front Door, the deploy
and rollback steps, bootstrap's identities), single-service renders keep their shape, and the
provider facts the render relies on are pinned.

The Done-when set is examples/answers/azure-services.yml: api (http, node, /api, port 3000,
/healthz), worker (java, port 8081, /health), web (static), nightly (job, python, 15 2 * * *).
"""

from __future__ import annotations

import copy
import functools
import re
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

import pytest

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl, unquote

Doc = dict[str, Any]

API = {"name": "api", "kind": "http", "path": "/api", "port": 3000, "health_path": "/healthz"}
WORKER = {"name": "worker", "kind": "worker", "port": 8081, "health_path": "/health"}
JOB = {"name": "nightly", "kind": "job", "schedule": "15 2 * * *"}


@functools.cache
def tree() -> Mapping[str, str]:
    return render_answers(example_answers("azure-services"))


def hcl(path: str) -> Doc:
    return parse_hcl(tree()[path])


def module_call(path: str, label: str) -> Doc:
    for block in hcl(path)["module"]:
        for key, call in block.items():
            if unquote(key) == label:
                return dict(call)
    raise AssertionError(f"no module {label} in {path}")


def module_in(text: str, label: str) -> Doc:
    for block in parse_hcl(text)["module"]:
        for key, call in block.items():
            if unquote(key) == label:
                return dict(call)
    raise AssertionError(f"no module {label}")


# --- the services' modules ---------------------------------------------------------------------


def test_the_primary_http_service_keeps_module_app_with_its_port_and_health_path() -> None:
    app = module_call("app.tf", "app")
    assert unquote(app["source"]) == "./modules/container-app"
    assert app["container_port"] == API["port"]
    assert unquote(app["health_check_path"]) == API["health_path"]


def test_the_worker_runs_without_ingress_on_its_own_port_and_probes() -> None:
    worker = module_call("services.tf", "svc_worker")
    assert unquote(worker["source"]) == "./modules/container-app-service"
    assert worker["ingress"] is False
    assert worker["container_port"] == WORKER["port"]
    assert unquote(worker["health_check_path"]) == WORKER["health_path"]
    assert unquote(worker["name"]) == '${format("%s%s", local.name, "-worker")}'
    # Always on: the module refuses fewer than one replica; without ingress there is no HTTP
    # scale rule (it counts requests a worker never gets) and no second revision to split to.
    body = tree()["modules/container-app-service/main.tf"]
    variables = tree()["modules/container-app-service/variables.tf"]
    assert "var.min_replicas >= 1" in variables
    assert (
        'for_each = var.ingress ? [1] : []\n\n      content {\n        name                = "http-concurrency"'
        in body
    )
    assert (
        'revision_mode = var.ingress && var.deployment_strategy != "rolling" ? "Multiple" : "Single"'
        in body
    )
    # Container Apps probes are the container's own: a worker without ingress is probed too.
    for probe in ("startup_probe", "readiness_probe", "liveness_probe"):
        assert re.search(
            probe
            + r" \{\n\s+transport\s+= \"HTTP\"\n\s+port\s+= var.container_port\n\s+path\s+= var.health_check_path",
            body,
        )


def test_the_job_runs_on_its_schedule_in_utc_with_its_own_identity() -> None:
    job = module_call("services.tf", "svc_nightly")
    assert unquote(job["source"]) == "./modules/container-app-job"
    assert unquote(job["schedule"]) == JOB["schedule"]
    (resource,) = [
        dict(body)
        for r in hcl("modules/container-app-job/main.tf")["resource"]
        for kind, labelled in r.items()
        if unquote(kind) == "azurerm_container_app_job"
        for body in labelled.values()
    ]
    (trigger,) = resource["schedule_trigger_config"]
    assert trigger["cron_expression"] == "${var.schedule}"
    # Container Apps evaluates job cron expressions in UTC, with no time zone setting
    # (microsoft/azure-container-apps#1109): the docs and the module say UTC.
    assert "evaluates the cron expression in UTC" in tree()["modules/container-app-job/main.tf"]
    # A job pulls from ACR with a user-assigned identity named in its registry block
    # (hashicorp/terraform-provider-azurerm#27141: no system-assigned identity there).
    (identity,) = resource["identity"]
    assert unquote(identity["type"]) == "UserAssigned"
    (registry,) = resource["registry"]
    assert registry["identity"] == "${var.identity_id}"
    # Its placeholder image exits (a web server would run into the replica timeout each night).
    assert "quickstart-jobs" in tree()["modules/container-app-job/variables.tf"]


def test_the_job_alert_counts_failed_executions() -> None:
    # Microsoft.App/jobs metric `Executions` has the dimension `state` (Azure Monitor supported
    # metrics for Microsoft.App/jobs).
    body = tree()["modules/container-app-job/main.tf"]
    assert 'metric_namespace = "Microsoft.App/jobs"' in body
    assert 'metric_name      = "Executions"' in body
    assert re.search(
        r'name     = "state"\n\s+operator = "Include"\n\s+values   = \["Failed"\]', body
    )


def test_container_app_and_job_names_keep_32_characters() -> None:
    # Container Apps and jobs: names of at most 32 characters; longer ones are cut with a hash.
    for module, local in (("container-app-service", "app_name"), ("container-app-job", "job_name")):
        body = tree()[f"modules/{module}/main.tf"]
        assert (
            f'{local} = length(var.name) <= 32 ? var.name : "${{trim(substr(var.name, 0, 27), "-")}}-${{substr(md5(var.name), 0, 4)}}"'
            in body
        )


# --- routing: Front Door, one route per routed service ----------------------------------------


def routes() -> Doc:
    call = module_call("app.tf", "frontdoor")
    found: Doc = call["routes"]
    return {unquote(k): v for k, v in found.items()}


def test_front_door_routes_the_api_by_its_path_and_the_front_end_at_the_rest() -> None:
    found = routes()
    assert set(found) == {"api", "web"}
    # Front Door: a pattern without a wildcard matches that path exactly, `/api/*` what is below
    # it; the most specific route wins, so `/*` takes only the rest (learn.microsoft.com,
    # frontdoor/front-door-route-matching).
    assert [unquote(p) for p in found["api"]["patterns"]] == ["/api", "/api/*"]
    assert unquote(found["api"]["health_probe_path"]) == API["health_path"]
    assert found["api"]["origin_host_name"] == "${module.app.fqdn}"
    assert found["api"]["caching"] is False
    assert [unquote(p) for p in found["web"]["patterns"]] == ["/*"]
    assert found["web"]["origin_host_name"] == "${module.svc_web.web_host_name}"
    assert found["web"]["caching"] is True
    # The storage origin has no fixed path to probe (releases move under the origin path): no
    # health probe, which Front Door allows for a single origin and then always sends to it; with
    # a probe at / the profile's OriginHealthPercentage alert would fire for good.
    assert "health_probe_path" not in found["web"]
    body = tree()["modules/frontdoor/main.tf"]
    assert (
        'dynamic "health_probe" {\n    for_each = each.value.health_probe_path == null ? [] : [1]'
        in body
    )


def test_the_custom_domain_association_lists_every_route() -> None:
    # azurerm_cdn_frontdoor_custom_domain_association owns the whole list of routes of the
    # domain: a route missing from it loses the domain.
    body = tree()["modules/frontdoor/main.tf"]
    assert (
        "cdn_frontdoor_route_ids        = [for route in azurerm_cdn_frontdoor_route.service : route.id]"
        in body
    )
    assert "azurerm_cdn_frontdoor_route.this" not in body
    assert body.count("for_each = var.routes") == 3


def test_a_second_http_service_gets_a_route_of_its_own() -> None:
    answers = example_answers("azure-services")
    answers["services"] = [API, {**API, "name": "admin", "path": "/admin", "port": 4000}]
    rendered = render_answers(answers)
    found = {unquote(k): v for k, v in module_in(rendered["app.tf"], "frontdoor")["routes"].items()}
    assert [unquote(p) for p in found["admin"]["patterns"]] == ["/admin", "/admin/*"]
    assert found["admin"]["origin_host_name"] == "${module.svc_admin.fqdn}"
    admin = module_in(rendered["services.tf"], "svc_admin")
    assert admin["ingress"] is True and admin["container_port"] == 4000


# --- identities: one per service, least privilege ---------------------------------------------


def test_each_image_service_has_its_own_identity_from_bootstrap() -> None:
    # bootstrap/ creates the identities (the deploy identity may grant roles to these only).
    bootstrap = tree()["bootstrap/environments.tf"]
    assert re.search(
        r'runtime_identities = \{ app = "app", "?svc-nightly"? = "svc-nightly", "?svc-worker"? = "svc-worker" \}',
        bootstrap,
    ), bootstrap
    assert "svc-web" not in bootstrap  # a static front end runs no code in Azure
    services = tree()["services.tf"]
    assert 'for_each = toset(["worker", "nightly"])' in services
    assert 'name                = "${local.name}-svc-${each.key}"' in services
    for name in ("worker", "nightly"):
        call = module_call("services.tf", f"svc_{name}")
        assert (
            call["identity_id"] == f'${{data.azurerm_user_assigned_identity.service["{name}"].id}}'
        )
    registry = module_call("app.tf", "registry")
    assert "svc-${name}" in registry["pull_principal_ids"]
    assert "data.azurerm_user_assigned_identity.service" in registry["pull_principal_ids"]


def test_other_services_read_their_own_vault_never_the_applications() -> None:
    vault = module_call("main.tf", "key_vault")
    assert set(vault["secret_reader_principal_ids"]) == {"app"}
    services = tree()["services.tf"]
    assert "module.key_vault" not in services
    # worker and nightly, each its own (test_services_azure_secrets.py)
    assert services.count("KEY_VAULT_URI                         = module.service_vault[") == 2


def test_security_doc_names_every_runtime_identity() -> None:
    doc = tree()["docs/SECURITY.md"]
    for name in ("shop-dev-app", "shop-dev-svc-worker", "shop-dev-svc-nightly"):
        assert name in doc


# --- outputs the deploy steps read ---------------------------------------------------------------


def test_the_services_output_has_every_service() -> None:
    (output,) = [
        v for o in hcl("outputs.tf")["output"] for k, v in o.items() if unquote(k) == "services"
    ]
    value = {unquote(k): v for k, v in output["value"].items()}
    assert value["api"]["container_app_name"] == "${module.app.container_app_name}"
    assert unquote(value["worker"]["repository"]) == '${format("%s%s", local.name, "-worker")}'
    assert value["nightly"]["job_name"] == "${module.svc_nightly.job_name}"
    assert value["web"]["frontdoor_route_name"] == '${module.frontdoor.route_names["web"]}'
    # The single-service outputs stay.
    outputs = tree()["outputs.tf"]
    assert 'output "container_app_name"' in outputs and 'output "app_url"' in outputs


# --- CI partials, rendered with `svc` bound as the shared workflow will ------------------------


@functools.cache
def context() -> tuple[Any, dict[str, Any]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(
        pack, env, apply_overrides(pack, copy.deepcopy(example_answers("azure-services")), [])
    )
    assert not problems
    return env, build_context(pack, env, resolved)


def partial(name: str, service: str) -> str:
    env, ctx = context()
    svc = next(s for s in ctx["all_services"] if s["name"] == service)
    text: str = env.get_template(f"partials/ci/azure/{name}.sh.j2").render({**ctx, "svc": svc})
    return text


def bash_syntax_ok(script: str) -> None:
    bash = shutil.which("bash")
    assert bash
    subprocess.run([bash, "-n", "-c", script], check=True)


def test_deploy_of_the_worker_waits_for_its_healthy_revision() -> None:
    script = partial("deploy-containers", "worker")
    bash_syntax_ok(script)
    assert "service_output worker container_app_name" in script
    assert 'repository="$(terraform output -raw name_prefix)"-worker' in script
    assert 'revision_healthy "$app--$suffix"' in script
    assert "# Service worker (worker, java)" in script
    assert "port 8081" in script and "/health" in script
    assert 'smoke_test "$app_url"' not in script
    assert "ingress traffic set" not in script  # one revision, no traffic to split


def test_deploy_of_the_api_checks_its_health_path_on_its_own_host() -> None:
    script = partial("deploy-containers", "api")
    bash_syntax_ok(script)
    assert 'smoke_test "$app_url" /healthz' in script
    assert "properties.configuration.ingress.fqdn" in script
    assert (
        "repository=$(terraform output -raw name_prefix)\n" in script
    )  # the primary's image keeps its name


def test_deploy_of_the_job_points_it_at_the_image() -> None:
    script = partial("deploy-containers", "nightly")
    bash_syntax_ok(script)
    assert "service_output nightly job_name" in script
    assert (
        'az containerapp job update --name "$job" --resource-group "$resource_group" --image "$image"'
        in script
    )
    assert "15 2 * * *" in script
    assert 'smoke_test "$' not in script


def test_rollback_of_each_kind() -> None:
    job = partial("rollback-containers", "nightly")
    bash_syntax_ok(job)
    assert "az containerapp job execution list" in job
    worker = partial("rollback-containers", "worker")
    bash_syntax_ok(worker)
    assert "service_output worker revision_mode" in worker


def test_static_front_end_deploy_reads_its_own_account_and_route() -> None:
    for name in ("deploy-static-site", "rollback-static-site"):
        script = partial(name, "web")
        bash_syntax_ok(script)
        assert ".[$service].storage_account_name" in script
        assert ".[$service].frontdoor_route_name" in script


def test_partials_still_work_when_nothing_binds_svc() -> None:
    env, ctx = context()
    for name in ("deploy-containers", "rollback-containers"):
        text = env.get_template(f"partials/ci/azure/{name}.sh.j2").render(ctx)
        bash_syntax_ok(text)
        assert "# Service api (http" in text


# --- single-service renders keep their shape ----------------------------------------------------


@pytest.mark.parametrize("example", ["azure-containers", "azure-kubernetes-canary"])
def test_single_service_renders_have_none_of_it(example: str) -> None:
    rendered = render_answers(example_answers(example))
    assert "services.tf" not in rendered
    assert not any(
        p.startswith(("modules/container-app-service/", "modules/container-app-job/"))
        for p in rendered
    )
    assert 'output "services"' not in rendered["outputs.tf"]
    if "modules/frontdoor/main.tf" in rendered:
        assert "azurerm_cdn_frontdoor_route.service" not in rendered["modules/frontdoor/main.tf"]


# --- answer-time refusals on azure ---------------------------------------------------------------


def problems_of(services: list[dict[str, Any]], **overrides: Any) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = {
        **example_answers("azure-services"),
        **overrides,
        "services": copy.deepcopy(services),
    }
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


WEB = {"name": "web", "kind": "static"}


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([API, WEB, {**WEB, "name": "docs"}], "azure serves one static front end (on Front Door)"),
        ([{**API, "path": "/"}, WEB], "give the\nhttp service at / a path prefix"),
    ],
)
def test_refused_on_azure(services: list[dict[str, Any]], message: str) -> None:
    problems = problems_of(services)
    assert any(
        field == "services" and " ".join(message.split()) in " ".join(text.split())
        for field, text in problems
    ), problems


def test_the_done_when_set_is_accepted() -> None:
    assert problems_of([API, WORKER, WEB, JOB]) == []


# --- the static front end on AKS: the same static-site Terraform, on a Front Door host of its own


@functools.cache
def aks_tree() -> Mapping[str, str]:
    answers = {**example_answers("azure-kubernetes-canary"), "services": [API, WORKER, WEB]}
    return render_answers(answers)


def test_on_aks_the_static_front_end_has_its_own_front_door_host() -> None:
    rendered = aks_tree()
    site = module_in(rendered["static-front-end.tf"], "svc_web")
    assert unquote(site["source"]) == "./modules/static-site"
    frontdoor = module_in(rendered["static-front-end.tf"], "frontdoor")
    assert frontdoor["origin_host_name"] == "${module.svc_web.web_host_name}"
    assert frontdoor["caching"] is True
    # Its own host web.<domain>: the cluster's ingress keeps the domain's own host.
    assert frontdoor["domain_name"] == '${format("%s.%s", "web", var.domain_name)}'
    # Single-route Front Door (the module's default route /*), no per-service routes.
    assert "azurerm_cdn_frontdoor_route.service" not in rendered["modules/frontdoor/main.tf"]
    (output,) = [
        v
        for o in parse_hcl(rendered["outputs.tf"])["output"]
        for k, v in o.items()
        if unquote(k) == "services"
    ]
    value = {unquote(k): v for k, v in output["value"].items()}
    assert set(value) == {"web"}
    assert value["web"]["frontdoor_route_name"] == "${module.frontdoor.route_name}"
    assert 'output "frontdoor_profile_name"' in rendered["outputs.tf"]


def test_on_aks_the_static_deploy_checks_its_own_url() -> None:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = {**example_answers("azure-kubernetes-canary"), "services": [API, WORKER, WEB]}
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    assert not problems
    ctx = build_context(pack, env, resolved)
    svc = next(s for s in ctx["all_services"] if s["name"] == "web")
    script = env.get_template("partials/ci/azure/deploy-static-site.sh.j2").render(
        {**ctx, "svc": svc}
    )
    bash_syntax_ok(script)
    assert "jq -r --arg service web '.[$service].url'" in script
    assert "terraform output -raw app_url" not in script  # null on AKS (the ingress publishes it)


# --- runbooks and docs name every service --------------------------------------------------------


def test_runbooks_have_a_section_per_service() -> None:
    rollback = tree()["docs/runbooks/rollback.md"]
    for name, kind in (("worker", "worker"), ("web", "static"), ("nightly", "job")):
        assert f"### Roll back {name} ({kind})" in rollback
    assert "--arg service nightly '.[$service].job_name'" in rollback
    assert "probes on port 8081, /health" in rollback
    deploy = tree()["docs/runbooks/deploy.md"]
    for name, kind in (("worker", "worker"), ("web", "static"), ("nightly", "job")):
        assert f"### Deploy {name} ({kind})" in deploy
    assert 'docker build --tag "${IMAGE}" services/worker' in deploy
    # The primary's health check goes to its own host: at the Front Door host, /healthz would
    # be the static front end's (route /*).
    assert '--query properties.configuration.ingress.fqdn --output tsv)"/healthz' in deploy
    layout = tree()["docs/azure-layout.md"]
    assert "| api | http, node | module.app | Front Door route `/api`, `/api/*`" in layout
    assert "| worker | worker, java | module.svc\\_worker | no ingress" in layout
    assert "runs at 15 2 \\* \\* \\* (cron, UTC" in layout
    infra = tree()["docs/INFRASTRUCTURE.md"]
    assert (
        "| nightly | job 15 2 \\* \\* \\* UTC | Container Apps job | a failed execution |" in infra
    )


def test_the_cost_estimate_counts_every_always_on_service() -> None:
    # api and worker run their minimum replicas all the time (dev: 1 x 0.5 vCPU, 1Gi each); the
    # job bills per execution and the static front end runs no container.
    cost = tree()["docs/cost.md"]
    assert "| Container Apps vCPU (minimum replicas) | 1 vCPU |" in cost
    assert "| Container Apps memory (minimum replicas) | 2 GiB |" in cost
