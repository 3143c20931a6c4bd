"""Real modules (tests/fixtures/real: slices of terraform-aws-vpc and terraform-google-network)
validate clean, and 20 defects planted in them are found at their file and line."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import read_tree, validate_tree

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")

REAL = Path(__file__).parents[1] / "fixtures" / "real"
AWS = "aws-vpc-endpoints/main.tf"
GCP = "gcp-firewall-rules/main.tf"
ROOT = "root/main.tf"


class Plant(NamedTuple):
    """Replace the first `old` in `path` by `new`; `check` must be reported at the line of
    `old` (plus `offset` lines)."""

    path: str
    old: str
    new: str
    check: str
    offset: int = 0


PLANTS = [
    Plant(AWS, "vpc_id            = var.vpc_id", "vpc_id = var.vpc_idd", "undeclared-reference"),
    Plant(AWS, "concat(local.security_group_ids,", "concat(local.sg_ids,", "undeclared-reference"),
    Plant(
        ROOT,
        "module.endpoints.endpoints :",
        "module.endpoints.endpointz :",
        "module-unknown-output",
    ),
    Plant(AWS, "  auto_accept       =", "  auto_acept        =", "schema-unknown-argument"),
    Plant(
        AWS,
        'resource "aws_vpc_endpoint" "this"',
        'resource "aws_vpc_endpont" "this"',
        "schema-unknown-type",
    ),
    Plant(
        "gcp-firewall-rules/outputs.tf",
        "  value       = google_compute_firewall",
        "  value       = google_compute_firewal",
        "undeclared-reference",
    ),
    Plant(
        AWS,
        "  policy              =",
        "  policy = null\n  policy              =",
        "hcl-duplicate",
        1,
    ),
    Plant(
        GCP,
        "  priority                = each.value.priority",
        "  priority                = each.value.priority +",
        "hcl-syntax",
    ),
    Plant("root/environments/dev.tfvars", "project_id", "projectid", "tfvars-unknown-variable"),
    Plant(ROOT, 'module "firewall" {', 'module "firewall" "x" {', "hcl-block-labels"),
    Plant(
        ROOT,
        "  network_name = var.network_name",
        "  network_nme  = var.network_name",
        "module-unknown-argument",
    ),
    Plant(ROOT, "  project_id   = var.project_id\n", "", "module-missing-argument", -3),
    Plant(ROOT, '  type  = "StringList"', "  type  = each.value", "each-outside-for-each"),
    Plant(
        ROOT,
        '  name  = "/network/endpoint-ids"',
        '  name  = "/network/${count.index}"',
        "count-outside-count",
    ),
    Plant(
        "root/variables.tf",
        'variable "network_name" {',
        'variable "project_id" {',
        "duplicate-declaration",
    ),
    Plant(
        GCP,
        "  network                 = var.network_name",
        "  netwrk                  = var.network_name",
        "schema-unknown-argument",
    ),
    Plant(
        GCP,
        "  project                 = var.project_id",
        "  project                 = var.project",
        "undeclared-reference",
    ),
    Plant(
        AWS,
        "data.aws_vpc_endpoint_service.this[each.key]",
        "data.aws_vpc_endpoint_services.this[each.key]",
        "undeclared-reference",
    ),
    Plant(ROOT, '  type  = "StringList"\n', "", "schema-missing-argument", -2),
    Plant(
        ROOT,
        "[for rule in module.firewall.firewall_rules",
        "[for rule in module.firewal.firewall_rules",
        "undeclared-reference",
    ),
]


def validate(tree: dict[str, str], cache: Path) -> set[tuple[str, int, str]]:
    settings = load_settings(REAL)
    return {
        (f.path, f.line, f.check) for f in validate_tree(tree, cache_dir=cache, settings=settings)
    }


def test_real_modules_validate_without_findings(tmp_path: Path) -> None:
    assert validate(read_tree(REAL), tmp_path) == set()


def planted(plant: Plant) -> tuple[dict[str, str], tuple[str, int, str]]:
    tree = read_tree(REAL)
    text = tree[plant.path]
    assert text.count(plant.old) >= 1, plant
    offset = text.index(plant.old)
    tree[plant.path] = text.replace(plant.old, plant.new, 1)
    line = text.count("\n", 0, offset) + 1 + plant.offset
    return tree, (plant.path, line, plant.check)


def test_at_least_19_of_20_planted_defects_are_found_at_their_line(tmp_path: Path) -> None:
    assert len(PLANTS) == 20
    assert len({p.check for p in PLANTS}) >= 10  # of different kinds
    missed = []
    for number, plant in enumerate(PLANTS):
        tree, expected = planted(plant)
        if expected not in validate(tree, tmp_path / str(number)):
            missed.append(expected)
    assert len(missed) <= 1, missed
