"""Kubernetes sizing of one service (issue 25): its own CPU and memory as quantities, the rule
its limits follow, its HPA bounds, and what a node of the cluster's pools can hold.

Pure: the pack passes its data (`data/k8s-resources.yaml`, `data/sizes.yaml`); the render's
k8s/README.md and docs/INFRASTRUCTURE.md state the rules with these numbers:

    requests = the service's own cpu (cores or millicores) and memory (MiB), else the preset
    limits   = limit_factor x requests for an own value (at most what one node of the
               environment's pool can schedule), else the preset's limits
    HPA      = the service's own min/max, else the preset; an estimate raises the minimum
               (`service_resources`: ceil(rps / capacity per pod), clamped to [min, max])
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from infrascaffold.templating.sizing import service_resources

# The size preset's entries (`k8s_sizes` of the pack) a service's own values replace.
_PLATFORM = {
    "preset_keys": {"cpu": "cpu", "memory": "memory", "min": "min_replicas", "max": "max_replicas"}
}
_MILLICORES = re.compile(r"^([1-9][0-9]{0,6})m$")
_CORES = re.compile(r"^([0-9]{1,4})(?:\.([0-9]{1,3}))?$")
_MEBIBYTES = re.compile(r"^[1-9][0-9]{0,7}$")
_QUANTITY = re.compile(r"^([0-9]+)(Mi|Gi)$")


def millicores(value: Any) -> int | None:
    """Millicores of `500m`, `0.5` or `2` (None when it is no positive CPU quantity)."""
    text = str(value).strip()
    found = _MILLICORES.match(text)
    if found:
        return int(found.group(1))
    found = _CORES.match(text)
    if not found:
        return None
    total = int(found.group(1)) * 1000 + int((found.group(2) or "0").ljust(3, "0"))
    return total or None


def mebibytes(value: Any) -> int | None:
    """MiB of a plain number of MiB (`512`), or of a `512Mi` / `2Gi` preset quantity."""
    text = str(value).strip()
    if _MEBIBYTES.match(text):
        return int(text)
    found = _QUANTITY.match(text)
    if not found:
        return None
    return int(found.group(1)) * (1024 if found.group(2) == "Gi" else 1)


def cpu_quantity(milli: int) -> str:
    """The Kubernetes quantity of `milli` millicores: whole cores as `2`, else `1500m`."""
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def memory_quantity(mib: int) -> str:
    """The Kubernetes quantity of `mib` MiB: whole GiB as `2Gi`, else `768Mi`."""
    return f"{mib // 1024}Gi" if mib % 1024 == 0 else f"{mib}Mi"


def k8s_service_resources(
    svc: Mapping[str, Any],
    env_name: str,
    preset: Mapping[str, Any],
    estimate: Sequence[Mapping[str, Any]] | None,
    capacity: Mapping[str, Any],
    rules: Mapping[str, Any],
    room: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`{requests: {cpu, memory}, limits: {cpu, memory}, min, max, needed, clamped, own, ...}`.

    `preset` is `k8s_sizes[env.size]`; `rules["limit_factor"]` multiplies an own request into
    its limit, capped at `room` (`k8s_node_room` of the environment: a limit above what a node
    can schedule only lets the pod starve its neighbours); each of cpu and memory is the
    service's own or the preset's, independently.
    """
    own_cpu = millicores(svc.get("cpu")) if svc.get("cpu") not in (None, "") else None
    own_memory = mebibytes(svc.get("memory")) if svc.get("memory") not in (None, "") else None
    factor = int(rules["limit_factor"])
    cpu_cap = int(room["cpu_m"]) if room else None
    memory_cap = int(room["memory_mib"]) if room else None
    quantities = {
        **svc,
        "cpu": cpu_quantity(own_cpu) if own_cpu else "",
        "memory": memory_quantity(own_memory) if own_memory else "",
    }
    out = service_resources(quantities, env_name, preset, estimate, capacity, _PLATFORM)
    out["requests"] = {"cpu": out["cpu"], "memory": out["memory"]}
    out["limits"] = {
        "cpu": cpu_quantity(_capped(own_cpu * factor, cpu_cap, own_cpu))
        if own_cpu
        else preset["cpu_limit"],
        "memory": memory_quantity(_capped(own_memory * factor, memory_cap, own_memory))
        if own_memory
        else preset["memory_limit"],
    }
    out["own"] = bool(own_cpu or own_memory)
    return out


def _capped(limit: int, cap: int | None, request: int) -> int:
    """`limit`, at most `cap`, never below the request (the answers refuse such a request)."""
    return limit if cap is None else max(min(limit, cap), request)


def allocatable(cores: int, memory_gib: int, reserve: Mapping[str, Any]) -> dict[str, int]:
    """What pods can request on a node of `cores` vCPUs and `memory_gib` GiB: `{cpu_m, memory_mib}`.

    `reserve["cpu"]` and `reserve["memory"]`: `[up to, percent]` bands of the capacity kept for
    the kubelet and the system (the first band's `up to` in cores or GiB, the last one open);
    `reserve["eviction_mib"]`: the kubelet's hard eviction threshold.
    """
    cpu_m = cores * 1000 - _banded(cores * 1000, reserve["cpu"], 1000)
    memory_mib = memory_gib * 1024 - _banded(memory_gib * 1024, reserve["memory"], 1024)
    return {"cpu_m": cpu_m, "memory_mib": memory_mib - int(reserve["eviction_mib"])}


def _banded(total: int, bands: Sequence[Sequence[Any]], unit: int) -> int:
    kept, low = 0.0, 0
    for up_to, percent in bands:
        high = total if up_to is None else min(total, int(float(up_to) * unit))
        if high > low:
            kept += (high - low) * float(percent) / 100
            low = high
    return int(kept + 0.999999)


def k8s_node_room(
    environments: Sequence[Mapping[str, Any]],
    cloud: str,
    sizes: Mapping[str, Any],
    rules: Mapping[str, Any],
) -> dict[str, Any]:
    """The least room an application node offers over the environments.

    `{cpu_type, cpu_m, memory_type, memory_mib}`: the node types with the fewest allocatable
    millicores and MiB.

    A pod is scheduled on one node, so a request above this fits in none of some environment's
    nodes. Each environment's node type is `sizes[cloud][env.size][rules.node_key[cloud]]`
    (a list on EKS: every type of the node group counts).
    """
    key = rules["node_key"][cloud]
    room: dict[str, Any] = {"cpu_type": "", "cpu_m": 0, "memory_type": "", "memory_mib": 0}
    for env in environments:
        types = sizes[cloud][env["size"]][key]
        for node in [types] if isinstance(types, str) else list(types):
            shape = rules["nodes"][node]
            fits = allocatable(int(shape["cpu"]), int(shape["memory_gib"]), rules["reserve"])
            if not room["cpu_type"] or fits["cpu_m"] < room["cpu_m"]:
                room.update(cpu_type=node, cpu_m=fits["cpu_m"])
            if not room["memory_type"] or fits["memory_mib"] < room["memory_mib"]:
                room.update(memory_type=node, memory_mib=fits["memory_mib"])
    return room


FILTERS = {
    "k8s_service_resources": k8s_service_resources,
    "k8s_millicores": millicores,
    "k8s_mebibytes": mebibytes,
    "k8s_node_room": k8s_node_room,
}
