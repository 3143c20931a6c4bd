"""The values of a cost estimate: priced lines per environment, compared with its budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LineItem:
    """One billable resource of an environment: quantity × unit price, per month.

    `unit_price` and `monthly` are None when the price table has no figure for it (unpriced).
    """

    name: str
    unit: str
    quantity: float
    price_key: str
    per: str
    unit_price: float | None
    monthly: float | None

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
            "environments": [env.as_dict() for env in self.environments],
        }
