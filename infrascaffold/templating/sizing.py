"""The `service_resources` filter: one service's CPU, memory and instance bounds in one environment.

Pure: the pack passes the environment's size preset and the capacity rule (its data), this
applies the service's own answers over the preset and derives the instance floor from the
estimate (docs/INFRASTRUCTURE.md of a render states the rule):

    capacity per instance = rps_per_vcpu[runtime] x vCPUs x min(1, reference_kb / payload_kb)
    instances needed      = ceil(rps / capacity per instance)
    min instances         = needed, clamped to [min, max]

An environment's own estimate record wins over the record for every environment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any


def service_resources(
    svc: Mapping[str, Any],
    env_name: str,
    sizing: Mapping[str, Any],
    estimate: Sequence[Mapping[str, Any]] | None,
    capacity: Mapping[str, Any],
    platform: Mapping[str, Any],
    protected: bool = False,
) -> dict[str, Any]:
    """`{cpu, memory, min, max, rps, payload_kb, needed, clamped, ...}` of `svc` in `env_name`.

    `sizing` is the environment's size column; `platform["preset_keys"]` names its `cpu`,
    `memory`, `min` and `max` entries; `cpu` and `memory` keep the type the preset has (Fargate
    numbers, Kubernetes quantities). `capacity`: `rps_per_vcpu` per runtime and
    `payload_reference_kb`; `platform["cpu_units_per_vcpu"]`: 1024 on Fargate, absent for
    quantities; `platform["memory_unit"]`: `MiB` when memory is a plain number of MiB.
    `platform["min_floor"]` (per kind) and `platform["protected_min_floor"]` (when `protected`):
    the fewest instances the platform's stack keeps whatever the answers say (Cloud Run: a
    worker always runs one, a protected environment keeps one of each http service warm).
    """
    keys = platform["preset_keys"]
    cpu = _typed(svc.get("cpu"), sizing[keys["cpu"]])
    memory = _typed(svc.get("memory"), sizing[keys["memory"]])
    floors = platform.get("min_floor") or {}
    floor = int(floors.get(str(svc.get("kind", "")), 0))
    if protected:
        floor = max(floor, int(platform.get("protected_min_floor") or 0))
    low = max(int(svc.get("min_instances") or sizing[keys["min"]]), floor)
    high = max(int(svc.get("max_instances") or sizing[keys["max"]]), low)
    share = vcpus(cpu, platform.get("cpu_units_per_vcpu"))
    gib = memory_gib(memory, platform.get("memory_unit"))
    out: dict[str, Any] = {
        "cpu": cpu,
        "memory": memory,
        "min": low,
        "max": high,
        "rps": None,
        "payload_kb": None,
        "needed": None,
        "clamped": False,
        "vcpus": share,
        "memory_gib": gib,
    }
    record = _estimate_of(str(svc.get("name", "")), env_name, estimate or ())
    if record is None:
        return _with_totals(out)
    rps, payload = int(record["rps"]), int(record.get("payload_kb") or 16)
    per_instance = _capacity(str(svc.get("runtime", "container")), share, payload, capacity)
    needed = math.ceil(rps / per_instance) if rps else 0
    out.update(
        rps=rps,
        payload_kb=payload,
        needed=needed,
        min=min(max(needed, low), high),
        clamped=needed > high,
    )
    return _with_totals(out)


def _with_totals(out: dict[str, Any]) -> dict[str, Any]:
    """What the minimum instances hold together (the cost model prices them)."""
    out["min_vcpus"] = out["min"] * out["vcpus"]
    out["min_memory_gib"] = out["min"] * out["memory_gib"]
    return out


def vcpus(cpu: Any, units_per_vcpu: float | None = None) -> float:
    """vCPUs of a CPU value: Fargate units (with `units_per_vcpu`), `500m` or `1.5`."""
    if units_per_vcpu:
        return float(cpu) / units_per_vcpu
    text = str(cpu)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def memory_gib(memory: Any, unit: str | None = None) -> float:
    """GiB of a memory value: a number in `unit` (`MiB` on Fargate), or `512Mi`, `2Gi`, `1G`."""
    if isinstance(memory, int | float) and not isinstance(memory, bool):
        return float(memory) / 1024 if unit == "MiB" else float(memory)
    text = str(memory)
    per_gib_of = (("Mi", 1024.0), ("Gi", 1.0), ("M", 1073.741824), ("G", 1.073741824))
    for suffix, per_gib in per_gib_of:
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) / per_gib
    return float(text)


def _capacity(runtime: str, share: float, payload_kb: int, capacity: Mapping[str, Any]) -> float:
    """Requests per second one instance of `share` vCPUs serves (the dossier's rule)."""
    per_runtime = capacity["rps_per_vcpu"]
    per_vcpu = float(per_runtime.get(runtime, per_runtime["container"]))
    reference = float(capacity["payload_reference_kb"])
    return max(per_vcpu * share * min(1.0, reference / payload_kb), 0.001)


def _typed(value: Any, preset: Any) -> Any:
    """The service's own value (answers are strings) in the preset's type, or the preset."""
    if value in (None, ""):
        return preset
    return int(value) if isinstance(preset, int) else str(value)


def _estimate_of(
    name: str, env_name: str, estimate: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    mine = [r for r in estimate if r.get("service") == name]
    own = [r for r in mine if r.get("environment") == env_name]
    shared = [r for r in mine if not r.get("environment")]
    found = own or shared
    return found[0] if found else None


FILTERS = {"service_resources": service_resources}
