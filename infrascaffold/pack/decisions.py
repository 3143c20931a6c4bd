"""Decision records across regenerations.

A pack names its structural decisions in the manifest (`decisions:`: a key, a title and a
Jinja value over the answers). The log numbers them; when a regeneration changes a decision's
value, the old record is kept and marked superseded by a new one. Templates see the log as
`decisions` and render one ADR per entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.errors import PackError
from infrascaffold.templating.environment import render_string


@dataclass(frozen=True)
class DecisionSpec:
    """A decision a pack records: `value` is a Jinja template over the context."""

    key: str
    title: str
    value: str


@dataclass(frozen=True)
class Decision:
    """One numbered decision record."""

    number: int
    key: str
    title: str
    value: str
    status: str = "accepted"
    supersedes: int | None = None
    superseded_by: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def parse_decision_specs(raw: Any, where: str) -> tuple[DecisionSpec, ...]:
    """Parse the manifest's `decisions:` list."""
    if not isinstance(raw, list):
        raise PackError(where, "must be a list of {key, title, value}")
    specs = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not {"key", "title", "value"} <= set(item):
            raise PackError(f"{where}[{i}]", "a decision needs `key`, `title` and `value`")
        specs.append(DecisionSpec(str(item["key"]), str(item["title"]), str(item["value"])))
    return tuple(specs)


def log_decisions(
    specs: Sequence[DecisionSpec],
    env: SandboxedEnvironment,
    context: Mapping[str, Any],
    previous: Sequence[Decision] = (),
) -> list[Decision]:
    """The decision log after this render: previous records kept, changed ones superseded."""
    log = list(previous)
    for spec in specs:
        value = render_string(env, spec.value, context).strip()
        current = _latest(log, spec.key)
        if current is not None and current.value == value:
            continue
        number = max((d.number for d in log), default=0) + 1
        if current is not None:
            index = log.index(current)
            log[index] = dataclasses.replace(current, status="superseded", superseded_by=number)
        log.append(
            Decision(
                number=number,
                key=spec.key,
                title=spec.title,
                value=value,
                supersedes=current.number if current else None,
            )
        )
    return log


def decisions_from_records(raw: Any) -> list[Decision]:
    """Read a recorded decision log (a list of mappings)."""
    if not isinstance(raw, list):
        return []
    fields = {f.name for f in dataclasses.fields(Decision)}
    return [Decision(**{k: v for k, v in item.items() if k in fields}) for item in raw]


def _latest(log: Sequence[Decision], key: str) -> Decision | None:
    accepted = [d for d in log if d.key == key and d.status == "accepted"]
    return accepted[-1] if accepted else None
