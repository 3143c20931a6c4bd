"""Tests for the line-level 3-way merge (infrascaffold.update.lines)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infrascaffold.update.hcl_blocks import merge_hcl
from infrascaffold.update.lines import (
    MergeResult,
    has_conflict_markers,
    merge_three_way,
    split_lines,
)
from infrascaffold.update.merge import merge_file


def conflict(ours: str, base: str, theirs: str, eol: str = "\n") -> str:
    """One conflict region as merge_three_way writes it with the default labels."""
    return (
        f"<<<<<<< yours{eol}{ours}||||||| base{eol}{base}======={eol}{theirs}>>>>>>> template{eol}"
    )


@dataclass(frozen=True)
class Case:
    name: str
    base: str
    ours: str
    theirs: str
    expected: str
    conflicts: int = 0


CASES = [
    Case("all same", "a\nb\n", "a\nb\n", "a\nb\n", "a\nb\n"),
    Case("only ours changed", "a\nb\n", "a\nB\n", "a\nb\n", "a\nB\n"),
    Case("only theirs changed", "a\nb\n", "a\nb\n", "a\nB\n", "a\nB\n"),
    Case("both changed alike", "a\nb\n", "A\nb\n", "A\nb\n", "A\nb\n"),
    Case(
        "separate edits",
        "a\nb\nc\nd\ne\n",
        "A\nb\nc\nd\ne\n",
        "a\nb\nc\nd\nE\n",
        "A\nb\nc\nd\nE\n",
    ),
    Case(
        "one change shared, one not",
        "a\nb\nc\nd\ne\n",
        "a\nB\nc\nD\ne\n",
        "a\nB\nc\nd\ne\n",
        "a\nB\nc\nD\ne\n",
    ),
    Case(
        "overlapping edits",
        "a\nb\nc\n",
        "a\nB1\nc\n",
        "a\nB2\nc\n",
        "a\n" + conflict("B1\n", "b\n", "B2\n") + "c\n",
        1,
    ),
    Case(
        "two separate conflicts",
        "a\nb\nc\nd\ne\n",
        "a\nB1\nc\nD1\ne\n",
        "a\nB2\nc\nD2\ne\n",
        "a\n" + conflict("B1\n", "b\n", "B2\n") + "c\n" + conflict("D1\n", "d\n", "D2\n") + "e\n",
        2,
    ),
    Case(
        "adjacent edits conflict (diff3 needs a stable line between)",
        "a\nb\nc\n",
        "a\nB\nc\n",
        "a\nb\nC\n",
        "a\n" + conflict("B\nc\n", "b\nc\n", "b\nC\n"),
        1,
    ),
    Case("no trailing newline, separate edits", "a\nb\nc", "A\nb\nc", "a\nb\nC", "A\nb\nC"),
    Case("ours adds the final newline", "a\nb\nc", "a\nb\nc\n", "A\nb\nc", "A\nb\nc\n"),
    Case(
        "conflict on a last line without newline",
        "a\nb",
        "a\nB",
        "a\nC",
        "a\n" + conflict("B\n", "b\n", "C\n"),
        1,
    ),
    Case("empty base, only ours", "", "a\n", "", "a\n"),
    Case("empty base, only theirs", "", "", "a\n", "a\n"),
    Case("all empty", "", "", "", ""),
    Case("empty base, both add alike", "", "a\n", "a\n", "a\n"),
    Case("empty base, both add", "", "a\n", "b\n", conflict("a\n", "", "b\n"), 1),
    Case("ours empties the file", "a\nb\n", "", "a\nb\n", ""),
    Case("ours empties, theirs edits", "a\n", "", "b\n", conflict("", "a\n", "b\n"), 1),
    Case(
        "CRLF kept",
        "a\r\nb\r\nc\r\n",
        "A\r\nb\r\nc\r\n",
        "a\r\nb\r\nC\r\n",
        "A\r\nb\r\nC\r\n",
    ),
    Case(
        "CRLF conflict markers",
        "a\r\nb\r\nc\r\n",
        "a\r\nB\r\nc\r\n",
        "a\r\nX\r\nc\r\n",
        "a\r\n" + conflict("B\r\n", "b\r\n", "X\r\n", "\r\n") + "c\r\n",
        1,
    ),
    Case(
        "insertions at different points",
        "a\nb\nc\n",
        "a\nX\nb\nc\n",
        "a\nb\nY\nc\n",
        "a\nX\nb\nY\nc\n",
    ),
    Case(
        "insertions at the same point",
        "a\nb\n",
        "a\nX\nb\n",
        "a\nY\nb\n",
        "a\n" + conflict("X\n", "", "Y\n") + "b\n",
        1,
    ),
    Case(
        "identical insertions at the same point",
        "a\nb\nc\nd\n",
        "a\nX\nb\nC\nd\n",
        "a\nX\nb\nc\nd\n",
        "a\nX\nb\nC\nd\n",
    ),
    Case("insertion at the start and the end", "a\n", "X\na\n", "a\nY\n", "X\na\nY\n"),
    Case("deletion vs unchanged", "a\nb\nc\nd\n", "a\nc\nd\n", "a\nb\nc\nD\n", "a\nc\nD\n"),
    Case("deletion on both", "a\nb\nc\nd\n", "a\nc\nd\n", "a\nc\nD\n", "a\nc\nD\n"),
    Case(
        "deletion vs edit",
        "a\nb\nc\n",
        "a\nc\n",
        "a\nB\nc\n",
        "a\n" + conflict("", "b\n", "B\n") + "c\n",
        1,
    ),
    Case(
        "edit vs deletion",
        "a\nb\nc\n",
        "a\nB\nc\n",
        "a\nc\n",
        "a\n" + conflict("B\n", "b\n", "") + "c\n",
        1,
    ),
    Case(
        "repeated lines align by unique anchors",
        "x {\n}\ny {\n}\nz {\n}\n",
        "x {\n}\ny {\n  a\n}\nz {\n}\n",
        "x {\n}\ny {\n}\nz {\n  b\n}\n",
        "x {\n}\ny {\n  a\n}\nz {\n  b\n}\n",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_merge_three_way(case: Case) -> None:
    result = merge_three_way(case.base, case.ours, case.theirs)
    assert result == MergeResult(case.expected, case.conflicts)
    assert has_conflict_markers(result.text) == (case.conflicts > 0)


def test_labels_are_configurable() -> None:
    result = merge_three_way("a\n", "b\n", "c\n", labels=("mine", "old", "new"))
    assert result.text == "<<<<<<< mine\nb\n||||||| old\na\n=======\nc\n>>>>>>> new\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a\n"]),
        ("a\r\nb", ["a\r\n", "b"]),
        ("\n\n", ["\n", "\n"]),
        ("a\x0cb\u2028c\n", ["a\x0cb\u2028c\n"]),  # only "\n" ends a line
    ],
)
def test_split_lines(text: str, expected: list[str]) -> None:
    assert split_lines(text) == expected
    assert "".join(split_lines(text)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<<<<<<< yours\na\n=======\nb\n>>>>>>> template\n", True),
        ("<<<<<<< yours\na\n||||||| base\n=======\n>>>>>>> template", True),
        ("<<<<<<< yours\r\na\r\n=======\r\nb\r\n>>>>>>> template\r\n", True),
        ("<<<<<<<\n=======\n>>>>>>>\n", True),
        ("x\n<<<<<<< yours\n=======\n", False),
        ("=======\n<<<<<<< yours\n>>>>>>> template\n", False),
        (">>>>>>> a\n=======\n<<<<<<< b\n", False),
        ("Title\n=======\n", False),
        ("<<<<<<<< eight\n=======\n>>>>>>> template\n", False),
        ("<<<<<<< a\n==========\n>>>>>>> b\n", False),
        ("a <<<<<<< b\n=======\n>>>>>>> c\n", False),
        ("", False),
    ],
)
def test_has_conflict_markers(text: str, expected: bool) -> None:
    assert has_conflict_markers(text) is expected


@pytest.mark.parametrize(
    ("path", "block_level"),
    [
        ("main.tf", True),
        ("envs/prod.tfvars", True),
        ("terragrunt.hcl", True),
        ("MAIN.TF", True),
        ("README.md", False),
        ("ci.yml", False),
        ("prod.tfvars.json", False),
        ("Makefile", False),
    ],
)
def test_merge_file_dispatches_on_suffix(path: str, block_level: bool) -> None:
    # Adjacent one-line items: a block-level merge keeps both edits, a line merge conflicts.
    result = merge_file(path, "a = 1\nb = 2\n", "a = 10\nb = 2\n", "a = 1\nb = 20\n")
    if block_level:
        assert result == MergeResult("a = 10\nb = 20\n", 0)
    else:
        assert result.conflicts == 1


def test_merges_100_files_of_300_lines_well_under_a_second() -> None:
    """The merge's own cost: CPU time of this process, so a loaded CI machine cannot fail it."""
    rng = random.Random(7)
    files = [_edited_file(rng) for _ in range(100)]
    for path in ("main.tf", "notes.txt"):
        start = time.process_time()
        for base, ours, theirs in files:
            merge_file(path, base, ours, theirs)
        assert time.process_time() - start < 1.0, path


