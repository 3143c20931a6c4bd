"""The architecture graph of a Terraform root: module calls, resources by kind, references.

Derived from the rendered Terraform itself (never from a hand-kept list), so the diagrams and the
resource names in the generated docs stay true when the templates change. Parsing is the
validation engine's (`validate.hcl_parse`); this module reads its `Doc` model. The values are in
`model`, the kinds and the writers in `formats`, the evaluation that names one environment's
resources in `names`.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from infrascaffold.diagram.formats import (
    KIND_TITLES,
    PRIMARY_KINDS,
    is_scope,
    kind_of_module,
    kind_of_resource,
    to_mermaid,
)
from infrascaffold.diagram.model import Architecture, Component, Edge, Resource
from infrascaffold.diagram.names import (
    arguments,
    is_alarm,
    is_text,
    resource_description,
    resource_name,
    scope_of,
)
from infrascaffold.diagram.services import (
    SERVICE_PREFIX,
    answered_roles,
    runs_a_cluster,
    service_role,
)
from infrascaffold.diagram.workloads import is_manifest, workload_nodes
from infrascaffold.errors import InfrascaffoldError
from infrascaffold.validate.hcl_doc import HCL_SYNTAX, Attr, Block, Body, Doc
from infrascaffold.validate.parse_cache import parse_text

# tfvars read for the labels of an environment's diagram, first found wins.
_REGION_VARS = ("region", "location")
_CIDR_VARS = ("vpc_cidr", "vnet_cidr", "cidr", "cidr_block", "network_cidr", "address_space")
# Module arguments that size an environment (shown on the module's node with --env).
_SIZING = re.compile(
    r"(cpu|memory|memory_size_gb|min_[a-z_]+|max_(?![a-z_]*_gb$)[a-z_]+|[a-z_]*instance_(class|type)"
    r"|tier|sku_name|node_[a-z_]+|[a-z_]*_count|allocated_storage_gb|vm_size)"
)
Services = Sequence[Mapping[str, Any]]  # the answers' `services` records
_SKIPPED_DIRS = frozenset({".terraform", ".git", ".infrascaffold", "node_modules"})


class _File(NamedTuple):
    path: str
    doc: Doc
    lines: list[str]


def architecture_from_tree(
    tree: Mapping[str, str], env_name: str | None = None, services: Services = ()
) -> Architecture:
    """The graph of the Terraform root at the top of `tree` (POSIX path → text), labelled and
    named for `env_name` (its `environments/<env_name>.tfvars`) when given. `services` (the
    answers' list, when known) says which module runs which service; without it the roles are
    read from the Terraform."""
    files = _folder_files(tree, ".")
    if not files:
        raise InfrascaffoldError(".", "no Terraform files (*.tf) at the top of this folder")
    tfvars = _tfvars(tree, env_name) if env_name else {}
    scope = scope_of(files, {k: v for k, v in tfvars.items() if is_text(v)})
    components: list[Component] = []
    edges: set[Edge] = set()
    routes: dict[tuple[str, str], str] = {}  # (module, output) → the node the output comes from
    callers: list[tuple[str, Body]] = []  # (address, body) of every block that may reference
    for file in files:
        for block in _blocks(file.doc, "module"):
            given = arguments(block, file.lines, scope)
            nodes, inside, module_routes = _module_nodes(tree, block, given)
            components.extend(nodes)
            edges.update(inside)
            routes.update(((block.labels[0], o), n) for o, n in module_routes.items())
            callers.append((f"module.{block.labels[0]}", block.body))
        for block in _blocks(file.doc, "resource"):
            resource = _resource(block, file.lines, scope)
            node_id = _node_id(resource.address)
            components.append(Component(node_id, resource.address, resource.kind, "", (resource,)))
            callers.append((resource.address, block.body))
    for address, body in callers:
        edges.update(_edges_into(address, body, routes))
    components = _answered(components, services) if services else _with_services(components)
    workloads, workload_edges = workload_nodes(tree, components, services)
    components.extend(workloads)
    edges.update(workload_edges)
    known = {c.id for c in components}
    # Every component lives in the environment's resource group (or project): no edge from it.
    scopes = {
        c.id for c in components if not c.source and any(is_scope(r.type) for r in c.resources)
    }
    kept = {
        e
        for e in edges
        if e.source in known - scopes and e.target in known and e.source != e.target
    }
    return Architecture(
        components=tuple(components),
        edges=tuple(sorted(kept, key=lambda e: (e.source, e.target))),
        environment=env_name,
        region=_first_str(tfvars, _REGION_VARS),
        cidr=_first_str(tfvars, _CIDR_VARS),
        protected=tfvars.get("protected") if isinstance(tfvars.get("protected"), bool) else None,
    )


def _with_services(components: list[Component]) -> list[Component]:
    """Service roles stay only on a root running several services (a `svc_<name>` module call):
    a single-service root draws as it always has."""
    if any(c.label.startswith(SERVICE_PREFIX) and c.service for c in components):
        return components
    return [dataclasses.replace(c, service=None) if c.service else c for c in components]


def _answered(components: list[Component], services: Services) -> list[Component]:
    """The roles of the module calls as the answers give them (none on a single service; none
    on a Kubernetes cluster module, which runs every service's pods). A worker or job has no
    ingress: the edge part of its module (the http kind's resources, counted out) is dropped."""
    roles = answered_roles(services)
    closed = {f"{label}: edge" for label, role in roles.items() if role.kind in ("worker", "job")}
    return [
        dataclasses.replace(c, service=None if runs_a_cluster(c.resources) else roles.get(c.label))
        if c.source
        else c
        for c in components
        if c.source or c.label not in closed
    ]


def architecture_from_folder(
    folder: Path, env_name: str | None = None, services: Services = ()
) -> Architecture:
    """The graph of the Terraform root in `folder` (`services`: the answers' records, which name
    each module's role); InfrascaffoldError for bad input."""
    if not folder.is_dir():
        raise InfrascaffoldError(str(folder), "no such folder")
    try:
        return architecture_from_tree(read_terraform_tree(folder), env_name, services)
    except InfrascaffoldError as exc:
        where = folder if exc.path == "." else folder / exc.path
        raise InfrascaffoldError(str(where), exc.reason) from exc


def read_terraform_tree(folder: Path) -> dict[str, str]:
    """The `.tf` and `.tfvars` files under `folder` (tool and VCS folders skipped), and the
    Kubernetes base manifests (`k8s/base/*.yaml`: the workloads of a cluster)."""
    tree: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        wanted = path.suffix in (".tf", ".tfvars") or is_manifest(rel.as_posix())
        if _SKIPPED_DIRS & set(rel.parts[:-1]) or not wanted:
            continue
        if path.is_file():
            tree[rel.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    return tree


def environment_names(tree: Mapping[str, str]) -> list[str]:
    """The environments of a Terraform root: one `environments/<name>.tfvars` each."""
    return sorted(p[len("environments/") : -len(".tfvars")] for p in _env_files(tree))


def architecture_context(tree: Mapping[str, str], services: Services = ()) -> dict[str, Any]:
    """The docs' `architecture` context value, derived from a rendered tree.

    `components`: the root's modules and resources (label, kind, source, resource types).
    `environments`: per `environments/<name>.tfvars`, its region, CIDR, literal `variables`,
    Mermaid diagram and the real names of its resources by type
    (`names.aws_cloudwatch_metric_alarm`: sorted names), with `alarms`: name → description.
    Both are empty without a Terraform root in the tree.
    """
    if not _folder_files(tree, "."):
        return {"components": [], "environments": {}}
    environments = {
        name: _environment_context(tree, name, services) for name in environment_names(tree)
    }
    components = [
        {
            "label": c.label,
            "kind": c.kind,
            "source": c.source,
            "resource_types": sorted({r.type for r in c.resources}),
            "service": dataclasses.asdict(c.service) if c.service else None,
        }
        for c in architecture_from_tree(tree, None, services).components
    ]
    return {"components": components, "environments": environments}


def _environment_context(
    tree: Mapping[str, str], env_name: str, services: Services
) -> dict[str, Any]:
    architecture = architecture_from_tree(tree, env_name, services)
    names: dict[str, set[str]] = {}
    alarms: dict[str, str] = {}
    for resource in architecture.resources():
        if resource.name:
            names.setdefault(resource.type, set()).add(resource.name)
            if is_alarm(resource.type):
                alarms[resource.name] = resource.description or ""
    return {
        "region": architecture.region,
        "cidr": architecture.cidr,
        "variables": _tfvars(tree, env_name),
        "mermaid": to_mermaid(architecture),
        "names": {t: sorted(found) for t, found in sorted(names.items())},
        "alarms": dict(sorted(alarms.items())),
    }


def parsed(text: str, path: str) -> Doc:
    """The parse of one file (cached by text: renders share most files); syntax errors raise."""
    doc = _parse_cached(text)
    for problem in doc.problems:
        if problem.check == HCL_SYNTAX:
            raise InfrascaffoldError(f"{path}:{problem.line}", problem.message)
    return doc


@functools.lru_cache(maxsize=2048)
def _parse_cached(text: str) -> Doc:
    return parse_text(text)  # through the parse cache, which validation then reads


def _folder_files(tree: Mapping[str, str], folder: str) -> list[_File]:
    """The parsed `.tf` files directly in `folder` (`.` for the root)."""
    return [
        _File(path, parsed(text, path), text.splitlines())
        for path, text in sorted(tree.items())
        if path.endswith(".tf") and (posixpath.dirname(path) or ".") == folder
    ]


def _blocks(doc: Doc, block_type: str) -> list[Block]:
    return [b for b in doc.body.blocks_of(block_type) if b.labels]


def _resource(block: Block, lines: list[str], scope: Mapping[str, str]) -> Resource:
    resource_type, label = (*block.labels, "")[:2]
    name = resource_name(block.body, lines, scope)
    description = resource_description(block.body, lines, scope)
    return Resource(resource_type, label, kind_of_resource(resource_type), name, description)


def _module_nodes(
    tree: Mapping[str, str], block: Block, given: Mapping[str, str]
) -> tuple[list[Component], list[Edge], dict[str, str]]:
    """A module call as one node per primary kind of its resources, so an ECS module holding its
    load balancer shows an edge node feeding a compute node. The main node (the module's kind)
    also carries the observability and security resources; edge and network parts feed it, it
    feeds its data part. Also returns, per output, the part it comes from (when not the main)."""
    name = block.labels[0]
    source = _literal_str(block.body.attr("source")) or ""
    folder = _local_folder(".", source)
    resources = list(_module_resources(tree, folder, given, set())) if folder else []
    main_kind = kind_of_module(name, [r.kind for r in resources])
    parts = [k for k in PRIMARY_KINDS if k != main_kind and any(r.kind == k for r in resources)]
    main_id = _node_id(f"module.{name}")
    owned = tuple(r for r in resources if r.kind not in parts)
    sizing = tuple(f"{k} {v}" for k, v in given.items() if _SIZING.fullmatch(k))
    role = service_role(name, given, resources)
    nodes = [Component(main_id, name, main_kind, source, owned, sizing, role)]
    edges = []
    for kind in parts:
        part_id = f"{main_id}__{kind}"
        part = tuple(r for r in resources if r.kind == kind)
        nodes.append(Component(part_id, f"{name}: {KIND_TITLES[kind].lower()}", kind, "", part))
        edges.append(Edge(main_id, part_id) if kind == "data" else Edge(part_id, main_id))
    routes = _output_parts(_folder_files(tree, folder), parts, main_id) if folder and parts else {}
    return nodes, edges, routes


def _output_parts(files: list[_File], parts: list[str], main_id: str) -> dict[str, str]:
    """Outputs of a split module whose value comes from a resource of one of its parts."""
    routes = {}
    for file in files:
        for output in _blocks(file.doc, "output"):
            value = output.body.attr("value")
            kinds = [kind_of_resource(r.root) for r in value.refs] if value else []
            kind = next((k for k in kinds if k in parts), None)
            if kind:
                routes[output.labels[0]] = f"{main_id}__{kind}"
    return routes


def _module_resources(
    tree: Mapping[str, str], folder: str, given: Mapping[str, str], seen: set[str]
) -> Iterator[Resource]:
    """Resources of a local module folder, its nested local modules included."""
    if folder in seen:
        return
    seen.add(folder)
    files = _folder_files(tree, folder)
    scope = scope_of(files, given)
    for file in files:
        yield from (_resource(b, file.lines, scope) for b in _blocks(file.doc, "resource"))
        for call in _blocks(file.doc, "module"):
            inner = _local_folder(folder, _literal_str(call.body.attr("source")) or "")
            if inner:
                yield from _module_resources(tree, inner, arguments(call, file.lines, scope), seen)


def _local_folder(base: str, source: str) -> str | None:
    """The folder of a local module source (`./modules/x`) relative to the root, else None."""
    if not source.startswith(("./", "../")):
        return None
    parts = [p for p in base.split("/") if p and p != "."]
    for part in source.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) or "."


def _edges_into(target: str, body: Body, routes: Mapping[tuple[str, str], str]) -> Iterator[Edge]:
    """An edge from every module (or module part) and resource that `body` references,
    labelled by the outputs it uses."""
    outputs: dict[str, set[str]] = {}
    for attr in _all_attrs(body):
        for ref in attr.refs:
            if ref.root == "module" and ref.attrs:
                module, output = ref.attrs[0], ".".join(ref.attrs[1:2])
                source = routes.get((module, output), _node_id(f"module.{module}"))
                outputs.setdefault(source, set()).update([output] if output else [])
            elif "_" in ref.root and ref.attrs:
                outputs.setdefault(_node_id(f"{ref.root}.{ref.attrs[0]}"), set())
    for source, names in outputs.items():
        yield Edge(source, _node_id(target), ", ".join(sorted(names)))


def _all_attrs(body: Body) -> Iterator[Attr]:
    yield from body.attrs
    for block in body.blocks:
        yield from _all_attrs(block.body)


def _node_id(address: str) -> str:
    """A diagram-safe identifier: letters, digits and `_` only, never a keyword (`end`)."""
    prefix = "m_" if address.startswith("module.") else "r_"
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", address.removeprefix("module."))


def _literal_str(attr: Attr | None) -> str | None:
    return attr.value if attr is not None and isinstance(attr.value, str) else None


def _tfvars(tree: Mapping[str, str], env_name: str) -> dict[str, Any]:
    path = f"environments/{env_name}.tfvars"
    if path not in tree:
        listed = ", ".join(environment_names(tree)) or "none"
        raise InfrascaffoldError(path, f"no such environment (environments found: {listed})")
    body = parsed(tree[path], path).body
    return {a.name: a.value for a in body.attrs if a.literal}


def _env_files(tree: Mapping[str, str]) -> list[str]:
    return [p for p in tree if p.startswith("environments/") and p.endswith(".tfvars")]


def _first_str(values: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    found = (values.get(n) for n in names)
    return next((v for v in found if isinstance(v, str) and v), None)
