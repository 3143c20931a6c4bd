"""Text and JSON reports of an estimate (what `infrascaffold cost` prints)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from infrascaffold.cost.model import EnvironmentCost, Estimate, LineItem


def money(env: EnvironmentCost) -> str:
    """An environment's total as docs/cost.md writes it: `≥` when some lines are unpriced."""
    return f"{'' if not env.unpriced else '≥ '}{env.total:.2f}"


def format_summary(estimate: Estimate) -> str:
    """One line per environment: region, estimate, budget and status; then the total."""
    rows: list[tuple[str, ...]] = [
        ("Environment", "Region", f"Estimate ({estimate.currency}/month)", "Budget", "Status")
    ]
    rows += [
        (env.name, env.region, money(env), str(env.budget or "none"), _status(env))
        for env in estimate.environments
    ]
    floor = "" if estimate.complete else "≥ "
    rows.append(("All environments", "", f"{floor}{estimate.total:.2f}", "", ""))
    return _table(rows) + _footer(estimate, estimate.environments)


def format_environment(estimate: Estimate, env: EnvironmentCost) -> str:
    """The priced lines of one environment, its total and its budget."""
    rows: list[tuple[str, ...]] = [
        ("Resource", "Quantity", f"Unit price ({estimate.currency})", "Per month", "Price checked")
    ]
    for item in env.items:
        price = "unpriced" if item.unit_price is None else f"{item.unit_price:g} / {item.per}"
        monthly = "-" if item.monthly is None else f"{item.monthly:.2f}"
        checked = _checked(item)
        rows.append((item.name, f"{item.quantity:g} {item.unit}", price, monthly, checked))
    rows.append(("Total", "", "", money(env), ""))
    header = f"{env.name} ({env.region}): budget {env.budget or 'none'}, {_status(env)}\n"
    return header + _table(rows) + _footer(estimate, (env,))


def format_json(estimate: Estimate, env: EnvironmentCost | None = None) -> str:
    """The estimate (or one environment's) as JSON."""
    data = estimate.as_dict()
    if env is not None:
        data["environments"] = [env.as_dict()]
        data["total"] = env.total
        data["complete"] = not env.unpriced
        data["verified"] = not env.unverified
        keys = {item.price_key for item in env.items}
        data["figures"] = [
            figure
            for figure in data["figures"]
            if figure["region"] == env.region and figure["price_key"] in keys
        ]
    return json.dumps(data, indent=2) + "\n"


def _checked(item: LineItem) -> str:
    if item.evidence is None:
        return "-"
    if not item.evidence.verified:
        return "UNVERIFIED"
    return f"{item.evidence.checked} ({item.evidence.source_date})"


def _status(env: EnvironmentCost) -> str:
    if env.over_budget:
        return "over budget"
    if env.unpriced:
        return f"{len(env.unpriced)} line(s) unpriced"
    return "within budget" if env.budget else "no budget"


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    return "\n".join(lines) + "\n"


def _footer(estimate: Estimate, envs: Sequence[EnvironmentCost]) -> str:
    footer = (
        f"On-demand list prices of {estimate.as_of}, always-on capacity only; "
        "docs/cost.md lists the assumptions and sources.\n"
    )
    return footer + "".join(
        f"Unverified figures price {env.name}'s {', '.join(item.name for item in env.unverified)} "
        "(no stored price page was found stating them).\n"
        for env in envs
        if env.unverified
    )
