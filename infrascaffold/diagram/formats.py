"""How an architecture graph is drawn: the groups its components fall in (by resource type),
and one writer per format, listed in `FORMATS`: Mermaid `flowchart` (GitHub, GitLab render it)
and Graphviz `dot`. Identifiers come from `build._node_id` (letters, digits, `_`); labels
are escaped here, so no Terraform name can break a diagram.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from infrascaffold.diagram.model import Architecture, Component

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
# Edge: what stands between the Internet and the application (load balancers, CDNs, WAFs, DNS,
# certificates); a Cloud Armor policy is edge like an AWS WAF ACL, as both guard the front door.
_TYPE_PREFIXES = {
    "edge": """aws_lb aws_alb aws_cloudfront aws_apigatewayv2 aws_api_gateway aws_route53 aws_acm
        aws_wafv2 aws_globalaccelerator
        google_compute_global_forwarding_rule google_compute_forwarding_rule google_compute_url_map
        google_compute_target_http google_compute_target_ssl_proxy
        google_compute_target_tcp_proxy google_compute_backend_service
        google_compute_region_backend_service google_compute_backend_bucket
        google_compute_region_network_endpoint_group google_compute_managed_ssl_certificate
        google_compute_ssl_certificate google_compute_ssl_policy google_compute_security_policy
        google_certificate_manager google_dns google_api_gateway
        azurerm_application_gateway azurerm_cdn azurerm_dns azurerm_frontdoor azurerm_lb
        azurerm_api_management azurerm_traffic_manager azurerm_web_application_firewall_policy""",
    "compute": """aws_ecs aws_eks aws_lambda aws_ecr aws_appautoscaling aws_autoscaling
        aws_launch_template aws_instance helm_release kubernetes_ google_cloud_run
        google_container google_cloudfunctions google_artifact_registry google_compute_instance
        google_compute_region_instance google_compute_autoscaler google_app_engine google_eventarc
        google_cloud_scheduler google_cloud_tasks azurerm_container_app azurerm_container_group
        azurerm_kubernetes azurerm_function_app azurerm_linux_function_app
        azurerm_windows_function_app azurerm_linux_web_app azurerm_windows_web_app
        azurerm_service_plan azurerm_app_service azurerm_static_web_app
        azurerm_linux_virtual_machine azurerm_windows_virtual_machine azurerm_virtual_machine
        azurerm_container_registry""",
    "data": """aws_db aws_rds aws_elasticache aws_s3 aws_dynamodb aws_efs google_sql google_redis
        google_memcache google_alloydb google_spanner google_bigtable google_bigquery
        google_firestore google_filestore google_storage google_pubsub azurerm_postgresql
        azurerm_mysql azurerm_mssql azurerm_cosmosdb azurerm_redis azurerm_managed_redis
        azurerm_storage azurerm_servicebus azurerm_eventhub""",
    "network": """aws_vpc aws_subnet aws_nat_gateway aws_internet_gateway aws_route aws_eip
        aws_network_acl aws_default_ aws_flow_log google_compute_network
        google_compute_subnetwork google_compute_router google_compute_route
        google_compute_vpn google_compute_ha_vpn google_compute_interconnect
        google_service_networking_connection google_vpc_access_connector
        azurerm_virtual_network azurerm_subnet azurerm_nat_gateway azurerm_public_ip
        azurerm_route azurerm_bastion_host""",
    "observability": """aws_cloudwatch aws_sns aws_xray google_monitoring google_logging
        azurerm_monitor azurerm_log_analytics azurerm_application_insights
        azurerm_portal_dashboard azurerm_dashboard""",
    "security": """aws_iam aws_kms aws_secretsmanager aws_security_group aws_vpc_security_group
        aws_ssm google_service_account google_project_iam google_iam google_kms
        google_secret_manager google_compute_firewall google_binary_authorization
        google_access_context_manager google_org_policy azurerm_role azurerm_key_vault
        azurerm_user_assigned_identity azurerm_federated_identity_credential
        azurerm_network_security azurerm_firewall azurerm_management_lock azurerm_policy""",
}
# Left as "other" on purpose, riding along with the component they serve: addresses used both by
# networks and load balancers (`google_compute_global_address`), private endpoints and private
# DNS zones (a key vault's, a database's: drawn apart they would split it), API enablement,
# resource groups and random values.
_PREFIX_KIND = sorted(
    ((prefix, kind) for kind, prefixes in _TYPE_PREFIXES.items() for prefix in prefixes.split()),
    key=lambda item: -len(item[0]),
)
# Where traffic from the Internet lands: the components holding one of these are the diagram's
# entry points (a load balancer, a CDN distribution, an API, a forwarding rule, a Front Door
# endpoint), rather than what guards them (a WAF) or names them (DNS).
_FRONT_DOOR_PREFIXES = tuple(
    """aws_lb aws_alb aws_cloudfront_distribution aws_apigatewayv2_api aws_api_gateway_rest_api
    aws_globalaccelerator_accelerator google_compute_global_forwarding_rule
    google_compute_forwarding_rule google_api_gateway_gateway azurerm_cdn_frontdoor_endpoint
    azurerm_frontdoor azurerm_application_gateway azurerm_api_management""".split()
)
# What holds an environment's resources rather than serving it: drawn, but no edge leaves it.
_SCOPE_TYPES = frozenset({"azurerm_resource_group", "google_project", "google_folder"})
# Without any edge component, the compute that answers the Internet itself (a Container App's or
# a function's public ingress, a cluster's public load balancer) is where traffic lands.
_PUBLIC_COMPUTE_PREFIXES = (
    "azurerm_container_app",
    "azurerm_linux_function_app",
    "azurerm_function_app",
    "azurerm_kubernetes_cluster",
    "google_cloud_run",
    "google_cloudfunctions",
    "google_container_cluster",
)
# A module from a registry shows no resources: its name hints at its kind.
_NAME_HINTS = {
    "edge": "alb lb cdn edge gateway api dns site waf armor frontdoor balancer",
    "compute": "ecs eks ecr lambda compute cluster app registry gke aks run function functions",
    "data": "database db rds sql cache redis storage bucket",
    "network": "network vpc vnet",
    "observability": "monitoring observability alarms alerts logs",
    "security": "iam kms secrets security identity vault",
}
INTERNET = "internet"
_MAX_TYPES = 3


def to_mermaid(architecture: Architecture) -> str:
    """A Mermaid flowchart: one subgraph per kind inside one for the environment."""
    entries = entry_points(architecture)
    lines = ["flowchart LR"]
    lines.extend([f'  {INTERNET}(["Internet"])'] if entries else [])
    lines.append(f'  subgraph g_root["{_mermaid_text(architecture.title)}"]')
    lines.append("    direction LR")
    for kind, members in _by_kind(architecture):
        lines.append(f'    subgraph g_{kind}["{KIND_TITLES[kind]}"]')
        lines.extend(f'      {c.id}["{_mermaid_text(_label(c), "<br/>")}"]' for c in members)
        lines.append("    end")
    lines.append("  end")
    lines.extend(f"  {INTERNET} --> {target}" for target in entries)
    for edge in architecture.edges:
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"  {edge.source} -->{label} {edge.target}")
    return "\n".join(lines) + "\n"


def to_dot(architecture: Architecture) -> str:
    """A Graphviz digraph: one cluster per tier (kind), flowing left to right from the Internet."""
    title = _dot_text(architecture.title)
    lines = [
        "digraph architecture {",
        f'  graph [rankdir=LR, labelloc=t, label="{title}", nodesep=0.35, ranksep=0.8];',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
    ]
    entries = entry_points(architecture)
    lines.extend([f'  {INTERNET} [label="Internet", shape=ellipse];'] if entries else [])
    for kind, members in _by_kind(architecture):
        lines.append(f"  subgraph cluster_{kind} {{")
        lines.append(f'    label="{KIND_TITLES[kind]}";')
        lines.extend(f'    {c.id} [label="{_dot_text(_label(c), chr(10))}"];' for c in members)
        lines.append("  }")
    lines.extend(f"  {INTERNET} -> {target};" for target in entries)
    for edge in architecture.edges:
        # What flows (the outputs) is a tooltip: as labels they overlap on any real graph.
        tip = f' [tooltip="{_dot_text(edge.label)}"]' if edge.label else ""
        lines.append(f"  {edge.source} -> {edge.target}{tip};")
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Architecture], str]] = {"mermaid": to_mermaid, "dot": to_dot}


def entry_points(architecture: Architecture) -> list[str]:
    """Where traffic from the Internet lands: the components holding a front door (a load
    balancer, a CDN, an API, a forwarding rule); without one, the edge components no other edge
    component feeds; without any edge component, the compute with a public ingress."""
    components = architecture.components
    doors = [c.id for c in components if _holds(c, _FRONT_DOOR_PREFIXES)]
    edge_ids = {c.id for c in components if c.kind == "edge"}
    if doors or not edge_ids:
        return doors or [
            c.id for c in components if c.kind == "compute" and _holds(c, _PUBLIC_COMPUTE_PREFIXES)
        ]
    fed = {e.target for e in architecture.edges if e.source in edge_ids}
    return [c.id for c in components if c.id in edge_ids and c.id not in fed]


def _holds(component: Component, prefixes: tuple[str, ...]) -> bool:
    return any(r.type.startswith(prefixes) for r in component.resources)


def _by_kind(architecture: Architecture) -> list[tuple[str, list[Component]]]:
    groups = [(k, [c for c in architecture.components if c.kind == k]) for k in KIND_TITLES]
    return [(k, members) for k, members in groups if members]


def _label(component: Component) -> list[str]:
    """Name, service (several services), source and main resource types, one line each."""
    lines = [component.label]
    if component.service:
        lines.append(component.service.text)
    if component.source:
        lines.append(component.source)
    if component.sizing:
        lines.append(" · ".join(component.sizing))
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


def is_scope(resource_type: str) -> bool:
    """Whether the type holds an environment's resources (a resource group, a project)."""
    return resource_type in _SCOPE_TYPES


def kind_of_module(name: str, resource_kinds: list[str]) -> str:
    """A module's group: its first primary kind (a module running the application is compute,
    whatever else it holds), else its name's hint, else its most common kind (`other` last)."""
    counts = Counter(resource_kinds)
    primary = next((k for k in PRIMARY_KINDS if counts[k]), None)
    if primary:
        return primary
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    hinted = next((k for k, hints in _NAME_HINTS.items() if words & set(hints.split())), None)
    if hinted:
        return hinted
    known = [k for k in KINDS if k != "other" and counts[k]]
    return max(known, key=lambda k: counts[k]) if known else "other"
