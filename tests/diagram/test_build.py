"""The architecture graph derived from Terraform, its Mermaid and dot forms, and the command."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.diagram.build import (
    architecture_context,
    architecture_from_folder,
    architecture_from_tree,
)
from infrascaffold.diagram.formats import (
    entry_points,
    kind_of_module,
    kind_of_resource,
    to_dot,
    to_mermaid,
)
from infrascaffold.diagram.model import Architecture
from infrascaffold.errors import InfrascaffoldError
from tests.builders import build_file_tree, example_answers, render_answers
from tests.platform_pack.test_docs import mermaid_errors

# A small root: a network module feeding an application module that holds its load balancer,
# a dashboard of the root's own, and two environments.
HAND_WRITTEN = {
    "main.tf": """
locals {
  name = "${var.project_name}-${var.environment}"
}

module "network" {
  source = "./modules/network"
  name   = local.name
  cidr   = var.vpc_cidr
}

module "app" {
  source     = "./modules/app"
  name       = local.name
  subnet_ids = module.network.private_subnet_ids
  vpc_id     = module.network.vpc_id
}

module "registry" {
  source  = "terraform-aws-modules/ecr/aws"
  version = "~> 2.0"
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name
  dashboard_body = jsonencode({ widgets = [module.app.widget] })
}
""",
    "variables.tf": """
variable "project_name" {
  type    = string
  default = "shop"
}

variable "environment" {
  type = string
}

variable "vpc_cidr" {
  type = string
}
""",
    "modules/network/main.tf": """
variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  count  = 2
  vpc_id = aws_vpc.this.id
}
""",
    "modules/app/main.tf": """
variable "name" {
  type = string
}

variable "threshold" {
  type    = number
  default = 10
}

resource "aws_ecs_cluster" "this" {
  name = var.name
}

