"""Built-in pack renders against their reviewed golden trees (regenerate: `make golden`)."""

from __future__ import annotations

import difflib

import pytest

from tests.builders import example_answers, render_answers
from tests.golden_update import CASES, GOLDEN


@pytest.mark.parametrize("case", CASES)
def test_render_matches_golden_tree(case: str) -> None:
    root = GOLDEN / case
    assert root.is_dir(), f"no golden tree for {case}: run `make golden`"
    expected = {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    actual = render_answers(example_answers(case))
    assert sorted(actual) == sorted(expected), "files differ: run `make golden` and review the diff"
    for path, text in actual.items():
        if text != expected[path]:
            diff = "".join(
                difflib.unified_diff(
                    expected[path].splitlines(True),
                    text.splitlines(True),
                    f"golden/{path}",
                    f"render/{path}",
                )
            )
            pytest.fail(f"{case}/{path} differs from its golden file:\n{diff}")
