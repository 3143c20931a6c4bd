"""How an architecture graph is drawn: the groups its components fall in (by resource type),
and one writer per format, listed in `FORMATS`: Mermaid `flowchart` (GitHub, GitLab render it)
and Graphviz `dot`. Identifiers come from `diagram._node_id` (letters, digits, `_`); labels
are escaped here, so no Terraform name can break a diagram.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model imports this module (kinds, Mermaid for the docs' context)
    from infrascaffold.diagram import Architecture, Component

# The groups of a diagram, in display order.
KIND_TITLES = {
    "edge": "Edge",
    "compute": "Compute",
    "data": "Data",
    "network": "Network",
    "observability": "Observability",
    "security": "Security",
    "other": "Other",
}
KINDS = tuple(KIND_TITLES)  # edge, compute, data, network, observability, security, other
# What a component *is*, in priority order; observability and security resources ride along (a
# compute module's IAM role does not make it a security component).
PRIMARY_KINDS = ("compute", "data", "edge", "network")
# Resource type prefix → kind; the longest matching prefix wins (`aws_vpc_security_group_…`).
_TYPE_PREFIXES = {
    "edge": """aws_lb aws_alb aws_cloudfront aws_apigatewayv2 aws_api_gateway aws_route53 aws_acm
        aws_wafv2 google_compute_global_forwarding_rule google_compute_url_map google_dns
        azurerm_application_gateway azurerm_cdn azurerm_dns azurerm_frontdoor""",
    "compute": """aws_ecs aws_eks aws_lambda aws_ecr aws_appautoscaling aws_autoscaling
        aws_launch_template aws_instance helm_release kubernetes_ google_cloud_run
        google_container google_cloudfunctions google_artifact_registry azurerm_container_app
        azurerm_kubernetes azurerm_function_app azurerm_linux_function_app
        azurerm_container_registry""",
    "data": """aws_db aws_rds aws_elasticache aws_s3 aws_dynamodb aws_efs google_sql google_redis
        google_storage azurerm_postgresql azurerm_mysql azurerm_redis azurerm_storage""",
    "network": """aws_vpc aws_subnet aws_nat_gateway aws_internet_gateway aws_route aws_eip
        aws_network_acl aws_default_ aws_flow_log google_compute_network
        google_compute_subnetwork google_compute_router azurerm_virtual_network azurerm_subnet
        azurerm_nat_gateway""",
    "observability": """aws_cloudwatch aws_sns aws_xray google_monitoring google_logging
        azurerm_monitor azurerm_log_analytics azurerm_application_insights""",
    "security": """aws_iam aws_kms aws_secretsmanager aws_security_group aws_vpc_security_group
        aws_ssm google_service_account google_project_iam google_kms google_secret_manager
        google_compute_firewall azurerm_role azurerm_key_vault azurerm_user_assigned_identity
        azurerm_network_security""",
}
_PREFIX_KIND = sorted(
    ((prefix, kind) for kind, prefixes in _TYPE_PREFIXES.items() for prefix in prefixes.split()),
    key=lambda item: -len(item[0]),
)
# A module from a registry shows no resources: its name hints at its kind.
_NAME_HINTS = {
    "edge": "alb lb cdn edge gateway api dns site",
    "compute": "ecs eks ecr lambda compute cluster app registry gke aks run",
    "data": "database db rds cache redis storage bucket",
    "network": "network vpc vnet",
    "observability": "monitoring observability alarms logs",
    "security": "iam kms secrets security identity",
}
INTERNET = "internet"
_MAX_TYPES = 3


def to_mermaid(architecture: Architecture) -> str:
    """A Mermaid flowchart: one subgraph per kind inside one for the environment."""
    lines = ["flowchart LR", f'  {INTERNET}(["Internet"])']
    lines.append(f'  subgraph g_root["{_mermaid_text(architecture.title)}"]')
    lines.append("    direction LR")
    for kind, members in _by_kind(architecture):
        lines.append(f'    subgraph g_{kind}["{KIND_TITLES[kind]}"]')
        lines.extend(f'      {c.id}["{_mermaid_text(_label(c), "<br/>")}"]' for c in members)
        lines.append("    end")
    lines.append("  end")
    lines.extend(f"  {INTERNET} --> {target}" for target in entry_points(architecture))
    for edge in architecture.edges:
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {edge.source} -->{label} {edge.target}")
    return "\n".join(lines) + "\n"


def to_dot(architecture: Architecture) -> str:
    """A Graphviz digraph: one cluster per kind."""
    lines = [
        "digraph architecture {",
        f'  graph [rankdir=LR, labelloc=t, label="{_dot_text(architecture.title)}"];',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        f'  {INTERNET} [label="Internet", shape=ellipse];',
    ]
    for kind, members in _by_kind(architecture):
        lines.append(f"  subgraph cluster_{kind} {{")
        lines.append(f'    label="{KIND_TITLES[kind]}";')
        lines.extend(f'    {c.id} [label="{_dot_text(_label(c), chr(10))}"];' for c in members)
        lines.append("  }")
    lines.extend(f"  {INTERNET} -> {target};" for target in entry_points(architecture))
    for edge in architecture.edges:
        label = f' [label="{_dot_text(edge.label)}"]' if edge.label else ""
        lines.append(f"  {edge.source} -> {edge.target}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Architecture], str]] = {"mermaid": to_mermaid, "dot": to_dot}


def entry_points(architecture: Architecture) -> list[str]:
    """Edge components no other edge component feeds: where traffic from the Internet lands."""
    edge_ids = {c.id for c in architecture.components if c.kind == "edge"}
    fed = {e.target for e in architecture.edges if e.source in edge_ids}
    return [c.id for c in architecture.components if c.id in edge_ids and c.id not in fed]


def _by_kind(architecture: Architecture) -> list[tuple[str, list[Component]]]:
    groups = [(k, [c for c in architecture.components if c.kind == k]) for k in KIND_TITLES]
    return [(k, members) for k, members in groups if members]


def _label(component: Component) -> list[str]:
    """Name, source and the main resource types of a component, one line each."""
    lines = [component.label]
    if component.source:
        lines.append(component.source)
    own = [r.type for r in component.resources if r.kind == component.kind]
    types = sorted(set(own or [r.type for r in component.resources]))
    count = len(component.resources)
    if types and not (count == 1 and component.label == component.resources[0].address):
        more = len(types) - _MAX_TYPES
        shown = ", ".join(types[:_MAX_TYPES]) + (f" +{more}" if more > 0 else "")
        lines.append(f"{shown} ({count} resource{'' if count == 1 else 's'})")
    return lines


def _mermaid_text(text: str | list[str], separator: str = " ") -> str:
    """Text inside a quoted Mermaid label: quotes and markup become entity codes."""
    parts = [text] if isinstance(text, str) else text
    entities = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "`": "#96;"}
    escaped = ["".join(entities.get(ch, ch) for ch in part) for part in parts]
    return separator.join(escaped)


def _dot_text(text: str | list[str], separator: str = " ") -> str:
    parts = [text] if isinstance(text, str) else text
    escaped = [p.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") for p in parts]
    return "\\n".join(escaped) if separator == "\n" else separator.join(escaped)


def kind_of_resource(resource_type: str) -> str:
    """The diagram group of a resource type (`aws_nat_gateway` → `network`)."""
    return next((k for p, k in _PREFIX_KIND if resource_type.startswith(p)), "other")


def kind_of_module(name: str, resource_kinds: list[str]) -> str:
    """A module's group: its first primary kind (a module running the application is compute,
    whatever else it holds), else its name's hint, else its most common kind."""
    counts = Counter(resource_kinds)
    primary = next((k for k in PRIMARY_KINDS if counts[k]), None)
    if primary:
        return primary
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    hinted = next((k for k, hints in _NAME_HINTS.items() if words & set(hints.split())), None)
    if hinted:
        return hinted
    return max(KINDS, key=lambda k: counts[k]) if counts else "other"
