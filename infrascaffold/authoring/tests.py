"""`template test`: render a pack's cases and compare them with their expected trees.

A case is `tests/<case>/answers.yaml` and `tests/<case>/expected/` (the render, record excluded).
A case with `tests/<case>/migrate-from.yaml` (`version: 0.9.0`) holds answers recorded by that
older version: the pack's migrations are applied to them first, as `update` would.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from infrascaffold.answers.layering import load_answers_file
from infrascaffold.errors import PackError
from infrascaffold.pack.migrations import migrate_answers
from infrascaffold.pack.model import Pack
from infrascaffold.render.files import Tree
from infrascaffold.render.pipeline import generate

CASES_DIR = "tests"
MIGRATE_FROM = "migrate-from.yaml"


@dataclass(frozen=True)
class CaseResult:
    """One case: its name and the differences found (empty when it passes)."""

    name: str
    diffs: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.diffs


def case_folders(pack_root: Path) -> list[Path]:
    """The pack's test cases: folders under tests/ holding an answers.yaml."""
    folder = pack_root / CASES_DIR
    cases = sorted(p.parent for p in folder.glob("*/answers.yaml")) if folder.is_dir() else []
    if not cases:
        raise PackError(str(folder), "the pack has no test cases (tests/<case>/answers.yaml)")
    return cases


def render_case(pack: Pack, case: Path) -> Tree:
    """The validated render of one case's answers (migrated first when the case says so)."""
    answers = load_answers_file(case / "answers.yaml")
    origin = case / MIGRATE_FROM
    if origin.is_file():
        version = load_answers_file(origin).get("version")
        if not isinstance(version, str | int | float):
            raise PackError(str(origin), "needs `version: X.Y.Z`, the version that recorded them")
        answers = migrate_answers(answers, str(version), pack.migrations)
    return generate(pack, answers).tree


def read_expected(case: Path) -> dict[str, str]:
    """The expected tree of a case (empty when it has none yet)."""
    root = case / "expected"
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def compare_trees(expected: Mapping[str, str], actual: Mapping[str, str]) -> tuple[str, ...]:
    """Unified diffs and missing/extra files, one entry per differing path."""
    diffs = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            diffs.append(f"missing from the render: {path}")
        elif path not in expected:
            diffs.append(f"not expected: {path}")
        elif expected[path] != actual[path]:
            diff = difflib.unified_diff(
                expected[path].splitlines(keepends=True),
                actual[path].splitlines(keepends=True),
                f"expected/{path}",
                f"rendered/{path}",
            )
            diffs.append("".join(diff))
    return tuple(diffs)


def run_case(pack: Pack, case: Path) -> CaseResult:
    """Render a case and compare it with its expected tree."""
    return CaseResult(case.name, compare_trees(read_expected(case), render_case(pack, case)))
