"""The Kubernetes workloads of a render as diagram nodes (issue 25, several services).

On compute `kubernetes` the services are manifests (`k8s/base/*.yaml`), not Terraform modules:
the Terraform draws one cluster module and no service. With several services this adds, beside
the cluster, one node per workload the manifests declare (a Deployment or Argo Rollout, a
CronJob ...), labelled `<Kind>/<name>` with the service's role as the answers give it (kind ·
path/schedule · :port/health · runtime), and one node per Ingress with an edge to each workload
its paths reach (through the Service selecting the workload's pods). The cluster feeds every
workload (its pods run on it). Read from the manifests themselves, so a workload the templates
stop rendering leaves the diagram too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import yaml

from infrascaffold.diagram.model import Component, Edge, ServiceRole
from infrascaffold.diagram.services import answered_roles, runs_a_cluster

MANIFESTS = "k8s/base/"
WORKLOAD_KINDS = ("Deployment", "Rollout", "StatefulSet", "DaemonSet", "CronJob", "Job")
_NAME_LABEL = "app.kubernetes.io/name"
Manifest = Mapping[str, Any]


def is_manifest(path: str) -> bool:
    """Whether a tree path is one of the base manifests the diagram reads."""
    return path.startswith(MANIFESTS) and path.endswith((".yaml", ".yml"))


def workload_nodes(
    tree: Mapping[str, str],
    components: Sequence[Component],
    services: Sequence[Mapping[str, Any]],
) -> tuple[list[Component], list[Edge]]:
    """The workload and ingress nodes, and their edges, for a root whose cluster module runs
    several services; nothing for a single service or without a cluster."""
    cluster = next((c for c in components if c.source and runs_a_cluster(c.resources)), None)
    if cluster is None or len(services) < 2:
        return [], []
    roles = {role.name: role for role in answered_roles(services).values()}
    docs = list(_manifests(tree))
    nodes: list[Component] = []
    edges: list[Edge] = []
    workload_ids: dict[str, str] = {}  # workload name → node id
    for path, doc in docs:
        kind, name = doc["kind"], _name(doc)
        if kind not in WORKLOAD_KINDS or not name or name in workload_ids:
            continue
        node_id = _node_id(f"{kind}_{name}")
        workload_ids[name] = node_id
        role = roles.get(name) or _role_of(doc, name)
        nodes.append(Component(node_id, f"{kind}/{name}", "compute", path, service=role))
        edges.append(Edge(cluster.id, node_id, "pods"))
    selectors = {
        _name(d): str(_map(_map(d, "spec"), "selector").get(_NAME_LABEL) or _name(d))
        for _, d in docs
        if d["kind"] == "Service"
    }
    for path, doc in docs:
        if doc["kind"] != "Ingress" or not _name(doc):
            continue
        node_id = _node_id(f"Ingress_{_name(doc)}")
        nodes.append(Component(node_id, f"Ingress/{_name(doc)}", "edge", path))
        for route, backend in _routes(doc):
            target = workload_ids.get(selectors.get(backend, backend))
            if target:
                edges.append(Edge(node_id, target, route))
    return nodes, _merged(edges)


def _manifests(tree: Mapping[str, str]) -> Iterator[tuple[str, Manifest]]:
    for path, text in sorted(tree.items()):
        if not is_manifest(path):
            continue
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            continue  # validation reports it; the diagram draws what it can read
        for doc in docs:
            if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                yield path, doc


def _name(doc: Manifest) -> str:
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def _role_of(doc: Manifest, name: str) -> ServiceRole:
    """Without the service in the answers: a CronJob is a job on its schedule, else a worker
    (an ingress edge still shows it serving http)."""
    if doc["kind"] == "CronJob":
        return ServiceRole(name, "job", f"{_map(doc, 'spec').get('schedule')} UTC")
    return ServiceRole(name, "worker")


def _routes(doc: Manifest) -> Iterator[tuple[str, str]]:
    """(path, Service name) of every path of an Ingress (its default backend as `/`)."""
    spec = _map(doc, "spec")
    default = _map(_map(spec, "defaultBackend"), "service").get("name")
    if default:
        yield "/", str(default)
    rules = spec.get("rules")
    for rule in rules if isinstance(rules, list) else []:
        paths = _map(_as_map(rule), "http").get("paths")
        for path in paths if isinstance(paths, list) else []:
            entry = _as_map(path)
            service = _map(_map(entry, "backend"), "service").get("name")
            if service:
                yield str(entry.get("path") or "/"), str(service)


def _map(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """`parent[key]` when it is a mapping, else an empty one (a manifest may hold anything)."""
    return _as_map(parent.get(key))


def _as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _merged(edges: list[Edge]) -> list[Edge]:
    """One edge per (source, target), its labels (the paths) joined."""
    labels: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        found = labels.setdefault((edge.source, edge.target), [])
        if edge.label and edge.label not in found:
            found.append(edge.label)
    return [Edge(s, t, ", ".join(found)) for (s, t), found in labels.items()]


def _node_id(name: str) -> str:
    return "k_" + re.sub(r"[^A-Za-z0-9_]", "_", name)
