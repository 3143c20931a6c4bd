"""`service_resources`: the service's own values over the size preset, and the estimate's floor."""

from __future__ import annotations

from typing import Any

import pytest

from infrascaffold.templating.sizing import memory_gib, service_resources, vcpus

SIZING = {"cpu_units": 512, "mem": 1024, "low": 2, "high": 6}
PLATFORM = {
    "preset_keys": {"cpu": "cpu_units", "memory": "mem", "min": "low", "max": "high"},
    "cpu_units_per_vcpu": 1024,
    "memory_unit": "MiB",
}
CAPACITY = {"rps_per_vcpu": {"node": 100, "container": 10}, "payload_reference_kb": 64}


def sized(svc: dict[str, Any], estimate: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return service_resources(svc, "prod", SIZING, estimate, CAPACITY, PLATFORM)


def test_empty_answers_take_the_preset() -> None:
    got = sized({"name": "api", "cpu": "", "memory": "", "min_instances": ""})
    assert (got["cpu"], got["memory"], got["min"], got["max"]) == (512, 1024, 2, 6)
    assert got["rps"] is None and got["needed"] is None


def test_own_answers_win_in_the_preset_s_type() -> None:
    got = sized({"name": "api", "cpu": "1024", "memory": "3072", "max_instances": "9"})
    assert (got["cpu"], got["memory"], got["max"]) == (1024, 3072, 9)
    assert got["min_vcpus"] == 2.0 and got["min_memory_gib"] == 6.0


def test_the_environment_s_own_record_wins_over_the_shared_one() -> None:
    estimate = [
        {"service": "api", "environment": "", "rps": 10, "payload_kb": 16},
        {"service": "api", "environment": "prod", "rps": 200, "payload_kb": 16},
    ]
    got = sized({"name": "api", "runtime": "node"}, estimate)
    # 100 x 0.5 vCPU = 50 requests/s a task: 200 -> 4
    assert (got["rps"], got["needed"], got["min"], got["clamped"]) == (200, 4, 4, False)


def test_a_large_payload_lowers_the_capacity_and_a_need_over_the_ceiling_is_clamped() -> None:
    estimate = [{"service": "api", "environment": "", "rps": 200, "payload_kb": 256}]
    got = sized({"name": "api", "runtime": "node"}, estimate)
    # 50 x 64/256 = 12.5 requests/s a task: 16 needed, clamped to 6
    assert (got["needed"], got["min"], got["clamped"]) == (16, 6, True)


def test_a_small_need_keeps_the_floor_and_unknown_runtimes_use_the_container_figure() -> None:
    estimate = [{"service": "api", "environment": "", "rps": 0, "payload_kb": 1}]
    assert sized({"name": "api", "runtime": "node"}, estimate)["min"] == 2
    estimate = [{"service": "api", "environment": "", "rps": 50, "payload_kb": 1}]
    assert sized({"name": "api", "runtime": "cobol"}, estimate)["needed"] == 10  # 10 x 0.5


@pytest.mark.parametrize(
    ("cpu", "units", "expected"), [(2048, 1024, 2.0), ("500m", None, 0.5), ("1.5", None, 1.5)]
)
def test_vcpus_of_fargate_units_and_quantities(cpu: Any, units: Any, expected: float) -> None:
    assert vcpus(cpu, units) == expected


@pytest.mark.parametrize(
    ("memory", "unit", "expected"),
    [(2048, "MiB", 2.0), ("512Mi", None, 0.5), ("2Gi", None, 2.0), ("1073741824", None, 1073741824.0)],
)  # fmt: skip
def test_memory_gib_of_mib_and_quantities(memory: Any, unit: Any, expected: float) -> None:
    assert memory_gib(memory, unit) == expected
