"""The `Pack` value a loaded manifest becomes, its file rules, and what never belongs to a pack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from infrascaffold.pack.decisions import DecisionSpec
from infrascaffold.pack.migrations import Migration
from infrascaffold.pack.questions import Question

# What installers, editors and build tools leave in a folder: never part of a pack. pip
# byte-compiles the pack's `.py` templates into `__pycache__/` when it installs the wheel.
BUILD_DROPPING_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
BUILD_DROPPING_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
BUILD_DROPPING_SUFFIXES = (".pyc", ".pyo", ".egg-info", ".dist-info", "~", ".swp")


def is_build_dropping(rel: str) -> bool:
    """Whether a pack-relative POSIX path is (or lies inside) an install or editor leftover."""
    parts = rel.split("/")
    if any(p in BUILD_DROPPING_DIRS or p.endswith((".egg-info", ".dist-info")) for p in parts):
        return True
    name = parts[-1]
    return name in BUILD_DROPPING_NAMES or name.endswith(BUILD_DROPPING_SUFFIXES)


@dataclass(frozen=True)
class FileRule:
    """Selects a part of the pack's `files/` tree: condition, repetition and destination."""

    path: str
    to: str | None = None
    when: str | None = None
    for_each: str | None = None
    as_name: str = "item"


@dataclass(frozen=True)
class Pack:
    """A loaded template pack."""

    name: str
    version: str
    description: str
    root: Path
    source: str
    requires: str = "0.0.0"
    questions: tuple[Question, ...] = ()
    rules: tuple[FileRule, ...] = ()
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    context: tuple[tuple[str, str], ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()
    migrations: tuple[Migration, ...] = ()
    roots: tuple[Path, ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    tasks: tuple[str, ...] = ()
    extends: str | None = None
    builtin: bool = False
    message_after: str = ""  # printed after `new` writes the render (a template over the answers)

    @property
    def search_roots(self) -> tuple[Path, ...]:
        """Folders templates are looked up in, the extending pack's first."""
        return self.roots or (self.root,)
