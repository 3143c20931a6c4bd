"""Resource needs per service (issue 25): own cpu/memory/instances over the size preset, and the
estimate's instance floor, on ECS Fargate.

Facts pinned from AWS's "Troubleshoot Amazon ECS task definition invalid CPU or memory errors"
(docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html): Fargate registers
only the CPU/memory pairs of its table (256: 512, 1024, 2048 MiB; 512: 1-4 GiB; 1024: 2-8 GiB;
2048: 4-16 GiB; 4096: 8-30 GiB, in 1 GiB steps; 8192: 16-60 GiB in 4 GiB steps; 16384:
32-120 GiB in 8 GiB steps); any other pair fails at apply with "No Fargate configuration exists
for given values", so the answers refuse it.
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
from tests.builders import example_answers, render_answers
from tests.terraform_checks import parse_hcl

EXAMPLE = "aws-services"
ESTIMATE = [
    {"service": "api", "environment": "", "rps": 300, "payload_kb": 16},
    {"service": "api", "environment": "prod", "rps": 2000, "payload_kb": 128},
]


def sized_answers() -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(EXAMPLE))
    api = answers["services"][0]
    api.update(cpu="512", memory="2048", max_instances="8")
    return {**answers, "estimate": copy.deepcopy(ESTIMATE)}


@cache
def sized_tree() -> dict[str, str]:
    return dict(render_answers(sized_answers()))


def service_sizes(env_name: str) -> dict[str, dict[str, Any]]:
    sizes = parse_hcl(sized_tree()[f"environments/{env_name}.tfvars"])["service_sizes"]
    return {name.strip('"'): dict(size) for name, size in sizes.items()}


def problems_of(answers: dict[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


def with_api(**fields: str) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(EXAMPLE))
    answers["services"][0].update(fields)
    return answers


# --- the tfvars: one size per service and environment ------------------------------------------


def test_the_service_s_own_values_replace_the_preset_in_every_environment() -> None:
    assert service_sizes("staging")["api"]["cpu"] == 512
    assert service_sizes("prod")["api"]["memory"] == 2048
    assert service_sizes("prod")["api"]["max_count"] == 8


def test_a_service_without_its_own_values_keeps_its_environment_s_preset() -> None:
    # medium: 512 units / 1024 MiB, 2-6 tasks; large: 1024 / 2048, 3-12 (data/sizes.yaml)
    assert service_sizes("staging")["worker"] == {
        "cpu": 512, "memory": 1024, "min_count": 2, "max_count": 6
    }  # fmt: skip
    assert service_sizes("prod")["worker"] == {
        "cpu": 1024, "memory": 2048, "min_count": 3, "max_count": 12
    }  # fmt: skip


def test_the_estimate_sets_the_floor_by_the_dossier_s_rule() -> None:
    # node: 100 requests/s per vCPU; 512 units = 0.5 vCPU; 16 KiB <= 64 KiB: 50 requests/s a
    # task; 300 requests/s -> 6 tasks in staging (no record of its own there)
    assert service_sizes("staging")["api"]["min_count"] == 6


def test_a_need_above_the_maximum_is_clamped_and_flagged() -> None:
    # prod: 128 KiB halves a task's capacity (25 requests/s): 2000 requests/s need 80 > 8
    assert service_sizes("prod")["api"]["min_count"] == 8
    tfvars = sized_tree()["environments/prod.tfvars"]
    assert "; 2000 requests/s at 128 KiB need 80 task(s), more than max_count 8: raise" in tfvars


def test_every_ecs_module_reads_its_own_size() -> None:
    app = sized_tree()["app.tf"]
    for label, name in (("app", "api"), ("svc_worker", "worker")):
        body = app.split(f'module "{label}" {{', 1)[1].split("\n}\n", 1)[0]
        for key in ("cpu", "memory", "min_count", "max_count"):
            assert f'= var.service_sizes["{name}"].{key}' in body, (label, key)
    nightly = app.split('module "svc_nightly" {', 1)[1].split("\n}\n", 1)[0]
    assert 'cpu                         = var.service_sizes["nightly"].cpu' in nightly
    assert "var.ecs_task_cpu" not in app


def test_the_variable_refuses_a_floor_above_the_ceiling() -> None:
    variables = parse_hcl(sized_tree()["variables.tf"])["variable"]
    (sizes,) = [v['"service_sizes"'] for v in variables if '"service_sizes"' in v]
    assert "size.min_count <= size.max_count" in str(sizes)
    assert '"ecs_task_cpu"' not in str(variables)


def test_without_own_values_or_estimate_the_render_keeps_the_preset_variables() -> None:
    tree = render_answers(example_answers(EXAMPLE))
    assert "service_sizes" not in tree["environments/prod.tfvars"]
    assert "ecs_task_cpu    = 1024" in tree["environments/prod.tfvars"]
    assert "## Resources" not in tree["docs/INFRASTRUCTURE.md"]


# --- the dossier and the cost estimate -------------------------------------------------------


def test_the_dossier_states_the_rule_and_each_service_s_numbers() -> None:
    doc = sized_tree()["docs/INFRASTRUCTURE.md"]
    assert "instances needed = ceil(requests per second / capacity of one instance)" in doc
    assert "node 100" in doc and "min(1, 64 KiB / payload)" in doc
    assert (
        "| prod | api | 0.5 vCPU | 2048 MiB | 8–8 | 2000 requests/s at 128 KiB | 80 (above" in doc
    )
    assert "| staging | nightly | 0.5 vCPU | 1024 MiB | runs on its schedule | — | — |" in doc
    assert "Fargate `api` 8–8 tasks × 0.5 vCPU / 2048 MiB" in doc


def test_the_cost_estimate_prices_each_service_s_minimum_tasks_at_its_size() -> None:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, sized_answers(), []))
    assert not problems
    estimate = estimate_cost(env, build_context(pack, env, resolved))
    assert estimate is not None
    (prod,) = [e for e in estimate.environments if e.name == "prod"]
    lines = {item.name: item.quantity for item in prod.items}
    # api 8 x 0.5 vCPU + worker 3 x 1 vCPU; api 8 x 2 GiB + worker 3 x 2 GiB (the job: usage)
    assert lines["Fargate vCPU (minimum tasks)"] == 7
    assert lines["Fargate memory (minimum tasks)"] == 22


# --- validation: one line naming the field ---------------------------------------------------


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "512"), ("256", "2048"), ("512", "4096"), ("4096", "30720"), ("8192", "20480"),
     ("16384", "122880")],
)  # fmt: skip
def test_fargate_s_valid_pairs_are_accepted(cpu: str, memory: str) -> None:
    assert not problems_of(with_api(cpu=cpu, memory=memory))


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "1536"), ("512", "512"), ("1024", "9216"), ("4096", "31744"), ("8192", "18432")],
)  # fmt: skip
def test_fargate_s_invalid_pairs_are_refused_naming_the_memory(cpu: str, memory: str) -> None:
    problems = problems_of(with_api(cpu=cpu, memory=memory))
    assert [where for where, _ in problems] == ["services[0].memory"]
    assert f"is not a Fargate memory for cpu {cpu}" in problems[0][1]


def test_a_cpu_fargate_does_not_have_is_refused() -> None:
    problems = problems_of(with_api(cpu="300", memory="1024"))
    assert problems[0][0] == "services[0].cpu"
    assert "not a Fargate task CPU" in problems[0][1]


def test_cpu_and_memory_go_together() -> None:
    problems = problems_of(with_api(cpu="512"))
    assert problems == [("services[0].cpu", "set cpu and memory together (or neither): "
                         "Fargate accepts only some pairs")]  # fmt: skip


def test_a_floor_above_the_ceiling_is_refused() -> None:
    problems = problems_of(with_api(min_instances="9", max_instances="8"))
    assert problems == [("services[0].max_instances", "max_instances 8 is below min_instances 9")]


def test_kubernetes_takes_its_own_quantities_not_the_cloud_runs() -> None:
    answers = {**example_answers("gcp-kubernetes-canary")}
    answers["services"] = [{"name": "app", "cpu": "1", "memory": "512"}]
    assert problems_of(answers) == []
    answers["services"] = [{"name": "app", "cpu": "1", "memory": "512Mi"}]
    problems = problems_of(answers)
    assert [where for where, _ in problems] == ["services[0].memory"]
    assert "is not a memory request in MiB" in problems[0][1]


def test_own_sizes_and_estimates_are_refused_on_serverless_not_dropped() -> None:
    answers = {**example_answers("aws-serverless-bluegreen")}
    answers["services"] = [{"name": "app", "min_instances": "2"}]
    estimate = [{"service": "app", "environment": "", "rps": 5, "payload_kb": 16}]
    problems = problems_of({**answers, "estimate": estimate})
    assert [where for where, _ in problems] == ["services[0].min_instances", "estimate"]
    assert "this is a http service on aws serverless" in problems[0][1]


def test_a_static_front_end_takes_no_size() -> None:
    answers = copy.deepcopy(example_answers(EXAMPLE))
    answers["services"][2].update(cpu="512", memory="1024")
    problems = problems_of(answers)
    assert [where for where, _ in problems] == ["services[2].cpu", "services[2].memory"]
    assert "this is a static service" in problems[0][1]


def test_an_estimate_of_a_worker_or_an_unknown_environment_is_refused() -> None:
    answers = example_answers(EXAMPLE)
    bad = [{"service": "worker", "environment": "", "rps": 5, "payload_kb": 16},
           {"service": "api", "environment": "qa", "rps": 5, "payload_kb": 16}]  # fmt: skip
    problems = problems_of({**answers, "estimate": bad})
    assert [where for where, _ in problems] == ["estimate[0].service", "estimate[1].environment"]
    assert problems[0][1] == "worker is not an http service (the estimate sizes those: api)"