def _edited_file(rng: random.Random) -> tuple[str, str, str]:
    """A 300-line Terraform-like file, with five user edits and five template edits."""
    base = [
        line
        for i in range(50)
        for line in (f'resource "aws_thing" "r{i}" {{', f'  name = "n{i}"', f"  size = {i}")
        + ("  tags = {}", "}", "")
    ]
    ours, theirs = list(base), list(base)
    for _ in range(5):
        at = rng.randrange(len(ours))
        ours[at] = ours[at].replace("size", "count")
        theirs.insert(rng.randrange(len(theirs)), "  # from the template")
    return "\n".join(base), "\n".join(ours), "\n".join(theirs)


# Property-based tests -----------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# A small alphabet, so that texts repeat lines and the alignment has choices to make.
line_lists = st.lists(st.sampled_from(["a", "b", "c", "}", "", "a\r", "x = 1"]), max_size=12)


def as_text(lines: list[str], final_newline: bool) -> str:
    text = "\n".join(lines)
    return text + "\n" if lines and final_newline else text


texts = st.builds(as_text, line_lists, st.booleans())


@PROPERTY_SETTINGS
@given(base=texts, other=texts)
def test_unchanged_side_takes_the_other(base: str, other: str) -> None:
    for merge in (merge_three_way, merge_hcl):
        assert merge(base, base, other) == MergeResult(other, 0)
        assert merge(base, other, base) == MergeResult(other, 0)
        assert merge(base, other, other) == MergeResult(other, 0)
        assert merge(other, other, other) == MergeResult(other, 0)


