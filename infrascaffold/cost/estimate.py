"""The estimator: the pack's cost model (data `cost.estimate`) evaluated over a template context.

The model is pack data, not code: which resources an environment runs, how many, and which entry
of the price table prices each (see templates/platform/data/cost.yaml). The estimator only
evaluates those expressions per environment, multiplies and adds. Nothing is guessed: a price the
table lacks leaves its line unpriced, and the environment's total is then a floor.

A figure of the price table is `{value, checked, source, source_date}`: where it was read and how
(`checked`: official, secondary or unverified). A bare number is a figure nobody checked: it
prices its line, and the line is flagged unverified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.cost.model import CHECKS, EnvironmentCost, Estimate, Evidence, LineItem
from infrascaffold.errors import PackError
from infrascaffold.templating.environment import EVALUATION_ERRORS, evaluate, failure_text

WHERE = "pack data cost.estimate"
PERIODS = ("hour", "day", "month")
ITEM_KEYS = ("name", "unit", "quantity", "price", "per")


def estimate_cost(env: SandboxedEnvironment, context: Mapping[str, Any]) -> Estimate | None:
    """The estimate of every environment of `context`, or None when the pack has no cost model."""
    data = context.get("data") or {}
    cost = data.get("cost") if isinstance(data, Mapping) else None
    model = cost.get("estimate") if isinstance(cost, Mapping) else None
    if not isinstance(model, Mapping):
        return None
    try:
        prices = evaluate(env, str(model["prices"]), context)
        environments = evaluate(env, str(model["environments"]), context)
        hours = float(model.get("hours_per_month", 730))
        costs = tuple(
            _environment(env, model, prices, hours, {**context, "env": item})
            for item in environments
        )
    except (*EVALUATION_ERRORS, KeyError, TypeError, ValueError) as exc:
        raise PackError(WHERE, failure_text(exc)) from exc
    return Estimate(
        currency=str(prices.get("currency", "USD")),
        as_of=str(prices.get("as_of", "")),
        sources=tuple(sorted((str(k), str(v)) for k, v in prices.get("sources", {}).items())),
        environments=costs,
    )


def _environment(
    env: SandboxedEnvironment,
    model: Mapping[str, Any],
    prices: Mapping[str, Any],
    hours: float,
    scope: dict[str, Any],
) -> EnvironmentCost:
    for name, expression in (model.get("bind") or {}).items():
        scope[name] = evaluate(env, str(expression), scope)
    region = str(evaluate(env, str(model["region"]), scope))
    table = (prices.get("regions") or {}).get(region) or {}
    items = [
        _line(env, item, table, hours, scope, region)
        for item in evaluate(env, str(model["resources"]), scope)
        if evaluate(env, str(item.get("when", "true")), scope)
    ]
    return EnvironmentCost(
        name=str(scope["env"]["name"]),
        region=region,
        budget=int(evaluate(env, str(model.get("budget", "0")), scope) or 0),
        items=tuple(items),
    )


def _line(
    env: SandboxedEnvironment,
    item: Mapping[str, Any],
    table: Mapping[str, Any],
    hours: float,
    scope: Mapping[str, Any],
    region: str,
) -> LineItem:
    missing = [key for key in ITEM_KEYS if key not in item]
    if missing or item["per"] not in PERIODS:
        what = f"missing {', '.join(missing)}" if missing else f"per must be one of {PERIODS}"
        raise PackError(WHERE, f"item {item.get('name', '?')}: {what}")
    quantity = float(evaluate(env, str(item["quantity"]), scope))
    key = str(evaluate(env, str(item["price"]), scope))
    unit_price, evidence = _figure(table.get(key), f"{region} {key}")
    per_month = {"hour": hours, "day": hours / 24, "month": 1.0}[item["per"]]
    monthly = None if unit_price is None else round(quantity * unit_price * per_month, 2)
    return LineItem(
        name=str(item["name"]),
        unit=str(item["unit"]),
        quantity=round(quantity, 4),
        price_key=key,
        per=str(item["per"]),
        unit_price=unit_price,
        monthly=monthly,
        evidence=evidence,
    )


def _figure(entry: Any, where: str) -> tuple[float | None, Evidence | None]:
    """A price table entry's value and evidence (both None when the table has no figure)."""
    if entry is None:
        return None, None
    if not isinstance(entry, Mapping):
        return float(entry), Evidence("unverified")
    if "value" not in entry or entry.get("checked") not in CHECKS:
        raise PackError(
            f"pack data prices {where}",
            f"a figure needs value and checked (one of {', '.join(CHECKS)})",
        )
    checked = str(entry["checked"])
    source = str(entry.get("source") or "")
    if checked != "unverified" and not source.startswith("https://"):
        raise PackError(f"pack data prices {where}", f"a {checked} figure needs its source URL")
    return float(entry["value"]), Evidence(
        checked, source, str(entry.get("source_date") or "undated")
    )


def budget_warnings(estimate: Estimate | None) -> list[str]:
    """One line per environment whose estimate exceeds its budget, naming the answer to change."""
    if estimate is None:
        return []
    lines = []
    for index, env in enumerate(estimate.environments):
        if env.over_budget:
            floor = "at least " if env.unpriced else ""
            unchecked = f", {len(env.unverified)} of them unverified" if env.unverified else ""
            lines.append(
                f"environments[{index}].monthly_budget: {env.name}'s estimated monthly cost is "
                f"{floor}{env.total:,.2f} {estimate.currency} (list prices of {estimate.as_of}"
                f"{unchecked}), over its budget of {env.budget:,}: raise the budget or shrink "
                "the environment"
            )
    return lines
