"""The pack's list prices against the vendored evidence they were checked on (tests/fixtures/prices)."""

from __future__ import annotations

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
    ("gcp", "us-central1"): {
        "run/gib_hour", "sql/ssd_gb_month", "redis/basic_m1_gb_hour", "redis/standard_m1_gb_hour",
    },
    ("gcp", "europe-west1"): {"run/gib_hour"},
    ("azure", "eastus"): {
        "containerapps/vcpu_hour", "containerapps/gib_hour",
        "vm/Standard_D2ds_v5", "vm/Standard_D4ds_v5", "vm/Standard_D8ds_v5",
    },
    ("azure", "westeurope"): {"acr/standard_day", "acr/premium_day"},
}  # fmt: skip


def test_the_unverified_figures_are_exactly_the_known_ones() -> None:
    tables = load_pack("platform").data["prices"]
    found = {
        (cloud, region): {key for key, fig in figures.items() if fig["checked"] == "unverified"}
        for cloud, table in tables.items()
        for region, figures in table["regions"].items()
    }
    assert {where: keys for where, keys in found.items() if keys} == UNVERIFIED
    assert sum(len(keys) for keys in UNVERIFIED.values()) == 25