@PROPERTY_SETTINGS
@given(base=line_lists, ours=line_lists, theirs=line_lists)
def test_conflict_count_matches_markers(
    base: list[str], ours: list[str], theirs: list[str]
) -> None:
    result = merge_three_way(as_text(base, True), as_text(ours, True), as_text(theirs, True))
    starts = [line for line in result.text.split("\n") if line.startswith("<<<<<<< yours")]
    assert len(starts) == result.conflicts
    assert has_conflict_markers(result.text) == (result.conflicts > 0)


@dataclass(frozen=True)
class Edit:
    """What one side does to a base line: keep, delete or replace it, and lines inserted before."""

    action: str
    inserted: int


edits = st.lists(
    st.builds(Edit, st.sampled_from(["keep", "keep", "delete", "replace"]), st.integers(0, 2)),
    min_size=0,
    max_size=14,
)


def apply_edits(
    base: list[str], plan: list[Edit], tag: str, keep: tuple[str, ...] = ()
) -> tuple[list[str], list[str]]:
    """Apply `plan` (cycled over base lines, plus a final insertion) to base.

    Base lines starting with a prefix in `keep` are kept whatever the plan says.

    Returns the edited lines and the lines the edit added, in order. Added lines are named
    `<tag><n>`, so they occur in no other version.
    """
    plan = plan or [Edit("keep", 0)]
    edited: list[str] = []
    added: list[str] = []

    def add() -> None:
        added.append(f"{tag}{len(added)}")
        edited.append(added[-1])

    for i, line in enumerate([*base, None]):
        edit = plan[i % len(plan)]
        for _ in range(edit.inserted):
            add()
        if line is None:
            break
        if edit.action == "keep" or (keep and line.startswith(keep)):
            edited.append(line)
        elif edit.action == "replace":
            add()
    return edited, added


def resolve(text: str, side: str) -> tuple[list[str], list[str]]:
    """Resolve every conflict region to one side ("ours", "base", "theirs").

    Returns the resolved lines and the lines outside any conflict region.
    """
    resolved: list[str] = []
    outside: list[str] = []
    section = None
    for line in text.splitlines():
        if line.startswith("<<<<<<< "):
            section = "ours"
        elif line.startswith("||||||| ") and section:
            section = "base"
        elif line == "=======" and section:
            section = "theirs"
        elif line.startswith(">>>>>>> ") and section:
            section = None
        elif section is None:
            resolved.append(line)
            outside.append(line)
        elif section == side:
            resolved.append(line)
    return resolved, outside


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(needle in it for needle in needles)


# Base lines: unique names, with repeated structural lines in between to trip the aligner.
base_lines = st.lists(st.sampled_from(["}", "", "{"]), max_size=10).map(
    lambda filler: [f"base{i}" for i in range(6)] + filler
)


@PROPERTY_SETTINGS
@given(base=base_lines, ours_plan=edits, theirs_plan=edits)
def test_never_loses_a_users_line(
    base: list[str], ours_plan: list[Edit], theirs_plan: list[Edit]
) -> None:
    """Every line the user added survives, in order, either merged or in a conflict's yours part.

    Likewise the template's added lines in the template part; and a base line either side
    deleted never survives outside a conflict region.
    """
    ours, user_added = apply_edits(base, ours_plan, "user")
    theirs, template_added = apply_edits(base, theirs_plan, "template")
    result = merge_three_way(as_text(base, True), as_text(ours, True), as_text(theirs, True))

    as_ours, outside = resolve(result.text, "ours")
    as_theirs, _ = resolve(result.text, "theirs")
    assert is_subsequence(user_added, as_ours)
    assert is_subsequence(template_added, as_theirs)
    assert all(as_ours.count(line) == 1 for line in user_added)
    deleted = {line for line in base if line.startswith("base") and line not in ours}
    deleted |= {line for line in base if line.startswith("base") and line not in theirs}
    assert not deleted & set(outside)
