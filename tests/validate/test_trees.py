"""Whole trees: the planted defects of tests/fixtures/broken, a hand-written repository, and
every built-in pack render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infrascaffold.validate import validate_dir, validate_tree
from infrascaffold.validate.repo import build_repo
from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import CHECKS, read_tree
from tests.builders import EXAMPLES, example_answers, render_answers

FIXTURES = Path(__file__).parents[1] / "fixtures"
PLANTED = re.compile(r"planted: ([\w, -]+)")


def planted_defects(root: Path) -> list[tuple[str, int, str]]:
    """(path, line, check id) of every `planted: id[, id]` comment under `root`."""
    found = []
    for path, text in read_tree(root).items():
        if path == "README.md":
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = PLANTED.search(line)
            if match:
                found += [(path, number, check.strip()) for check in match.group(1).split(",")]
    return sorted(found)


def test_broken_reports_each_planted_defect_once_at_its_line(parse_cache: Path) -> None:
    findings = validate_dir(FIXTURES / "broken", cache_dir=parse_cache)
    reported = sorted((f.path, f.line, f.check) for f in findings)
    assert reported == planted_defects(FIXTURES / "broken")


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_broken_plants_a_defect_for_every_check(check: str, parse_cache: Path) -> None:
    repo = build_repo(
        read_tree(FIXTURES / "broken"), parse_cache, load_settings(FIXTURES / "broken")
    )
    assert list(CHECKS[check](repo))


def test_handwritten_repository_validates_clean(parse_cache: Path) -> None:
    findings = validate_dir(FIXTURES / "handwritten", cache_dir=parse_cache)
    assert [f.format_text() for f in findings] == []


@pytest.mark.parametrize("case", sorted(p.stem for p in EXAMPLES.glob("*.yml")))
def test_builtin_render_validates_clean(case: str, parse_cache: Path) -> None:
    tree = render_answers(example_answers(case))
    assert [f.format_text() for f in validate_tree(tree, cache_dir=parse_cache)] == []


def test_override_files_may_redeclare(parse_cache: Path) -> None:
    tree = {
        "main.tf": 'variable "a" {\n  type        = string\n  description = "A."\n}\n',
        "main_override.tf": 'variable "a" {\n  default = "x"\n}\n',
    }
    assert [f.format_text() for f in validate_tree(tree, cache_dir=parse_cache)] == [
        "main.tf:1: [backend] root module . has no backend: its state would stay on one machine",
        "main.tf:1: [required-version] module . has no terraform { required_version = ... }",
    ]
