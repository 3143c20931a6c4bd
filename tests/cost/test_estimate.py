"""The estimator over hand-written cost models: quantities × list prices, per period, nothing guessed."""

from __future__ import annotations

from typing import Any

import pytest

from infrascaffold.cost.estimate import budget_warnings, estimate_cost
from infrascaffold.cost.report import format_environment, format_json, format_summary
from infrascaffold.errors import PackError
from infrascaffold.templating.environment import make_environment

ENV = make_environment(())
PRICES = {
    "as_of": "2026-01-01",
    "sources": {"vm": "https://example.com/vm", "lb": "https://example.com/lb"},
    "regions": {"north": {"vm/small": 0.1, "vm/big": 0.4, "lb/day": 0.5, "lb/month": 20}},
}
RESOURCES = [
    {"name": "VMs", "unit": "VM", "quantity": "sizing.vms", "price": "'vm/' ~ sizing.vm", "per": "hour"},
    {"name": "LB", "unit": "lb", "quantity": "1", "price": "'lb/day'", "per": "day"},
    {"name": "LB fee", "unit": "lb", "quantity": "1", "price": "'lb/month'", "per": "month"},
    {"name": "Standby", "unit": "VM", "quantity": "1", "price": "'vm/' ~ sizing.vm", "per": "hour",
     "when": "env.protected"},
    {"name": "Disk", "unit": "GB", "quantity": "10", "price": "'disk/gb'", "per": "month"},
]  # fmt: skip
MODEL = {
    "environments": "environments",
    "bind": {"sizing": "data.sizes[env.size]"},
    "region": "env.region",
    "budget": "env.budget",
    "resources": "data.cost.resources",
    "prices": "data.prices",
    "hours_per_month": 730,
}


def _context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "environments": [
            {"name": "dev", "region": "north", "size": "s", "protected": False, "budget": 100},
            {"name": "prod", "region": "north", "size": "l", "protected": True, "budget": 500},
            {"name": "far", "region": "south", "size": "s", "protected": False, "budget": 0},
        ],
        "data": {
            "cost": {"estimate": MODEL, "resources": RESOURCES},
            "prices": PRICES,
            "sizes": {"s": {"vms": 2, "vm": "small"}, "l": {"vms": 3, "vm": "big"}},
        },
    }
    context.update(overrides)
    return context


def test_lines_multiply_quantity_price_and_period() -> None:
    estimate = estimate_cost(ENV, _context())
    assert estimate is not None
    dev = estimate.environment("dev")
    assert dev is not None
    lines = {item.name: item.monthly for item in dev.items}
    # 2 VMs × 0.1/h × 730 h; 0.5/day × 730/24 days; 20/month; no standby (not protected).
    assert lines == {"VMs": 146.0, "LB": 15.21, "LB fee": 20.0, "Disk": None}
    assert dev.total == 181.21
    assert [item.price_key for item in dev.unpriced] == ["disk/gb"]


def test_when_selects_lines_per_environment() -> None:
    estimate = estimate_cost(ENV, _context())
    assert estimate is not None
    prod = estimate.environment("prod")
    assert prod is not None
    assert [item.name for item in prod.items] == ["VMs", "LB", "LB fee", "Standby", "Disk"]
    assert prod.total == round(3 * 0.4 * 730 + 15.21 + 20 + 0.4 * 730, 2)


def test_a_region_without_prices_is_unpriced_not_guessed() -> None:
    estimate = estimate_cost(ENV, _context())
    assert estimate is not None
    far = estimate.environment("far")
    assert far is not None
    assert far.total == 0 and len(far.unpriced) == len(far.items) == 4
    assert not estimate.complete


def test_over_budget_warns_naming_the_answer() -> None:
    estimate = estimate_cost(ENV, _context())
    assert estimate is not None
    warnings = budget_warnings(estimate)
    # dev: ≥ 181.21 over 100; prod: 1205.21 + ... over 500; far has no budget.
    assert [line.split(":")[0] for line in warnings] == [
        "environments[0].monthly_budget",
        "environments[1].monthly_budget",
    ]
    assert "at least 181.21 USD" in warnings[0]
    assert "over its budget of 100" in warnings[0]
    assert "list prices of 2026-01-01, 3 of them unverified)" in warnings[0]  # bare numbers


def test_within_budget_is_silent() -> None:
    envs = [{"name": "dev", "region": "north", "size": "s", "protected": False, "budget": 1000}]
    assert budget_warnings(estimate_cost(ENV, _context(environments=envs))) == []


