"""Service nodes of the diagram (issue 25): module calls `app` / `svc_<name>`, by kind."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.diagram.build import (
    architecture_context,
    architecture_from_folder,
    architecture_from_tree,
)
from infrascaffold.diagram.formats import to_dot, to_mermaid
from infrascaffold.diagram.model import Resource, ServiceRole
from infrascaffold.diagram.services import service_name, service_role
from infrascaffold.write.record import recorded_services

# A root running four services on the names contract: the primary `app` holding the load
# balancer, an http service routed by path, a worker, a scheduled job and a static front end.
SERVICES_ROOT = {
    "main.tf": """
module "app" {
  source            = "./modules/service"
  name              = var.name
  health_check_path = "/healthz"
}

module "svc_admin" {
  source      = "./modules/service"
  name        = "${var.name}-admin"
  path_prefix = "/admin"
}

module "svc_worker" {
  source = "./modules/worker"
  name   = "${var.name}-worker"
}

module "svc_nightly_report" {
  source   = "./modules/job"
  name     = "${var.name}-nightly-report"
  schedule = "15 2 * * *"
}

module "svc_web" {
  source = "./modules/site"
  name   = "${var.name}-web"
}
""",
    "variables.tf": 'variable "name" {\n  type    = string\n  default = "shop"\n}\n',
    "modules/service/main.tf": """
resource "aws_ecs_service" "this" {
  name = var.name
}

resource "aws_lb_target_group" "this" {
  name = var.name
}
""",
    "modules/service/variables.tf": 'variable "name" {}\nvariable "health_check_path" {\n  default = "/"\n}\nvariable "path_prefix" {\n  default = "/"\n}\n',
    "modules/worker/main.tf": 'resource "aws_ecs_service" "this" {\n  name = var.name\n}\n',
    "modules/worker/variables.tf": 'variable "name" {}\n',
    "modules/job/main.tf": """
resource "aws_ecs_task_definition" "this" {
  family = var.name
}

resource "aws_scheduler_schedule" "this" {
  name                = var.name
  schedule_expression = "cron(${var.schedule})"
}
""",
    "modules/job/variables.tf": 'variable "name" {}\nvariable "schedule" {}\n',
    "modules/site/main.tf": """
resource "aws_s3_bucket" "site" {
  bucket = var.name
}

