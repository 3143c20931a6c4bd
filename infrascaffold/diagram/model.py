"""The architecture graph's values: resources, components (nodes), edges, and the graph.

The builder (`build`) derives them from rendered Terraform; the writers (`formats`) draw them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A `resource` block; `name` and `description` are its real ones in the chosen environment,
    when they follow from the tfvars (None otherwise)."""

    type: str
    label: str
    kind: str
    name: str | None = None
    description: str | None = None

    @property
    def address(self) -> str:
        return f"{self.type}.{self.label}"


@dataclass(frozen=True)
class ServiceRole:
    """The application service a component runs (`diagram.services`): its name, its kind
    (http, worker, job, static) and what places it (a path prefix, a schedule, the CDN)."""

    name: str
    kind: str
    detail: str = ""

    @property
    def text(self) -> str:
        kind = "static front end" if self.kind == "static" else f"{self.kind} service"
        return f"{self.name}: {kind}" + (f" · {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Component:
    """A node of the diagram: a module call of the root (or one kind of its resources), or a
    resource of the root itself."""

    id: str
    label: str
    kind: str
    source: str = ""
    resources: tuple[Resource, ...] = ()
    sizing: tuple[str, ...] = ()  # `cpu 1024`, `max_count 12`: the environment's sizes, if known
    service: ServiceRole | None = None  # shown when the root runs several services


@dataclass(frozen=True)
class Edge:
    """`source` feeds `target`: the target's arguments reference the source's outputs."""

    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Architecture:
    """The graph of one Terraform root, labelled for one environment when one was chosen."""

    components: tuple[Component, ...]
    edges: tuple[Edge, ...]
    environment: str | None = None
    region: str | None = None
    cidr: str | None = None
    protected: bool | None = None  # the environment's `protected` tfvar, when it has one

    @property
    def title(self) -> str:
        protection = {True: "protected", False: "unprotected", None: None}[self.protected]
        details = [d for d in (self.environment, self.region, self.cidr, protection) if d]
        return " · ".join(details) if details else "Terraform root"

    def resources(self) -> Iterator[Resource]:
        """Every resource of the root, its modules' included."""
        for component in self.components:
            yield from component.resources
