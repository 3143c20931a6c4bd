"""Resource needs per service (issue 25) on GCP compute containers (Cloud Run).

Facts pinned from Cloud Run's "Configure memory limits" (cloud.google.com/run/docs/configuring/
services/memory-limits and .../jobs/memory-limits): a CPU value requires memory 1 vCPU 512 MiB-4 GiB,
2 vCPU 512 MiB-8 GiB, 4 vCPU 2-16 GiB, 6 vCPU 4-24 GiB, 8 vCPU 4-32 GiB; 32 GiB is the most; the
second generation execution environment's minimum is 512 MiB. From "Configure CPU limits" (jobs):
a job needs at least 1 CPU, whole CPUs up to 8. From hashicorp/terraform-provider-google#13361
(steren, Cloud Run): with a CPU limit below 1 the API accepts only container concurrency 1, so
the answers offer whole CPUs only (the http module serves concurrent requests).

And on Azure compute containers (Container Apps): every app and job runs on the Consumption
workload profile; "Workload profiles in Azure Container Apps" (learn.microsoft.com/azure/
container-apps/workload-profiles-overview) gives it 0.25-4 vCPU and 0.5-8 GiB per replica, and the
API refuses any CPU/memory total that is not one of its pairs ([cpu: 0.25, memory: 0.5Gi];
[cpu: 0.5, memory: 1.0Gi]; ... in 0.25 vCPU steps with twice the vCPU in Gi).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.cost.estimate import estimate_cost
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from infrascaffold.templating.sizing import service_resources
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl

GCP = "gcp-services"
ESTIMATE = [
    {"service": "api", "environment": "", "rps": 300, "payload_kb": 16},
    {"service": "api", "environment": "prod", "rps": 5000, "payload_kb": 128},
]


def with_service(example: str, index: int, **fields: str) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(example))
    answers["services"][index].update(fields)
    return answers


def sized_answers() -> dict[str, Any]:
    answers = with_service(GCP, 0, cpu="2", memory="4Gi", max_instances="20")
    return {**answers, "estimate": copy.deepcopy(ESTIMATE)}


@cache
def sized_tree() -> dict[str, str]:
    return dict(render_answers(sized_answers()))


def service_sizes(env_name: str) -> dict[str, dict[str, Any]]:
    sizes = parse_hcl(sized_tree()[f"environments/{env_name}.tfvars"])["service_sizes"]
    return {
        name.strip('"'): {key: v.strip('"') if isinstance(v, str) else v for key, v in size.items()}
        for name, size in sizes.items()
    }


def problems_of(answers: dict[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


def module_body(app: str, label: str) -> str:
    return app.split(f'module "{label}" {{', 1)[1].split("\n}\n", 1)[0]


# --- the tfvars and the modules ------------------------------------------------------------------


def test_the_service_s_own_values_replace_the_cloud_run_preset() -> None:
    assert service_sizes("dev")["api"]["cpu"] == "2"
    assert service_sizes("staging")["api"]["memory"] == "4Gi"
    assert service_sizes("prod")["api"]["max_instances"] == 20


def test_a_service_without_its_own_values_keeps_its_environment_s_preset() -> None:
    # medium: "1" / 1Gi, 1-10 instances (data/sizes.yaml)
    assert service_sizes("staging")["nightly"] == {
        "cpu": "1", "memory": "1Gi", "min_instances": 1, "max_instances": 10
    }  # fmt: skip


def test_a_worker_and_a_protected_http_service_keep_one_instance_as_the_stack_does() -> None:
    # small preset: 0 instances; a worker always runs one (cloud-run-worker refuses 0); an http
    # service in a protected environment keeps one warm (app.tf's max(..., 1))
    answers = copy.deepcopy(example_answers(GCP))
    answers["services"][1].update(cpu="1", memory="1Gi")
    tree = render_answers(answers)
    dev = parse_hcl(tree["environments/dev.tfvars"])["service_sizes"]
    assert dict(dev['"worker"'])["min_instances"] == 1
    assert dict(dev['"api"'])["min_instances"] == 0
    sized = service_resources(
        {"name": "api", "kind": "http"},
        "prod",
        {"run_cpu": "1", "run_memory": "512Mi", "run_min_instances": 0, "run_max_instances": 4},
        None,
        {"rps_per_vcpu": {"container": 100}, "payload_reference_kb": 64},
        {
            "preset_keys": {
                "cpu": "run_cpu", "memory": "run_memory",
                "min": "run_min_instances", "max": "run_max_instances",
            },
            "protected_min_floor": 1,
        },
        True,
    )  # fmt: skip
    assert (sized["min"], sized["min_vcpus"], sized["min_memory_gib"]) == (1, 1.0, 0.5)


def test_the_estimate_sets_the_floor_and_a_need_above_the_maximum_is_flagged() -> None:
    # node 100 requests/s per vCPU x 2 vCPU = 200 at 16 KiB: 300 -> 2 instances (staging);
    # prod: 128 KiB halves it (100): 5000 -> 50 > 20
    assert service_sizes("staging")["api"]["min_instances"] == 2
    assert service_sizes("prod")["api"]["min_instances"] == 20
    prod = sized_tree()["environments/prod.tfvars"]
    assert "5000 requests/s at 128 KiB need 50 instance(s), more than max_instances 20" in prod


def test_every_cloud_run_module_reads_its_own_size() -> None:
    app = sized_tree()["app.tf"]
    api = module_body(app, "app")
    for key in ("cpu", "memory", "max_instances"):
        assert f'= var.service_sizes["api"].{key}' in api
    assert 'var.protected ? max(var.service_sizes["api"].min_instances, 1)' in api
    worker = module_body(app, "svc_worker")
    assert 'min_instances         = max(var.service_sizes["worker"].min_instances, 1)' in worker
    nightly = module_body(app, "svc_nightly")
    assert 'cpu                   = var.service_sizes["nightly"].cpu' in nightly
    assert 'memory                = var.service_sizes["nightly"].memory' in nightly
    assert "var.run_" not in app


def test_the_variable_takes_cloud_run_quantities_and_whole_cpus() -> None:
    variables = parse_hcl(sized_tree()["variables.tf"])["variable"]
    (sizes,) = [v['"service_sizes"'] for v in variables if '"service_sizes"' in v]
    text = str(sizes)
    assert "size.min_instances <= size.max_instances" in text
    assert 'contains(["1", "2", "4", "6", "8"], size.cpu)' in text
    assert '"run_cpu"' not in str(variables)


def test_every_cloud_run_module_runs_the_second_generation_the_512_mib_floor_is_for() -> None:
    tree = sized_tree()
    for module in ("cloud-run-service", "cloud-run-worker", "cloud-run-job"):
        assert 'execution_environment = "EXECUTION_ENVIRONMENT_GEN2"' in " ".join(
            tree[f"modules/{module}/main.tf"].split()
        ), module


def test_without_own_values_or_estimate_the_render_keeps_the_preset_variables() -> None:
    tree = render_answers(example_answers(GCP))
    assert "service_sizes" not in tree["environments/prod.tfvars"]
    assert 'run_cpu           = "2"' in tree["environments/prod.tfvars"]
    assert "## Resources" not in tree["docs/INFRASTRUCTURE.md"]


# --- the dossier and the cost estimate ----------------------------------------------------------


def test_the_dossier_states_each_service_s_cloud_run_numbers() -> None:
    doc = sized_tree()["docs/INFRASTRUCTURE.md"]
    assert "| prod | api | 2.0 vCPU | 4Gi | 20–20 | 5000 requests/s at 128 KiB | 50 (above" in doc
    assert "| dev | worker | 1.0 vCPU | 512Mi | 1–4 | — | — |" in doc
    assert "Cloud Run `api` 20–20 instances of 2 vCPU / 4Gi, `worker` 2–40" in doc


def test_the_cost_estimate_prices_each_service_s_minimum_instances_at_its_size() -> None:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, sized_answers(), []))
    assert not problems
    estimate = estimate_cost(env, build_context(pack, env, resolved))
    assert estimate is not None
    (prod,) = [e for e in estimate.environments if e.name == "prod"]
    lines = {item.name: item.quantity for item in prod.items}
    # api 20 x 2 vCPU + worker 2 x 2 vCPU (large); api 20 x 4 GiB + worker 2 x 2 GiB (job: usage)
    assert lines["Cloud Run vCPU (minimum instances)"] == 44
    assert lines["Cloud Run memory (minimum instances)"] == 84
    assert "Cloud Run vCPU (other services' minimum instances)" not in lines


# --- validation: Cloud Run's CPU and memory, one line naming the field --------------------------


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("1", "512Mi"), ("1", "4Gi"), ("2", "8Gi"), ("4", "2Gi"), ("4", "16Gi"), ("6", "4096Mi"),
     ("6", "24Gi"), ("8", "4Gi"), ("8", "32Gi")],
)  # fmt: skip
def test_cloud_run_s_valid_pairs_are_accepted(cpu: str, memory: str) -> None:
    assert not problems_of(with_service(GCP, 0, cpu=cpu, memory=memory))


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("1", "256Mi"), ("1", "5Gi"), ("2", "9Gi"), ("4", "1Gi"), ("6", "3Gi"), ("8", "33Gi"),
     ("2", "4G"), ("2", "0512Mi"), ("2", "2 Gi")],
)  # fmt: skip
def test_cloud_run_s_invalid_pairs_are_refused_naming_the_memory(cpu: str, memory: str) -> None:
    problems = problems_of(with_service(GCP, 0, cpu=cpu, memory=memory))
    assert [where for where, _ in problems] == ["services[0].memory"]
    assert f"is not a Cloud Run memory for cpu {cpu}" in problems[0][1]


@pytest.mark.parametrize("cpu", ["0.5", "0.25", "3", "16", "1000m"])
def test_a_fraction_or_a_cpu_cloud_run_does_not_offer_is_refused(cpu: str) -> None:
    problems = problems_of(with_service(GCP, 0, cpu=cpu, memory="1Gi"))
    assert [where for where, _ in problems] == ["services[0].cpu"]
    assert "is not a Cloud Run CPU (one of 1, 2, 4, 6, 8" in problems[0][1]


def test_cpu_and_memory_go_together_on_cloud_run() -> None:
    assert problems_of(with_service(GCP, 0, memory="1Gi")) == [
        ("services[0].memory", "set cpu and memory together (or neither): Cloud Run accepts only some pairs")
    ]  # fmt: skip
    assert problems_of(with_service(GCP, 0, cpu="2")) == [
        ("services[0].cpu", "set cpu and memory together (or neither): Cloud Run accepts only some pairs")
    ]  # fmt: skip


def test_a_job_takes_a_size_but_no_instance_bounds() -> None:
    assert not problems_of(with_service(GCP, 3, cpu="2", memory="2Gi"))
    problems = problems_of(with_service(GCP, 3, min_instances="2"))
    assert [where for where, _ in problems] == ["services[3].min_instances"]
    assert "this is a job service on gcp containers" in problems[0][1]


def test_an_estimate_is_taken_on_gcp_containers() -> None:
    assert not problems_of({**example_answers(GCP), "estimate": copy.deepcopy(ESTIMATE)})


# --- Azure: Container Apps on the Consumption profile ------------------------------------------

AZURE = "azure-services"


def azure_sized_answers() -> dict[str, Any]:
    answers = with_service(AZURE, 0, cpu="1.5", memory="3Gi", max_instances="20")
    return {**answers, "estimate": copy.deepcopy(ESTIMATE)}


@cache
def azure_tree() -> dict[str, str]:
    return dict(render_answers(azure_sized_answers()))


def azure_sizes(env_name: str) -> dict[str, dict[str, Any]]:
    sizes = parse_hcl(azure_tree()[f"environments/{env_name}.tfvars"])["service_sizes"]
    return {
        name.strip('"'): {key: v.strip('"') if isinstance(v, str) else v for key, v in size.items()}
        for name, size in sizes.items()
    }


def test_container_apps_take_each_service_s_own_size_and_the_estimate() -> None:
    # node 100 requests/s per vCPU x 1.5 = 150 at 16 KiB: 300 -> 2 replicas; prod: 128 KiB
    # halves it (75): 5000 -> 67 > 20, clamped; the worker keeps the large preset (2 / 4Gi, 3-12)
    assert azure_sizes("staging")["api"] == {
        "cpu": 1.5, "memory": "3Gi", "min_replicas": 2, "max_replicas": 20
    }  # fmt: skip
    assert azure_sizes("prod")["api"]["min_replicas"] == 20
    assert azure_sizes("prod")["worker"] == {
        "cpu": 2.0, "memory": "4Gi", "min_replicas": 3, "max_replicas": 12
    }  # fmt: skip
    prod = azure_tree()["environments/prod.tfvars"]
    assert "5000 requests/s at 128 KiB need 67 replica(s), more than max_replicas 20" in prod
    assert "container_app_concurrent_requests = 100" in prod


def test_every_container_app_and_job_reads_its_own_size() -> None:
    tree = azure_tree()
    api = module_body(tree["app.tf"], "app")
    for key in ("cpu", "memory", "min_replicas", "max_replicas"):
        assert f'= var.service_sizes["api"].{key}' in api
    services = tree["services.tf"]
    worker = module_body(services, "svc_worker")
    for key in ("cpu", "memory", "min_replicas", "max_replicas"):
        assert f'= var.service_sizes["worker"].{key}' in worker
    nightly = module_body(services, "svc_nightly")
    assert 'cpu                          = var.service_sizes["nightly"].cpu' in nightly
    assert "var.container_app_cpu" not in tree["app.tf"] + services
    variables = str(parse_hcl(tree["variables.tf"])["variable"])
    assert 'tonumber(trimsuffix(size.memory, "Gi")) == size.cpu * 2' in variables


def test_every_container_app_and_job_runs_on_the_consumption_profile() -> None:
    # a workload profiles (v2) environment: its Consumption profile has 4 vCPU / 8 GiB replicas
    # (a Consumption-only v1 environment would be another table)
    tree = azure_tree()
    environment = " ".join(tree["modules/container-app/main.tf"].split())
    assert (
        'workload_profile { name = "Consumption" workload_profile_type = "Consumption"'
        in environment
    )
    for module in ("container-app", "container-app-service", "container-app-job"):
        assert 'workload_profile_name        = "Consumption"' in tree[f"modules/{module}/main.tf"]


def test_the_azure_cost_estimate_prices_each_service_s_minimum_replicas() -> None:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    answers = azure_sized_answers()
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    assert not problems
    estimate = estimate_cost(env, build_context(pack, env, resolved))
    assert estimate is not None
    (prod,) = [e for e in estimate.environments if e.name == "prod"]
    lines = {item.name: item.quantity for item in prod.items}
    # api 20 x 1.5 vCPU + worker 3 x 2 vCPU; api 20 x 3 GiB + worker 3 x 4 GiB (job: usage)
    assert lines["Container Apps vCPU (minimum replicas)"] == 36
    assert lines["Container Apps memory (minimum replicas)"] == 72


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("0.25", "0.5Gi"), ("0.75", "1.5Gi"), ("1", "2Gi"), ("2.5", "5Gi"), ("4", "8Gi")],
)
def test_container_apps_valid_pairs_are_accepted(cpu: str, memory: str) -> None:
    assert not problems_of(with_service(AZURE, 0, cpu=cpu, memory=memory))


@pytest.mark.parametrize(("cpu", "memory"), [("1", "3Gi"), ("1", "2.0Gi"), ("0.5", "512Mi")])
def test_container_apps_memory_not_twice_the_cpu_is_refused(cpu: str, memory: str) -> None:
    problems = problems_of(with_service(AZURE, 0, cpu=cpu, memory=memory))
    assert [where for where, _ in problems] == ["services[0].memory"]
    assert f"is not the Container Apps memory for cpu {cpu}" in problems[0][1]


@pytest.mark.parametrize("cpu", ["0.3", "4.25", "8", "1e0", "500m"])
def test_a_cpu_the_consumption_profile_does_not_offer_is_refused(cpu: str) -> None:
    problems = problems_of(with_service(AZURE, 0, cpu=cpu, memory="1Gi"))
    assert [where for where, _ in problems][0] == "services[0].cpu"
    assert "is not a Container Apps vCPU (0.25 to 4 in steps of 0.25" in problems[0][1]


# --- one service: the primary alone takes its own size too ---------------------------------------


@pytest.mark.parametrize(
    ("example", "cpu", "memory", "line"),
    [
        ("gcp-containers", "2", "2Gi",
         '"app" = { cpu = "2", memory = "2Gi", min_instances = 2, max_instances = 40 }'),
        ("azure-containers", "1", "2Gi",
         '"app" = { cpu = 1.0, memory = "2Gi", min_replicas = 2, max_replicas = 12 }'),
    ],
)  # fmt: skip
def test_a_single_service_takes_its_own_size(
    example: str, cpu: str, memory: str, line: str
) -> None:
    answers = {**example_answers(example)}
    answers["services"] = [{"name": "app", "cpu": cpu, "memory": memory, "min_instances": "2"}]
    assert not problems_of(answers)
    tree = render_answers(answers)
    assert line in tree["environments/prod.tfvars"]
    assert 'var.service_sizes["app"].memory' in tree["app.tf"]