resource "aws_cloudfront_distribution" "site" {
  comment = var.name
}
""",
    "modules/site/variables.tf": 'variable "name" {}\n',
}


def _roles() -> dict[str, ServiceRole | None]:
    architecture = architecture_from_tree(SERVICES_ROOT)
    return {c.label: c.service for c in architecture.components if not c.label.count(":")}


def test_every_service_module_is_a_node_of_its_kind() -> None:
    assert _roles() == {
        "app": ServiceRole("app", "http"),
        "svc_admin": ServiceRole("admin", "http", "/admin"),
        "svc_worker": ServiceRole("worker", "worker"),
        "svc_nightly_report": ServiceRole("nightly-report", "job", "15 2 * * * UTC"),
        "svc_web": ServiceRole("web", "static", "CDN"),
    }


def test_the_diagrams_label_each_service_with_its_kind_path_and_schedule() -> None:
    architecture = architecture_from_tree(SERVICES_ROOT)
    mermaid, dot = to_mermaid(architecture), to_dot(architecture)
    for text in (
        "admin: http service · /admin",
        "worker: worker service",
        "nightly-report: job service · 15 2 * * * UTC",
        "web: static front end · CDN",
    ):
        assert text in mermaid
        assert text in dot


def test_the_docs_context_carries_each_components_service() -> None:
    components = {c["label"]: c for c in architecture_context(SERVICES_ROOT)["components"]}
    assert components["svc_web"]["service"] == {"name": "web", "kind": "static", "detail": "CDN"}
    assert components["svc_worker"]["service"]["kind"] == "worker"


def test_a_single_service_root_draws_as_before() -> None:
    single = dict(SERVICES_ROOT, **{"main.tf": SERVICES_ROOT["main.tf"].split('module "svc_')[0]})
    architecture = architecture_from_tree(single)
    assert [c.label for c in architecture.components] == ["app", "app: edge"]
    assert all(c.service is None for c in architecture.components)
    assert "http service" not in to_mermaid(architecture)


def test_service_names_follow_the_names_contract() -> None:
    assert service_name("app") == "app"
    assert service_name("svc_nightly_report") == "nightly-report"
    assert service_name("svc_") is None
    assert service_name("network") is None


def test_a_module_that_runs_no_service_has_no_role() -> None:
    iam = [Resource("aws_iam_role", "this", "security")]
    assert service_role("svc_x", {}, iam) is None
    assert service_role("network", {}, [Resource("aws_vpc", "this", "network")]) is None


# The answers of SERVICES_ROOT (done-audit): when the render (or the repository's recorded
# answers) knows the services, the roles come from them, not from guesses on the Terraform.
ANSWERED = [
    {"name": "api", "kind": "http", "path": "/", "runtime": "node", "version": "22",
     "port": 3000, "health_path": "/healthz"},
    {"name": "admin", "kind": "http", "path": "/admin", "runtime": "container", "version": "",
     "port": 8080, "health_path": "/"},
    {"name": "worker", "kind": "worker", "runtime": "java", "version": "21", "port": 8081,
     "health_path": "/health"},
    {"name": "nightly-report", "kind": "job", "runtime": "python", "version": "3.13",
     "schedule": "15 2 * * *"},
    {"name": "web", "kind": "static", "runtime": "node", "version": "22"},
]  # fmt: skip


def test_the_answers_name_each_module_its_service_kind_port_health_and_runtime() -> None:
    architecture = architecture_from_tree(SERVICES_ROOT, None, ANSWERED)
    roles = {c.label: c.service for c in architecture.components}
    assert roles["app"] == ServiceRole("api", "http", "/ · :3000/healthz · node 22")
    assert roles["svc_admin"] == ServiceRole("admin", "http", "/admin · :8080/ · own image")
    assert roles["svc_worker"] == ServiceRole("worker", "worker", ":8081/health · java 21")
    assert roles["svc_nightly_report"] == ServiceRole(
        "nightly-report", "job", "15 2 * * * UTC · python 3.13"
    )
    assert roles["svc_web"] == ServiceRole("web", "static", "CDN · node 22")
    assert "worker: worker service · :8081/health · java 21" in to_mermaid(architecture)


def test_a_worker_or_jobs_module_draws_no_edge_and_a_cluster_no_service() -> None:
    worker_lb = dict(SERVICES_ROOT)
    worker_lb["modules/worker/main.tf"] += (
        'resource "aws_lb_target_group" "this" {\n  count = 0\n}\n'
    )
    worker_lb["modules/service/main.tf"] += 'resource "aws_eks_cluster" "this" {\n  name = "c"\n}\n'
    labels = [c.label for c in architecture_from_tree(worker_lb, None, ANSWERED).components]
    assert "svc_worker: edge" not in labels and "app: edge" in labels
    guessed = [c.label for c in architecture_from_tree(worker_lb).components]
    assert "svc_worker: edge" in guessed, "without the answers, the Terraform is all it knows"
    components = architecture_from_tree(worker_lb, None, ANSWERED).components
    assert next(c for c in components if c.label == "app").service is None, "the cluster"


def test_a_single_answered_service_draws_as_before() -> None:
    architecture = architecture_from_tree(SERVICES_ROOT, None, ANSWERED[:1])
    assert all(c.service is None for c in architecture.components)


def test_the_cli_reads_the_recorded_services(tmp_path: Path) -> None:
    for rel, text in SERVICES_ROOT.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert recorded_services(tmp_path) == ()
    record = tmp_path / ".infrascaffold" / "answers.yaml"
    record.parent.mkdir()
    record.write_text(yaml.safe_dump({"services": ANSWERED}), encoding="utf-8")
    architecture = architecture_from_folder(tmp_path, None, recorded_services(tmp_path))
    roles = {c.label: c.service for c in architecture.components}
    # and the command passes them: `infrascaffold diagram DIR` labels the primary by its service
    result = CliRunner().invoke(cli, ["diagram", str(tmp_path), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    assert "/ · :3000/healthz · node 22" in result.output
    assert roles["app"] == ServiceRole("api", "http", "/ · :3000/healthz · node 22")
    record.write_text("services: [unclosed\n", encoding="utf-8")
    assert recorded_services(tmp_path) == (), "an unreadable record: the Terraform alone"
