"""Which diagram nodes are the application's services, and what kind each is (issue 25).

The names contract (`partials/services/names.j2`) gives every service its own module call in
the root: `app` for the primary, `svc_<name>` for the others. Its kind is read from the call's
literal arguments first (a schedule makes a job, a path prefix an http service), then from what
the module holds: a scheduler makes a job, a load balancer target or route an http service, a
bucket or CDN without compute a static front end; any other compute is a worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infrascaffold.diagram.model import Resource, ServiceRole

PRIMARY_MODULE = "app"
SERVICE_PREFIX = "svc_"
# Literal module arguments that say what a service is (the first present wins).
_SCHEDULE_ARGS = ("schedule", "schedule_expression", "cron_schedule", "cron_expression")
_PATH_ARGS = ("path", "path_prefix", "path_pattern", "route_path")
# Resource types, by prefix, that make a module one kind of service.
_JOB_TYPES = (
    "aws_scheduler_schedule",
    "aws_cloudwatch_event_rule",
    "google_cloud_scheduler_job",
    "google_cloud_run_v2_job",
    "azurerm_container_app_job",
)
_HTTP_TYPES = (
    "aws_lb",
    "aws_alb",
    "google_compute_backend_service",
    "google_compute_region_network_endpoint_group",
    "azurerm_cdn_frontdoor_route",
    "azurerm_cdn_frontdoor_origin",
)
_STATIC_TYPES = (
    "aws_cloudfront_distribution",
    "aws_s3_bucket",
    "google_compute_backend_bucket",
    "google_storage_bucket",
    "azurerm_storage_account",
    "azurerm_static_web_app",
)


def service_name(module_label: str) -> str | None:
    """The service a root module call runs (`svc_web` → `web`, `app` → `app`), else None."""
    if module_label == PRIMARY_MODULE:
        return PRIMARY_MODULE
    if module_label.startswith(SERVICE_PREFIX) and len(module_label) > len(SERVICE_PREFIX):
        return module_label[len(SERVICE_PREFIX) :].replace("_", "-")
    return None


def service_role(
    module_label: str, given: Mapping[str, str], resources: Iterable[Resource]
) -> ServiceRole | None:
    """The service role of a root module call, or None when it runs no service."""
    name = service_name(module_label)
    if name is None:
        return None
    types = [r.type for r in resources]
    kinds = {r.kind for r in resources}
    schedule = next((given[a] for a in _SCHEDULE_ARGS if given.get(a)), None)
    path = next((given[a] for a in _PATH_ARGS if given.get(a)), None)
    if schedule is not None or _holds(types, _JOB_TYPES):
        return ServiceRole(name, "job", f"{schedule} UTC" if schedule else "")
    if path is not None or _holds(types, _HTTP_TYPES):
        return ServiceRole(name, "http", path or "")
    if "compute" not in kinds and _holds(types, _STATIC_TYPES):
        return ServiceRole(name, "static", "CDN")
    if "compute" in kinds or not types:
        return ServiceRole(name, "worker")
    return None


# A Kubernetes cluster module (`app` on compute kubernetes) runs every service's pods.
_CLUSTER_TYPES = ("aws_eks_cluster", "google_container_cluster", "azurerm_kubernetes_cluster")


def answered_roles(services: Sequence[Mapping[str, Any]]) -> dict[str, ServiceRole]:
    """Module label → the role the answers give it, when they list several services: the
    names contract's label (`app` for the primary, the first http service), its kind, and in the
    detail what places it (path, schedule, CDN), its port and health path, and its runtime."""
    if len(services) < 2:
        return {}
    primary = next((s.get("name") for s in services if s.get("kind") == "http"), None)
    roles = {}
    for svc in services:
        name = str(svc.get("name"))
        label = PRIMARY_MODULE if name == primary else SERVICE_PREFIX + name.replace("-", "_")
        roles[label] = ServiceRole(name, str(svc.get("kind")), _detail(svc))
    return roles


def _detail(svc: Mapping[str, Any]) -> str:
    kind, runtime = svc.get("kind"), svc.get("runtime")
    where = {"http": svc.get("path") or "/", "job": f"{svc.get('schedule')} UTC", "static": "CDN"}
    parts = [str(where[kind])] if kind in where else []
    if svc.get("port"):
        parts.append(f":{svc['port']}{svc.get('health_path') or ''}")
    if runtime:
        parts.append("own image" if runtime == "container" else f"{runtime} {svc.get('version')}")
    return " · ".join(parts)


def runs_a_cluster(resources: Iterable[Resource]) -> bool:
    return _holds([r.type for r in resources], _CLUSTER_TYPES)


def _holds(types: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(t.startswith(prefixes) for t in types)
