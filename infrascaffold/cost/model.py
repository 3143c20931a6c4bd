"""The values of a cost estimate: priced lines per environment, compared with its budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# How a figure of the price table was checked: on the provider's own price page, on a dated
# third-party page quoting the list price, or not at all (no stored page was found stating it).
CHECKS = ("official", "secondary", "unverified")


@dataclass(frozen=True)
class Evidence:
    """Where a list price was read: the page, the page's own date ("undated") and how."""

    checked: str
    source: str = ""
    source_date: str = "undated"

    @property
    def verified(self) -> bool:
        """Whether some stored page states the figure."""
        return self.checked != "unverified"


@dataclass(frozen=True)
class LineItem:
    """One billable resource of an environment: quantity × unit price, per month.

    `unit_price`, `monthly` and `evidence` are None when the price table has no figure for it
    (unpriced).
    """

    name: str
    unit: str
    quantity: float
    price_key: str
    per: str
    unit_price: float | None
    monthly: float | None
    evidence: Evidence | None = None

    @property
    def unverified(self) -> bool:
        """Whether the line is priced with a figure no stored page was found to state."""
        return self.evidence is not None and not self.evidence.verified

    def as_dict(self) -> dict[str, Any]:
        """The line as plain data (the template context, `cost --format json`)."""
        return {
            "name": self.name,
            "unit": self.unit,
            "quantity": self.quantity,
            "price_key": self.price_key,
            "per": self.per,
            "unit_price": self.unit_price,
            "monthly": self.monthly,
            "checked": self.evidence.checked if self.evidence else None,
            "source": self.evidence.source if self.evidence else None,
            "source_date": self.evidence.source_date if self.evidence else None,
        }


@dataclass(frozen=True)
class EnvironmentCost:
    """An environment's estimate: its priced and unpriced lines and its monthly budget."""

    name: str
    region: str
    budget: int
    items: tuple[LineItem, ...]

    @property
    def total(self) -> float:
        """The sum of the priced lines (each rounded to cents): a floor when some are unpriced."""
        return round(sum(item.monthly for item in self.items if item.monthly is not None), 2)

    @property
    def unpriced(self) -> tuple[LineItem, ...]:
        """The lines the price table has no figure for."""
        return tuple(item for item in self.items if item.monthly is None)

    @property
    def unverified(self) -> tuple[LineItem, ...]:
        """The lines priced with unverified figures (the total rests on them)."""
        return tuple(item for item in self.items if item.unverified)

    @property
    def over_budget(self) -> bool:
        """Whether the estimate exceeds a (non-zero) budget."""
        return self.budget > 0 and self.total > self.budget

    def as_dict(self) -> dict[str, Any]:
        """The environment as plain data."""
        return {
            "name": self.name,
            "region": self.region,
            "budget": self.budget,
            "total": self.total,
            "complete": not self.unpriced,
            "verified": not self.unverified,
            "unverified_lines": [item.name for item in self.unverified],
            "over_budget": self.over_budget,
            "lines": [item.as_dict() for item in self.items],
        }


@dataclass(frozen=True)
class Estimate:
    """The estimate of every environment, with the price table's date and sources."""

    currency: str
    as_of: str
    sources: tuple[tuple[str, str], ...]
    environments: tuple[EnvironmentCost, ...]

    @property
    def total(self) -> float:
        """The sum of every environment's total."""
        return round(sum(env.total for env in self.environments), 2)

    @property
    def complete(self) -> bool:
        """Whether every line of every environment is priced (else the totals are floors)."""
        return not any(env.unpriced for env in self.environments)

    @property
    def verified(self) -> bool:
        """Whether every priced line rests on a figure some stored page states."""
        return not any(env.unverified for env in self.environments)

    def figures(self) -> list[dict[str, Any]]:
        """Each price figure the estimate uses, once per region and key, with its evidence."""
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for env in self.environments:
            for item in env.items:
                if item.evidence is not None:
                    seen.setdefault((env.region, item.price_key), {
                        "region": env.region, "price_key": item.price_key,
                        "unit_price": item.unit_price, "per": item.per,
                        "checked": item.evidence.checked, "source": item.evidence.source,
                        "source_date": item.evidence.source_date,
                    })  # fmt: skip
        return list(seen.values())

    def environment(self, name: str) -> EnvironmentCost | None:
        """The environment called `name`, if any."""
        return next((env for env in self.environments if env.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        """The estimate as plain data."""
        return {
            "currency": self.currency,
            "as_of": self.as_of,
            "sources": dict(self.sources),
            "total": self.total,
            "complete": self.complete,
            "verified": self.verified,
            "figures": self.figures(),
            "environments": [env.as_dict() for env in self.environments],
        }
