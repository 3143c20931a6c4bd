"""The architecture graph derived from Terraform, its Mermaid and dot forms, and the command."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.diagram import (
    Architecture,
    architecture_context,
    architecture_from_folder,
    architecture_from_tree,
)
from infrascaffold.diagram_formats import to_dot, to_mermaid
from infrascaffold.errors import InfrascaffoldError
from tests.builders import build_file_tree, example_answers, render_answers
from tests.test_pack_docs import mermaid_errors

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
    assert 'm_network -> m_app [label="private_subnet_ids, vpc_id"];' in dot
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