resource "aws_lb" "this" {
  name    = "${var.name}-alb"
  subnets = var.subnet_ids
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name        = "${var.name}-5xx"
  alarm_description = "More than ${var.threshold} errors a minute on ${var.name}"
}
""",
    "environments/dev.tfvars": 'environment = "dev"\nregion = "eu-west-1"\nvpc_cidr = "10.10.0.0/16"\n',
    "environments/prod.tfvars": 'environment = "prod"\nregion = "us-east-1"\nvpc_cidr = "10.30.0.0/16"\n',
    ".terraform/modules/ignored.tf": 'resource "aws_instance" "cached" {}\n',
}


@pytest.fixture
def folder(tmp_path: Path, hcl2_warm: None) -> Path:
    return build_file_tree(tmp_path / "infra", HAND_WRITTEN)


def by_id(architecture: Architecture) -> dict[str, str]:
    return {c.id: c.kind for c in architecture.components}


def test_graph_of_a_hand_written_folder(folder: Path) -> None:
    architecture = architecture_from_folder(folder)
    assert by_id(architecture) == {
        "m_network": "network",
        "m_app": "compute",
        "m_app__edge": "edge",  # the module's load balancer, drawn apart
        "m_registry": "compute",  # a registry module: no resources, kind from its name
        "r_aws_cloudwatch_dashboard_main": "observability",
    }
    edges = {(e.source, e.target, e.label) for e in architecture.edges}
    assert edges == {
        ("m_network", "m_app", "private_subnet_ids, vpc_id"),
        ("m_app__edge", "m_app", ""),
        ("m_app", "r_aws_cloudwatch_dashboard_main", "widget"),
    }
    assert architecture.title == "Terraform root"
    assert "aws_instance" not in {r.type for r in architecture.resources()}  # .terraform skipped


def test_env_labels_the_graph_and_names_its_resources(folder: Path) -> None:
    architecture = architecture_from_folder(folder, "prod")
    assert (architecture.region, architecture.cidr) == ("us-east-1", "10.30.0.0/16")
    assert architecture.title == "prod · us-east-1 · 10.30.0.0/16"
    named = {r.address: (r.name, r.description) for r in architecture.resources()}
    assert named["aws_cloudwatch_metric_alarm.errors"] == (
        "shop-prod-5xx",
        "More than 10 errors a minute on shop-prod",
    )
    assert named["aws_lb.this"] == ("shop-prod-alb", None)
    assert named["aws_cloudwatch_dashboard.main"] == ("shop-prod", None)
    assert named["aws_subnet.private"] == (None, None)
    mermaid = to_mermaid(architecture)
    assert 'subgraph g_root["prod · us-east-1 · 10.30.0.0/16"]' in mermaid
    assert "internet --> m_app__edge" in mermaid
    assert 'm_network -->|"private_subnet_ids, vpc_id"| m_app' in mermaid


def test_dot_output_is_a_graphviz_digraph(folder: Path) -> None:
    dot = to_dot(architecture_from_folder(folder, "dev"))
    assert dot.startswith("digraph architecture {\n") and dot.endswith("}\n")
    assert 'label="dev · eu-west-1 · 10.10.0.0/16"' in dot
    assert "subgraph cluster_network {" in dot
    assert 'm_network -> m_app [tooltip="private_subnet_ids, vpc_id"];' in dot
    assert dot.count("{") == dot.count("}")
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg", "-o", "/dev/null"], input=dot, text=True, check=True)


def test_labels_cannot_break_the_diagrams(tmp_path: Path, hcl2_warm: None) -> None:
    quoted = {"main.tf": 'module "end" {\n  source = "./m<\\"x\\">"\n}\n'}
    architecture = architecture_from_folder(build_file_tree(tmp_path, quoted))
    assert [c.id for c in architecture.components] == ["m_end"]  # never Mermaid's `end`
    mermaid = to_mermaid(architecture)
    assert "#quot;" in mermaid and "#lt;" in mermaid
    assert re.search(r'\["end<br/>\./m#lt;#quot;x#quot;#gt;"\]', mermaid)
    assert '\\"x\\"' in to_dot(architecture)


def test_graph_of_a_rendered_aws_tree(hcl2_warm: None) -> None:
    tree = render_answers(example_answers("aws-containers"))
    architecture = architecture_from_tree(tree, "prod")
    kinds = by_id(architecture)
    assert kinds["m_network"] == "network"
    assert kinds["m_app"] == "compute"
    assert kinds["m_app__edge"] == "edge"
    assert kinds["m_database"] == "data"
    labels = {(e.source, e.target) for e in architecture.edges}
    assert ("m_network", "m_app") in labels
    assert ("m_network", "m_database") in labels
    alarms = {r.name for r in architecture.resources() if r.type == "aws_cloudwatch_metric_alarm"}
    assert "shop-prod-5xx" in alarms
    context = architecture_context(tree)
    assert set(context["environments"]) == {"dev", "staging", "prod"}
    prod = context["environments"]["prod"]
    assert (prod["region"], prod["cidr"]) == ("eu-west-1", "10.30.0.0/16")
    assert prod["names"]["aws_cloudwatch_dashboard"] == ["shop-prod"]
    assert prod["alarms"]["shop-prod-5xx"].startswith("More than")
    diagrams = [env["mermaid"] for env in context["environments"].values()]
    assert all(error is None for error in mermaid_errors(diagrams))


@pytest.mark.parametrize(
    ("resource_type", "kind"),
    [
        ("aws_vpc_security_group_ingress_rule", "security"),  # the longest prefix wins
        ("aws_route53_record", "edge"),
        ("google_compute_security_policy", "edge"),  # Cloud Armor guards the front door, like WAF
        ("google_compute_backend_service", "edge"),
        ("google_compute_region_network_endpoint_group", "edge"),
        ("google_compute_global_forwarding_rule", "edge"),
        ("google_cloud_run_v2_service", "compute"),
        ("google_cloudfunctions2_function", "compute"),
        ("google_container_node_pool", "compute"),
        ("google_sql_database_instance", "data"),
        ("google_redis_instance", "data"),
        ("google_storage_bucket_object", "data"),
        ("google_compute_subnetwork", "network"),
        ("google_vpc_access_connector", "network"),
        ("google_service_networking_connection", "network"),
        ("google_monitoring_alert_policy", "observability"),
        ("google_logging_metric", "observability"),
        ("google_secret_manager_secret", "security"),
        ("google_iam_workload_identity_pool", "security"),
        ("google_compute_firewall", "security"),
        ("azurerm_container_app", "compute"),
        ("azurerm_kubernetes_cluster_node_pool", "compute"),
        ("azurerm_function_app_flex_consumption", "compute"),
        ("azurerm_service_plan", "compute"),
        ("azurerm_cdn_frontdoor_endpoint", "edge"),
        ("azurerm_cdn_frontdoor_firewall_policy", "edge"),
        ("azurerm_dns_cname_record", "edge"),
        ("azurerm_postgresql_flexible_server", "data"),
        ("azurerm_managed_redis", "data"),
        ("azurerm_storage_account_static_website", "data"),
        ("azurerm_virtual_network", "network"),
        ("azurerm_public_ip", "network"),
        ("azurerm_monitor_metric_alert", "observability"),
        ("azurerm_log_analytics_workspace", "observability"),
        ("azurerm_key_vault", "security"),
        ("azurerm_federated_identity_credential", "security"),
        ("azurerm_management_lock", "security"),
        ("azurerm_private_endpoint", "other"),  # rides along with the vault or database it serves
        ("google_compute_global_address", "other"),  # a network's range or a load balancer's IP
    ],
)
def test_resource_kinds_of_every_cloud(resource_type: str, kind: str) -> None:
    assert kind_of_resource(resource_type) == kind


def test_module_kind_from_its_name_then_its_known_resources() -> None:
    vault = ["security", "observability", "observability", "other", "other", "other"]
    assert kind_of_module("key_vault", vault) == "security"  # the name's hint
    assert kind_of_module("things", ["other", "other", "security"]) == "security"  # not `other`
    assert kind_of_module("things", ["other"]) == "other"
    assert kind_of_module("anything", ["security", "edge"]) == "edge"  # a primary kind first


def without_domain(name: str) -> dict[str, Any]:
    """An example's answers without a domain (so with no protected environment, which needs one)."""
    answers = example_answers(name)
    environments = [dict(env, protected=False) for env in answers["environments"]]
    return {**answers, "domain": "", "environments": environments}


