"""Resource needs per service on Kubernetes (issue 25): a service's own cpu, memory and HPA
bounds over its environment's preset, the estimate's pod floor, and the answer-time check that a
request fits one node of the cluster's application pool.

Facts pinned: GKE's "Plan GKE node sizes" (memory and CPU reservations): allocatable = capacity
- reserved - the 100 MiB eviction threshold, with memory 25% of the first 4 GiB, 20% of the next
4, 10% of the next 8, 6% of the next 112, 2% above; CPU 6% of the first core, 1% of the next,
0.5% of the next 2, 0.25% above 4 (data/k8s-resources.yaml). A pod is scheduled on one node
only, so a request above a node's allocatable stays Pending: the answers refuse it.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import yaml

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, resolve_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.templating.environment import make_environment
from tests.builders import example_answers, render_answers

EXAMPLE = "gcp-kubernetes-services"  # staging medium (e2-standard-4), prod large (n2-standard-4)
ESTIMATE = [
    {"service": "api", "environment": "", "rps": 50, "payload_kb": 16},
    {"service": "api", "environment": "prod", "rps": 400, "payload_kb": 16},
]


def sized_answers() -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(EXAMPLE))
    api, worker, nightly = answers["services"]
    api.update(cpu="0.75", memory="768", min_instances="3", max_instances="12")
    worker.update(cpu="1500m", memory="2048", max_instances="5")
    nightly.update(cpu="1", memory="1024")
    return {**answers, "estimate": copy.deepcopy(ESTIMATE)}


@cache
def sized_tree() -> dict[str, str]:
    return dict(render_answers(sized_answers()))


@cache
def plain_tree() -> dict[str, str]:
    return dict(render_answers(example_answers(EXAMPLE)))


def patches(tree: dict[str, str], env_name: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The overlay's JSON patches by (kind, name) of their target."""
    doc = yaml.safe_load(tree[f"k8s/overlays/{env_name}/kustomization.yaml"])
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in doc["patches"]:
        key = (p["target"]["kind"], p["target"]["name"])
        found.setdefault(key, []).extend(yaml.safe_load(p["patch"]))
    return found


def resources(tree: dict[str, str], env_name: str, kind: str, name: str) -> dict[str, Any]:
    ops = patches(tree, env_name)[(kind, name)]
    (op,) = [o for o in ops if o["path"].endswith("/resources")]
    value: dict[str, Any] = op["value"]
    return value


def hpa(tree: dict[str, str], env_name: str, name: str) -> tuple[int, int]:
    ops = {o["path"]: o["value"] for o in patches(tree, env_name)[("HorizontalPodAutoscaler", name)]}
    return ops["/spec/minReplicas"], ops["/spec/maxReplicas"]


def problems_of(answers: dict[str, Any]) -> list[tuple[str, str]]:
    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    resolved, problems = resolve_answers(pack, env, apply_overrides(pack, answers, []))
    return problems + check_answers(pack, env, resolved)


def with_service(index: int, example: str = EXAMPLE, **fields: str) -> dict[str, Any]:
    answers = copy.deepcopy(example_answers(example))
    answers.setdefault("services", [{"name": "app", "kind": "http"}])[index].update(fields)
    return answers


# --- the overlays: requests, limits and HPA bounds per service and environment -----------------


def test_own_requests_become_quantities_with_limits_twice_as_large() -> None:
    for env_name in ("staging", "prod"):
        assert resources(sized_tree(), env_name, "Rollout", "api") == {
            "requests": {"cpu": "750m", "memory": "768Mi"},
            "limits": {"cpu": "1500m", "memory": "1536Mi"},
        }
        assert resources(sized_tree(), env_name, "Deployment", "worker") == {
            "requests": {"cpu": "1500m", "memory": "2Gi"},
            "limits": {"cpu": "3", "memory": "4Gi"},
        }


