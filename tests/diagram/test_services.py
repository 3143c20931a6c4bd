"""Service nodes of the diagram (issue 25): module calls `app` / `svc_<name>`, by kind."""

from __future__ import annotations

from infrascaffold.diagram.build import architecture_context, architecture_from_tree
from infrascaffold.diagram.formats import to_dot, to_mermaid
from infrascaffold.diagram.model import Resource, ServiceRole
from infrascaffold.diagram.services import service_name, service_role

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