def test_a_pack_without_a_cost_model_has_no_estimate() -> None:
    assert estimate_cost(ENV, {"data": {}, "environments": []}) is None
    assert budget_warnings(None) == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"per": "week"}, "per must be one of"),
        ({"price": None}, "missing price"),
        ({"quantity": "1/0"}, "division"),
    ],
)
def test_a_broken_model_is_a_pack_error(change: dict[str, Any], needle: str) -> None:
    broken = {**RESOURCES[0], **change}
    broken = {key: value for key, value in broken.items() if value is not None}
    context = _context()
    context["data"]["cost"] = {"estimate": MODEL, "resources": [broken]}
    with pytest.raises(PackError) as caught:
        estimate_cost(ENV, context)
    assert "cost.estimate" in str(caught.value) and needle in str(caught.value)


def test_reports_agree_with_the_estimate() -> None:
    estimate = estimate_cost(ENV, _context())
    assert estimate is not None
    summary = format_summary(estimate)
    assert "dev" in summary and "≥ 181.21" in summary and "over budget" in summary
    prod = estimate.environment("prod")
    assert prod is not None
    lines = format_environment(estimate, prod)
    assert "Standby" in lines and "0.4 / hour" in lines and "unpriced" in lines
    import json

    data = json.loads(format_json(estimate, prod))
    assert data["total"] == prod.total and [e["name"] for e in data["environments"]] == ["prod"]
    assert data["sources"] == PRICES["sources"]


def _with_figures(**figures: Any) -> dict[str, Any]:
    """The test context with some of region north's figures replaced."""
    context = _context()
    table = {**PRICES["regions"]["north"], **figures}  # type: ignore[index]
    context["data"]["prices"] = {**PRICES, "regions": {"north": table}}
    return context


CHECKED_VM = {"value": 0.1, "checked": "official", "source": "https://example.com/vm",
              "source_date": "2026-01-01"}  # fmt: skip


def test_a_figure_carries_its_evidence_to_the_line() -> None:
    estimate = estimate_cost(ENV, _with_figures(**{"vm/small": CHECKED_VM}))
    assert estimate is not None
    dev = estimate.environment("dev")
    assert dev is not None
    vms = dev.items[0]
    assert (vms.monthly, vms.unverified) == (146.0, False)
    assert vms.evidence is not None and vms.evidence.source == "https://example.com/vm"
    # The bare numbers of the table are figures nobody checked: priced, and flagged.
    assert [item.name for item in dev.unverified] == ["LB", "LB fee"]
    assert dev.items[-1].evidence is None  # unpriced: no figure, no evidence


def test_unverified_lines_are_flagged_in_every_report() -> None:
    estimate = estimate_cost(ENV, _with_figures(**{"vm/small": CHECKED_VM}))
    assert estimate is not None
    dev = estimate.environment("dev")
    assert dev is not None
    import json

    data = json.loads(format_json(estimate, dev))
    assert data["verified"] is False
    (env,) = data["environments"]
    assert env["unverified_lines"] == ["LB", "LB fee"]
    assert [line["checked"] for line in env["lines"]] == [
        "official",
        "unverified",
        "unverified",
        None,
    ]
    assert {f["price_key"]: f["checked"] for f in data["figures"]} == {
        "vm/small": "official", "lb/day": "unverified", "lb/month": "unverified"}  # fmt: skip
    text = format_environment(estimate, dev)
    assert "official (2026-01-01)" in text and text.count("UNVERIFIED") == 2
    assert "Unverified figures price dev's LB, LB fee (no stored price page" in text
    assert "Unverified figures price dev's" in format_summary(estimate)


def test_a_fully_checked_estimate_raises_no_flag() -> None:
    checked = {key: {**CHECKED_VM, "value": value}
               for key, value in PRICES["regions"]["north"].items()}  # type: ignore[index]  # fmt: skip
    estimate = estimate_cost(ENV, _with_figures(**checked))
    assert estimate is not None and estimate.verified
    assert "Unverified" not in format_summary(estimate)


@pytest.mark.parametrize(
    ("figure", "needle"),
    [
        ({"checked": "official"}, "needs value and checked"),
        ({"value": 1, "checked": "guessed"}, "needs value and checked"),
        ({"value": 1, "checked": "secondary"}, "a secondary figure needs its source URL"),
    ],
)
def test_a_figure_without_evidence_fields_is_a_pack_error(
    figure: dict[str, Any], needle: str
) -> None:
    with pytest.raises(PackError) as caught:
        estimate_cost(ENV, _with_figures(**{"vm/small": figure}))
    assert "prices north vm/small" in str(caught.value) and needle in str(caught.value)


def test_a_warning_on_checked_prices_says_nothing_of_evidence() -> None:
    estimate = estimate_cost(ENV, _with_figures(**{
        key: {**CHECKED_VM, "value": value} for key, value in PRICES["regions"]["north"].items()  # type: ignore[index]
    }))  # fmt: skip
    (first, *_) = budget_warnings(estimate)
    assert "(list prices of 2026-01-01), over its budget of 100" in first
