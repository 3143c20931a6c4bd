"""The pure Kubernetes sizing rules: quantities, the limit rule, the HPA bounds, node room."""

from __future__ import annotations

from typing import Any

import pytest

from infrascaffold.templating.k8s_sizing import (
    allocatable,
    cpu_quantity,
    k8s_node_room,
    k8s_service_resources,
    mebibytes,
    memory_quantity,
    millicores,
)

PRESET = {"min_replicas": 2, "max_replicas": 8, "cpu": "500m", "memory": "512Mi",
          "cpu_limit": "1", "memory_limit": "1Gi"}  # fmt: skip
CAPACITY = {"rps_per_vcpu": {"node": 100, "container": 100}, "payload_reference_kb": 64}
# GKE's reservation bands ("Plan GKE node sizes"): CPU 6% of the first core, 1% of the next,
# 0.5% of the next 2, 0.25% above 4; memory 25% of the first 4 GiB, 20% of the next 4, 10% of
# the next 8, 6% of the next 112, 2% above 128; 100 MiB eviction threshold.
RESERVE = {
    "cpu": [[1, 6], [2, 1], [4, 0.5], [None, 0.25]],
    "memory": [[4, 25], [8, 20], [16, 10], [128, 6], [None, 2]],
    "eviction_mib": 100,
}
RULES: dict[str, Any] = {
    "limit_factor": 2,
    "node_key": {"gcp": "gke_machine_type", "aws": "eks_node_instance_types"},
    "nodes": {"e2-standard-2": {"cpu": 2, "memory_gib": 8},
              "e2-standard-4": {"cpu": 4, "memory_gib": 16}},  # fmt: skip
    "reserve": RESERVE,
}


@pytest.mark.parametrize(
    ("text", "milli"),
    [("500m", 500), ("0.5", 500), ("2", 2000), ("1.25", 1250), (0.75, 750), ("0", None),
     ("0m", None), ("1.2345", None), ("-1", None), ("half", None)],
)  # fmt: skip
def test_cpu_in_cores_or_millicores(text: object, milli: int | None) -> None:
    assert millicores(text) == milli


@pytest.mark.parametrize(
    ("text", "mib"), [("512", 512), (768, 768), ("2Gi", 2048), ("256Mi", 256), ("0", None),
                      ("1.5", None), ("1G", None)],
)  # fmt: skip
def test_memory_in_mebibytes(text: object, mib: int | None) -> None:
    assert mebibytes(text) == mib


def test_quantities_write_whole_cores_and_gibibytes_short() -> None:
    assert [cpu_quantity(m) for m in (250, 1000, 1500, 3000)] == ["250m", "1", "1500m", "3"]
    assert [memory_quantity(m) for m in (768, 1024, 1536, 4096)] == ["768Mi", "1Gi", "1536Mi", "4Gi"]


def test_own_requests_get_limits_twice_as_large() -> None:
    r = k8s_service_resources({"name": "api", "cpu": "0.75", "memory": "768"}, "prod", PRESET,
                              None, CAPACITY, RULES)  # fmt: skip
    assert r["requests"] == {"cpu": "750m", "memory": "768Mi"}
    assert r["limits"] == {"cpu": "1500m", "memory": "1536Mi"}


def test_a_value_not_given_keeps_the_preset_s_request_and_limit() -> None:
    r = k8s_service_resources({"name": "api", "cpu": "2"}, "prod", PRESET, None, CAPACITY, RULES)
    assert r["requests"] == {"cpu": "2", "memory": "512Mi"}
    assert r["limits"] == {"cpu": "4", "memory": "1Gi"}
    assert (r["min"], r["max"]) == (2, 8)


def test_the_estimate_raises_the_minimum_and_flags_a_need_above_the_maximum() -> None:
    svc = {"name": "api", "runtime": "node", "cpu": "500m", "max_instances": "6"}
    estimate = [{"service": "api", "environment": "", "rps": 250, "payload_kb": 16},
                {"service": "api", "environment": "prod", "rps": 1000, "payload_kb": 16}]  # fmt: skip
    staging = k8s_service_resources(svc, "staging", PRESET, estimate, CAPACITY, RULES)
    prod = k8s_service_resources(svc, "prod", PRESET, estimate, CAPACITY, RULES)
    # 100 requests/s per vCPU x 0.5 vCPU = 50 per pod: 250 -> 5 pods, 1000 -> 20 (above 6).
    assert (staging["needed"], staging["min"], staging["clamped"]) == (5, 5, False)
    assert (prod["needed"], prod["min"], prod["max"], prod["clamped"]) == (20, 6, 6, True)


def test_allocatable_follows_gke_s_reservation_bands() -> None:
    # 2 vCPUs: 60m + 10m kept; 8 GiB: 1024 + 819.2 MiB kept, and 100 MiB eviction.
    assert allocatable(2, 8, RESERVE) == {"cpu_m": 1930, "memory_mib": 6248}
    # 4 vCPUs: 60 + 10 + 10m; 16 GiB: 1024 + 819.2 + 819.2 MiB.
    assert allocatable(4, 16, RESERVE) == {"cpu_m": 3920, "memory_mib": 13621}


def test_the_node_room_is_the_smallest_node_over_the_environments() -> None:
    sizes = {"gcp": {"small": {"gke_machine_type": "e2-standard-2"},
                     "large": {"gke_machine_type": "e2-standard-4"}}}  # fmt: skip
    envs = [{"size": "large"}, {"size": "small"}]
    room = k8s_node_room(envs, "gcp", sizes, RULES)
    assert room == {"cpu_type": "e2-standard-2", "cpu_m": 1930,
                    "memory_type": "e2-standard-2", "memory_mib": 6248}  # fmt: skip
    assert k8s_node_room(envs[:1], "gcp", sizes, RULES)["cpu_m"] == 3920


def test_every_type_of_an_eks_node_group_counts() -> None:
    sizes = {"aws": {"small": {"eks_node_instance_types": ["e2-standard-4", "e2-standard-2"]}}}
    assert k8s_node_room([{"size": "small"}], "aws", sizes, RULES)["cpu_type"] == "e2-standard-2"


def test_an_own_limit_is_capped_at_the_environment_s_node_room() -> None:
    room = {"cpu_m": 1930, "memory_mib": 6248}
    svc = {"name": "api", "cpu": "1.5", "memory": "4096"}
    capped = k8s_service_resources(svc, "prod", PRESET, None, CAPACITY, RULES, room)
    assert capped["limits"] == {"cpu": "1930m", "memory": "6248Mi"}
    assert capped["requests"] == {"cpu": "1500m", "memory": "4Gi"}
    preset_only = k8s_service_resources({"name": "w"}, "prod", PRESET, None, CAPACITY, RULES, room)
    assert preset_only["limits"] == {"cpu": "1", "memory": "1Gi"}