def test_a_cronjob_gets_requests_and_limits_and_no_autoscaler() -> None:
    assert resources(sized_tree(), "prod", "CronJob", "nightly") == {
        "requests": {"cpu": "1", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    }
    assert ("HorizontalPodAutoscaler", "nightly") not in patches(sized_tree(), "prod")


def test_own_bounds_and_the_estimate_set_the_autoscaler() -> None:
    # node: 100 requests/s per vCPU x 0.75 vCPU = 75 per pod; staging 50 -> 1 (the floor 3
    # stays), prod 400 -> 6.
    assert hpa(sized_tree(), "staging", "api") == (3, 12)
    assert hpa(sized_tree(), "prod", "api") == (6, 12)
    overlay = sized_tree()["k8s/overlays/prod/kustomization.yaml"]
    assert "# The estimate's 400 requests/s need 6 pods." in overlay


def test_a_need_above_the_maximum_is_flagged_in_the_overlay() -> None:
    answers = sized_answers()
    answers["estimate"] = [{"service": "api", "environment": "prod", "rps": 5000, "payload_kb": 16}]
    tree = dict(render_answers(answers))
    assert hpa(tree, "prod", "api") == (12, 12)
    assert "need 67 pods (above maxReplicas: raise max_instances)" in (
        tree["k8s/overlays/prod/kustomization.yaml"]
    )


def test_a_bound_not_given_keeps_the_preset() -> None:
    # the worker's own max 5; its minimum is the preset's (medium 2, large 3).
    assert hpa(sized_tree(), "staging", "worker") == (2, 5)
    assert hpa(sized_tree(), "prod", "worker") == (3, 5)


def test_services_without_own_values_keep_their_environment_s_preset() -> None:
    # medium: 500m/512Mi, limits 1/1Gi, 2-8 pods; large: 1/1Gi, limits 2/2Gi, 3-20 pods.
    assert resources(plain_tree(), "staging", "Rollout", "api") == {
        "requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}
    }  # fmt: skip
    assert resources(plain_tree(), "prod", "CronJob", "nightly") == {
        "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}
    }  # fmt: skip
    assert hpa(plain_tree(), "prod", "worker") == (3, 20)
    assert "## Resources" not in plain_tree()["docs/INFRASTRUCTURE.md"]
    assert "## Sizing" not in plain_tree()["k8s/README.md"]


def test_the_dossier_states_the_rule_and_each_service_s_sizes() -> None:
    doc = sized_tree()["docs/INFRASTRUCTURE.md"]
    assert "- **limits:** 2 × an own request" in doc
    assert "| prod | api | 750m, 768Mi | 1500m, 1536Mi | 6–12 | 400 requests/s at 16 KiB | 6 |" in doc
    assert "| staging | nightly | 1, 1Gi | 2, 2Gi | runs on its schedule | — | — |" in doc
    assert "(here 3920m on\n  e2-standard-4, 13621 MiB on e2-standard-4)" in doc
    assert "The cost estimate prices the node pools" in doc
    assert "| prod | worker | 1500m, 2Gi | 3, 4Gi | 3–5 | — | — |" in sized_tree()["k8s/README.md"]


# --- answer-time checks ------------------------------------------------------------------------


def test_the_sized_answers_are_accepted() -> None:
    assert problems_of(sized_answers()) == []


def test_a_cpu_request_above_the_smallest_node_is_refused() -> None:
    # staging's e2-standard-4 keeps 80m: 3920m allocatable.
    assert problems_of(with_service(0, cpu="3920m")) == []
    assert problems_of(with_service(0, cpu="4")) == [(
        "services[0].cpu", "4 CPU is more than one e2-standard-4 node can schedule (3920m allocatable)"
    )]  # fmt: skip


def test_a_memory_request_above_the_smallest_node_is_refused() -> None:
    assert problems_of(with_service(1, memory="13621")) == []
    assert problems_of(with_service(1, memory="13622")) == [(
        "services[1].memory",
        "13622 MiB is more than one e2-standard-4 node can schedule (13621 MiB allocatable)",
    )]  # fmt: skip


def test_the_node_room_is_read_per_cloud_from_the_node_pools() -> None:
    # EKS medium: m7i.large (2 vCPUs, 8 GiB): 1930m, 6248 MiB; AKS medium: Standard_D4ds_v5.
    eks = problems_of(with_service(0, "aws-kubernetes-canary", cpu="2", memory="6249"))
    assert [why for _, why in eks] == [
        "2 CPU is more than one m7i.large node can schedule (1930m allocatable)",
        "6249 MiB is more than one m7i.large node can schedule (6248 MiB allocatable)",
    ]
    assert problems_of(with_service(0, "azure-kubernetes-canary", cpu="3.5", memory="8192")) == []


def test_bad_quantities_are_refused_naming_the_field() -> None:
    cpu = problems_of(with_service(0, cpu="0"))
    memory = problems_of(with_service(0, memory="1Gi"))
    assert cpu == [("services[0].cpu", "0 is not a CPU request (cores like 0.5 or 2, "
                    "or millicores like 500m; more than 0)")]  # fmt: skip
    assert memory == [("services[0].memory", "1Gi is not a memory request in MiB "
                       "(a whole number more than 0, like 512)")]  # fmt: skip


def test_cpu_alone_is_accepted_on_kubernetes() -> None:
    assert problems_of(with_service(0, cpu="250m")) == []


def test_a_floor_above_the_ceiling_and_bounds_on_a_cronjob_are_refused() -> None:
    problems = problems_of(with_service(0, min_instances="9", max_instances="8"))
    assert problems == [("services[0].max_instances", "max_instances 8 is below min_instances 9")]
    job = problems_of(with_service(2, min_instances="2"))
    assert [where for where, _ in job] == ["services[2].min_instances"]
    assert "this is a job service on gcp kubernetes" in job[0][1]


def test_every_node_type_of_the_size_presets_has_a_shape() -> None:
    pack = load_pack("platform")
    sizes, rules = pack.data["sizes"], pack.data["k8s_resources"]
    for cloud, key in rules["node_key"].items():
        for name, size in sizes[cloud].items():
            if not isinstance(size, dict) or key not in size:
                continue
            types = [size[key]] if isinstance(size[key], str) else size[key]
            assert all(t in rules["nodes"] for t in types), (cloud, name, types)


def test_an_own_limit_stops_at_what_one_node_of_the_environment_schedules() -> None:
    # 2 x 3 cores: capped at 3920m on staging's and prod's 4-vCPU nodes; 2 x 8 GiB at 13621 MiB.
    tree = dict(render_answers(with_service(1, cpu="3", memory="8192")))
    assert resources(tree, "prod", "Deployment", "worker") == {
        "requests": {"cpu": "3", "memory": "8Gi"},
        "limits": {"cpu": "3920m", "memory": "13621Mi"},
    }


def test_the_overlay_says_how_many_pods_the_estimate_needs() -> None:
    overlay = sized_tree()["k8s/overlays/staging/kustomization.yaml"]
    assert "# The estimate's 50 requests/s need 1 pod.\n" in overlay