def test_graph_of_a_rendered_gcp_tree(hcl2_warm: None) -> None:
    tree = render_answers(without_domain("gcp-containers"))
    architecture = architecture_from_tree(tree, "prod")
    assert by_id(architecture) == {
        "m_registry": "compute",
        "m_waf": "edge",
        "m_app": "compute",
        "m_app__edge": "edge",  # the Cloud Run service's backend service and endpoint group
        "m_load_balancer": "edge",
        "m_secrets": "security",
        "m_network": "network",
        "m_observability": "observability",
        "m_database": "data",
    }
    assert entry_points(architecture) == ["m_load_balancer"]  # not the WAF, not the backend
    edges = {(e.source, e.target) for e in architecture.edges}
    assert {("m_app__edge", "m_load_balancer"), ("m_waf", "m_app")} <= edges
    assert ("m_network", "m_database") in edges
    prod = architecture_context(tree)["environments"]["prod"]
    assert (prod["region"], prod["cidr"]) == ("europe-west1", "10.30.0.0/16")
    names = prod["names"]
    assert names["google_cloud_run_v2_service"] == ["shop-prod"]
    assert "google_service_account" not in names  # runtime accounts are bootstrap's (data sources)
    assert "shop-prod-app" in names["google_secret_manager_secret"]
    latency = "shop-prod: p95 latency above 1000 ms"  # an alert policy's display name
    assert prod["alarms"][latency].startswith("Cloud Run service shop-prod answers slowly")


def test_graph_of_a_rendered_azure_tree(hcl2_warm: None) -> None:
    tree = render_answers(without_domain("azure-containers"))
    architecture = architecture_from_tree(tree, "prod")
    kinds = by_id(architecture)
    assert {k: kinds[k] for k in ("m_app", "m_registry", "m_key_vault", "m_database")} == {
        "m_app": "compute",
        "m_registry": "compute",
        "m_key_vault": "security",
        "m_database": "data",
    }
    assert kinds["m_network"] == "network"
    assert entry_points(architecture) == ["m_app"]  # no domain, no Front Door: the app's ingress
    # The resource group is bootstrap's, read with a data source: no node of the root stack.
    assert "r_azurerm_resource_group_this" not in kinds
    prod = architecture_context(tree)["environments"]["prod"]
    assert (prod["region"], prod["cidr"]) == ("westeurope", "10.30.0.0/16")  # vnet_cidr
    assert prod["names"]["azurerm_container_app"] == ["shop-prod"]
    assert prod["alarms"]["shop-prod-app-5xx"].startswith("More than 10 5xx answers")
    with_domain = render_answers({**without_domain("azure-containers"), "domain": "example.com"})
    assert entry_points(architecture_from_tree(with_domain, "prod")) == ["m_frontdoor"]


def test_diagrams_of_every_cloud_parse(hcl2_warm: None) -> None:
    diagrams = []
    for name in ("gcp-containers", "gcp-kubernetes-canary", "azure-kubernetes-canary"):
        environments = architecture_context(render_answers(example_answers(name)))["environments"]
        diagrams += [env["mermaid"] for env in environments.values()]
    assert all(error is None for error in mermaid_errors(diagrams))


def test_no_internet_node_without_an_entry(tmp_path: Path, hcl2_warm: None) -> None:
    files = {"main.tf": 'resource "aws_sns_topic" "alarms" {\n  name = "x"\n}\n'}
    architecture = architecture_from_folder(build_file_tree(tmp_path, files))
    assert entry_points(architecture) == []
    assert "internet" not in to_mermaid(architecture) and "internet" not in to_dot(architecture)


def test_context_of_a_tree_without_terraform_is_empty() -> None:
    assert architecture_context({"README.md": "# x\n"}) == {"components": [], "environments": {}}


def test_command_prints_mermaid_and_dot(folder: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["diagram", str(folder), "--env", "dev"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("flowchart LR\n")
    assert "dev · eu-west-1 · 10.10.0.0/16" in result.output
    result = runner.invoke(cli, ["diagram", str(folder), "--format", "dot"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("digraph architecture {")


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        (None, ["--env", "dev"], "no such folder"),
        ({"README.md": "# no terraform\n"}, [], "no Terraform files"),
        ({"main.tf": 'module "a" {\n  source = \n'}, [], "main.tf:"),
        (HAND_WRITTEN, ["--env", "qa"], "no such environment (environments found: dev, prod)"),
    ],
    ids=["missing-folder", "no-terraform", "syntax-error", "unknown-env"],
)
def test_bad_input_is_one_error_line_exit_2(
    tmp_path: Path, hcl2_warm: None, files: dict[str, str] | None, args: list[str], message: str
) -> None:
    target = tmp_path / "infra"
    if files is not None:
        build_file_tree(target, files)
    with pytest.raises(InfrascaffoldError, match=re.escape(message)):
        architecture_from_folder(target, args[1] if args else None)
    result = CliRunner().invoke(cli, ["diagram", str(target), *args])
    assert result.exit_code == 2
    assert message in result.output
