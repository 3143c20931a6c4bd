"""Tests for the block-level HCL merge (infrascaffold.update.hcl_blocks)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infrascaffold.update.hcl_align import align, normalise
from infrascaffold.update.hcl_blocks import HclSplitError, merge_hcl, split_items
from infrascaffold.update.lines import MergeResult, merge_three_way
from tests.update.test_lines import Edit, apply_edits, conflict, edits, is_subsequence, resolve

# Splitting ----------------------------------------------------------------------------------

SPLIT_CASES = {
    "blocks": (
        'terraform {\n  required_version = ">= 1.6"\n}\n'
        'variable "x" {}\n'
        "locals {\n  a = 1\n}\n"
        'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
        "provider aws {\n}\n",
        ["terraform", "variable.x", "locals", "resource.aws_s3_bucket.logs", "provider.aws"],
    ),
    "tfvars": (
        'name = "x"\ncount = 3\nenabled = true\n',
        ["name", "count", "enabled"],
    ),
    "multi-line values": (
        'azs = [\n  "a",\n  "b",\n]\ntags = {\n  team = "x"\n  nested = { a = [1, 2] }\n}\n'
        "value = merge(\n  var.a,\n  var.b,\n)\n",
        ["azs", "tags", "value"],
    ),
    "strings with braces, escapes and templates": (
        'a = "}"\n'
        'b = "say \\"}\\" {"\n'
        'c = "${lookup({ k = "}" }, "k", "{")}-%{ if x }{%{ endif }"\n'
        'd = "$${literal} %%{literal} { \\\\"\n'
        'e = "a-${format("%s}", "${x}")}"\n',
        ["a", "b", "c", "d", "e"],
    ),
    "comments with braces": (
        "a = 1 # }\nb = { // }\n  x = 1 # {\n}\n/* { */ c = 2\nd = [ /* ] */\n  1,\n]\n",
        ["a", "b", "c", "d"],
    ),
    "heredocs": (
        'policy = <<EOT\n{\n  "a": "}"\n}\nEOT\n'
        "script = <<-SH\n  if [ x ]; then { echo; }\n  fi\n  SH\n"
        'resource "x" "y" {\n  doc = <<EOT\n}\nEOT\n  z = trimspace(<<X\n]\nX\n  )\n}\n',
        ["policy", "script", "resource.x.y"],
    ),
    "no trailing newline": ("a = 1\nb = {\n}", ["a", "b"]),
    "CRLF": ('a = 1\r\nb = {\r\n  x = "y"\r\n}\r\nc = <<EOT\r\nz\r\nEOT\r\n', ["a", "b", "c"]),
    "empty": ("", []),
    "comments only": ("# one\n\n/* two\n*/\n", []),
    "one-line blocks": (
        'variable "a" { default = 1 }\nvariable "b" { default = 2 }\n',
        ["variable.a", "variable.b"],
    ),
    "unquoted labels and hyphens": (
        "resource aws_thing my-thing {\n}\n",
        ["resource.aws_thing.my-thing"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES.values(), ids=SPLIT_CASES.keys())
def test_split_items_keys(text: str, expected: list[str]) -> None:
    items = split_items(text)
    assert [item.key for item in items] == ["<head>", *expected, "<tail>"]
    assert "".join(item.text for item in items) == text


def test_split_attaches_leading_comments_and_blank_lines() -> None:
    text = (
        "# file header\n\n# about a\na = 1\n\n# about b\n/* more\n   about b */\n"
        "b = 2 # same line\n# end\n"
    )
    items = split_items(text)
    assert [(item.key, item.trivia, item.code) for item in items] == [
        ("<head>", "# file header\n\n", ""),
        ("a", "# about a\n", "a = 1\n"),
        ("b", "\n# about b\n/* more\n   about b */\n", "b = 2 # same line\n"),
        ("<tail>", "# end\n", ""),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a = {\n",
        "a = }\n",
        "a = [1, 2)\n",
        "resource x {\n  y = [\n}\n",
        'a = "unterminated\n',
        'a = "${x\n',
        "a = <<EOT\nno end\n",
        "a = 1 /* unterminated\n",
        "}\n",
        "garbage\n",
        "a b = 1\n",
        '"quoted" {\n}\n',
        "= 1\n",
        "a = 1\na = 2\n",
        'variable "x" {}\nvariable "x" {}\n',
    ],
)
def test_split_refuses_what_it_cannot_split_reliably(text: str) -> None:
    with pytest.raises(HclSplitError):
        split_items(text)


# Merging ------------------------------------------------------------------------------------

TWO_BLOCKS = (
    'resource "aws_s3_bucket" "logs" {\n'
    '  bucket = "logs"\n'
    '  acl    = "private"\n'
    "}\n"
    'resource "aws_s3_bucket" "data" {\n'
    '  bucket = "data"\n'
    "}\n"
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
    Case(
        "adjacent one-line attributes",
        "a = 1\nb = 2\n",
        "a = 10\nb = 2\n",
        "a = 1\nb = 20\n",
        "a = 10\nb = 20\n",
    ),
    Case(
        "adjacent one-line blocks",
        'variable "a" { default = 1 }\nvariable "b" { default = 2 }\n',
        'variable "a" { default = 10 }\nvariable "b" { default = 2 }\n',
        'variable "a" { default = 1 }\nvariable "b" { default = 20 }\n',
        'variable "a" { default = 10 }\nvariable "b" { default = 20 }\n',
    ),
    Case(
        "adjacent blocks: end of one, start of the next",
        TWO_BLOCKS,
        TWO_BLOCKS.replace('  acl    = "private"\n}\n', '  acl    = "private"\n  x = 1\n}\n'),
        TWO_BLOCKS.replace('"data" {\n', '"data" {\n  y = 2\n'),
        TWO_BLOCKS.replace(
            '  acl    = "private"\n}\n', '  acl    = "private"\n  x = 1\n}\n'
        ).replace('"data" {\n', '"data" {\n  y = 2\n'),
    ),
    Case(
        "same attribute on both sides: markers around that line only",
        TWO_BLOCKS,
        TWO_BLOCKS.replace('"logs"\n  acl', '"mine"\n  acl'),
        TWO_BLOCKS.replace('"logs"\n  acl', '"new"\n  acl').replace('"data"\n', '"data2"\n'),
        'resource "aws_s3_bucket" "logs" {\n'
        + conflict('  bucket = "mine"\n', '  bucket = "logs"\n', '  bucket = "new"\n')
        + '  acl    = "private"\n}\nresource "aws_s3_bucket" "data" {\n  bucket = "data2"\n}\n',
        1,
    ),
    Case(
        "blocks added on both sides at the same point",
        "a = 1\nz = 26\n",
        "a = 1\nmine = 2\nz = 26\n",
        "a = 1\nnew = 3\nz = 26\n",
        "a = 1\nnew = 3\nmine = 2\nz = 26\n",
    ),
    Case(
        "same block added alike on both sides",
        "a = 1\n",
        "a = 1\nb = 2\nc = 3\n",
        "a = 1\nb = 2\n",
        "a = 1\nb = 2\nc = 3\n",
    ),
    Case(
        "same block added differently on both sides",
        "a = 1\nz = 0\n",
        "a = 1\nb = 2\nz = 0\n",
        "a = 1\nb = 3\nz = 1\n",
        "a = 1\n" + conflict("b = 2\n", "", "b = 3\n") + "z = 1\n",
        1,
    ),
    Case(
        "block added by theirs at the start, before the header comment's item",
        "# header\n\na = 1\n",
        "# header\n\na = 2\n",
        "# header\n\nfirst = 0\n\na = 1\n",
        "# header\n\nfirst = 0\n\na = 2\n",
    ),
    Case(
        "theirs' new block follows its predecessor, ours' order wins",
        "a = 1\nb = 2\nc = 3\n",
        "c = 3\na = 1\nb = 2\n",
        "a = 1\nb = 2\nb2 = 5\nc = 3\n",
        "c = 3\na = 1\nb = 2\nb2 = 5\n",
    ),
    Case(
        "deleted on one side, unchanged on the other",
        "a = 1\n\n# about b\nb = 2\nc = 3\n",
        "a = 1\nc = 3\n",
        "a = 1\n\n# about b\nb = 2\nc = 30\n",
        "a = 1\nc = 30\n",
    ),
    Case(
        "deleted by theirs with its comment, unchanged here",
        "a = 1\n\n# about b\nb = 2\n",
        "a = 10\n\n# about b\nb = 2\n",
        "a = 1\n",
        "a = 10\n",
    ),
    Case(
        "deleted by ours; theirs deleted the block before it, only blank lines moved",
        "a = {\n}\n\nb = {\n}\n\nc = 3\n",
        "a = {\n}\n\nc = 3\n",
        "b = {\n}\n\nc = 3\n",
        "\nc = 3\n",  # c keeps the blank line before it (cosmetic)
    ),
    Case(
        "the file header stays when the first block goes",
        "# Managed by infrascaffold\n\na = 1\n\nb = 2\n",
        "# Managed by infrascaffold\n\na = 1\n",
        "# Managed by infrascaffold\n\nb = 2\n",
        "# Managed by infrascaffold\n\n",
    ),
    Case(
        "deleted by ours, changed by theirs",
        "a = 1\nb = 2\nc = 3\n",
        "a = 1\nc = 3\n",
        "a = 1\nb = 20\nc = 3\n",
        "a = 1\n" + conflict("", "b = 2\n", "b = 20\n") + "c = 3\n",
        1,
    ),
    Case(
        "changed by ours, deleted by theirs",
        "a = 1\nb = 2\nc = 3\n",
        "a = 1\nb = 20\nc = 3\n",
        "a = 1\nc = 30\n",
        "a = 1\n" + conflict("b = 20\n", "b = 2\n", "") + "c = 30\n",
        1,
    ),
    Case(
        "user comment above a block the template changes",
        "a = 1\nb = 2\n",
        "a = 1\n# why b is 2\nb = 2\n",
        "a = 1\nb = 3\n",
        "a = 1\n# why b is 2\nb = 3\n",
    ),
    Case(
        "tfvars with multi-line lists",
        'azs = [\n  "a",\n  "b",\n]\nname = "x"\n',
        'azs = [\n  "a",\n  "b",\n  "c",\n]\nname = "x"\n',
        'azs = [\n  "a",\n  "b",\n]\nname = "y"\n',
        'azs = [\n  "a",\n  "b",\n  "c",\n]\nname = "y"\n',
    ),
    Case(
        "edits to separate lines of one list",
        'azs = [\n  "a",\n  "b",\n  "c",\n]\n',
        'azs = [\n  "A",\n  "b",\n  "c",\n]\n',
        'azs = [\n  "a",\n  "b",\n  "C",\n]\n',
        'azs = [\n  "A",\n  "b",\n  "C",\n]\n',
    ),
    Case(
        "heredoc containing braces",
        'policy = <<EOT\n{\n  "a": "}"\n}\nEOT\nname = "x"\n',
        'policy = <<EOT\n{\n  "a": "}",\n  "b": 1\n}\nEOT\nname = "x"\n',
        'policy = <<EOT\n{\n  "a": "}"\n}\nEOT\nname = "y"\n',
        'policy = <<EOT\n{\n  "a": "}",\n  "b": 1\n}\nEOT\nname = "y"\n',
    ),
    Case(
        "trailing comments merge as the tail",
        "a = 1\n# end\n",
        "a = 2\n# end\n",
        "a = 1\n# end\n# more\n",
        "a = 2\n# end\n# more\n",
    ),
    Case(
        "a last item without newline gets one when something follows it",
        "a = 1\n",
        "x = 5\na = 1",
        "a = 1\nb = 2\n",
        "x = 5\na = 1\nb = 2\n",
    ),
    Case(
        "CRLF kept",
        "a = 1\r\nb = 2\r\n",
        "a = 10\r\nb = 2\r\n",
        "a = 1\r\nb = 20\r\nc = 3\r\n",
        "a = 10\r\nb = 20\r\nc = 3\r\n",
    ),
    Case(
        "unsplittable file falls back to the line merge",
        "a = 1\nb = {\nc = 3\n",
        "a = 10\nb = {\nc = 3\n",
        "a = 1\nb = {\nc = 30\n",
        "a = 10\nb = {\nc = 30\n",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_merge_hcl(case: Case) -> None:
    assert merge_hcl(case.base, case.ours, case.theirs) == MergeResult(
        case.expected, case.conflicts
    )


def test_duplicate_keys_fall_back_to_the_line_merge() -> None:
    base = "a = 1\nb = 2\nb = 2\n"
    ours, theirs = "a = 10\nb = 2\nb = 2\n", "a = 1\nb = 20\nb = 2\n"
    assert merge_hcl(base, ours, theirs) == merge_three_way(base, ours, theirs)
    assert merge_hcl(base, ours, theirs).conflicts == 1


def test_labels_are_passed_on() -> None:
    result = merge_hcl("a = 1\n", "a = 2\n", "a = 3\n", labels=("L", "B", "R"))
    assert result.text == "<<<<<<< L\na = 2\n||||||| B\na = 1\n=======\na = 3\n>>>>>>> R\n"


# Property: edits to different blocks of valid HCL merge into valid HCL -------------------------


@dataclass(frozen=True)
class Block:
    """A generated Terraform block: a resource, or a one-line variable."""

    kind: str
    name: str
    attrs: tuple[tuple[str, str], ...]
    comment: str = ""

    def render(self) -> str:
        lead = f"# {self.comment}\n" if self.comment else ""
        if self.kind == "variable":
            value = self.attrs[0][1]
            value = '"multi-line"' if "\n" in value else value  # a one-line block
            return f'{lead}variable "{self.name}" {{ default = {value} }}\n'
        body = "".join(f"  {key} = {value}\n" for key, value in self.attrs)
        return f'{lead}resource "aws_thing" "{self.name}" {{\n{body}}}\n'


VALUES = [
    '"plain"',
    '"brace } and { in a string"',
    '"${var.env}-${lookup({ a = "}" }, "a", "x")}"',
    "[\n    1,\n    2,\n  ]",
    '{\n    team = "x" # }\n  }',
    '<<EOT\n{ "json": "}" }\nEOT',
    "true",
    "42",
]

attribute = st.tuples(
    st.sampled_from(["name", "size", "tags", "policy", "enabled"]), st.sampled_from(VALUES)
)
blocks = st.lists(
    st.builds(
        Block,
        kind=st.sampled_from(["resource", "resource", "variable"]),
        name=st.just(""),
        attrs=st.lists(attribute, min_size=1, max_size=3, unique_by=lambda a: a[0]).map(tuple),
        comment=st.sampled_from(["", "", "a } comment"]),
    ),
    min_size=2,
    max_size=6,
).map(lambda found: [replace(block, name=f"b{i}") for i, block in enumerate(found)])


def render(blocks: list[Block], gap: str) -> str:
    return gap.join(block.render() for block in blocks)


@dataclass(frozen=True)
class Change:
    """A change to one block: edit a value, add an attribute, delete it, or add a block after."""

    action: str
    value: str


changes = st.builds(
    Change, st.sampled_from(["edit", "add_attr", "delete", "add_block"]), st.sampled_from(VALUES)
)


def apply_change(block: Block, change: Change, tag: str) -> list[Block]:
    if change.action == "delete":
        return []
    if change.action == "edit":
        (key, _), *rest = block.attrs
        return [replace(block, attrs=((key, change.value), *rest))]
    if change.action == "add_attr":
        return [replace(block, attrs=(*block.attrs, (f"added_{tag}", change.value)))]
    new = Block("resource", f"{block.name}_{tag}", (("name", change.value),), f"added by {tag}")
    return [block, new]


def apply_changes(base: list[Block], plan: dict[int, Change], tag: str) -> list[Block]:
    return [
        edited
        for i, block in enumerate(base)
        for edited in (apply_change(block, plan[i], tag) if i in plan else [block])
    ]


def normalized(parsed: dict[str, Any]) -> dict[str, Any]:
    """hcl2's output with the order of blocks ignored."""
    return {
        key: sorted(json.dumps(v, sort_keys=True) for v in value)
        if isinstance(value, list)
        else value
        for key, value in parsed.items()
    }


def expected_blocks(
    base: list[Block], ours_plan: dict[int, Change], theirs_plan: dict[int, Change]
) -> list[Block]:
    """Base with both sides' changes applied (no block is changed by both)."""
    wanted: list[Block] = []
    for i, block in enumerate(base):
        if i in ours_plan:
            wanted += apply_change(block, ours_plan[i], "ours")
        elif i in theirs_plan:
            wanted += apply_change(block, theirs_plan[i], "theirs")
        else:
            wanted.append(block)
    return wanted


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=blocks,
    owners=st.lists(st.sampled_from(["ours", "theirs", None]), min_size=6, max_size=6),
    ours_changes=st.lists(changes, min_size=6, max_size=6),
    theirs_changes=st.lists(changes, min_size=6, max_size=6),
    gap=st.sampled_from(["", "\n"]),
)
def test_edits_to_different_blocks_merge_into_valid_hcl(
    hcl2_warm: None,
    base: list[Block],
    owners: list[str | None],
    ours_changes: list[Change],
    theirs_changes: list[Change],
    gap: str,
) -> None:
    """Each block is changed by one side at most (blocks may touch when `gap` is empty)."""
    import hcl2

    ours_plan = {i: ours_changes[i] for i in range(len(base)) if owners[i] == "ours"}
    theirs_plan = {i: theirs_changes[i] for i in range(len(base)) if owners[i] == "theirs"}
    ours = apply_changes(base, ours_plan, "ours")
    theirs = apply_changes(base, theirs_plan, "theirs")
    wanted = expected_blocks(base, ours_plan, theirs_plan)

    result = merge_hcl(render(base, gap), render(ours, gap), render(theirs, gap))

    assert result.conflicts == 0
    assert normalized(hcl2.loads(result.text)) == normalized(hcl2.loads(render(wanted, gap)))


# Property: the block-level merge never loses a user's line either ----------------------------

hcl_base = st.lists(st.sampled_from(["attr", "block", "blank"]), min_size=1, max_size=8).map(
    lambda kinds: [
        line
        for i, kind in enumerate(kinds)
        for line in {
            "attr": [f"a{i} = {i}"],
            "block": [f'resource "t" "b{i}" {{', f"  x{i} = {i}", "}"],
            "blank": [""],
        }[kind]
    ]
)


def as_assignments(lines: list[str], added: list[str]) -> list[str]:
    """Turn the bare names apply_edits adds into attributes, so the text stays HCL-like."""
    fresh = set(added)
    return [f"{line} = 0" if line in fresh else line for line in lines]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=hcl_base, ours_plan=edits, theirs_plan=edits, keep_structure=st.booleans())
def test_block_merge_never_loses_a_users_line(
    base: list[str], ours_plan: list[Edit], theirs_plan: list[Edit], keep_structure: bool
) -> None:
    """As the line merge's property. Edits may unbalance braces (the merge falls back to lines).

    A base line deleted on one side stays out of the merged text (outside conflicts) only while
    block headers and closing braces are kept: else a line can move from one item to another,
    and the block-level merge rightly takes the other side's new item.
    """
    keep = ("resource", "}") if keep_structure else ()
    ours, user_added = apply_edits(base, ours_plan, "user", keep)
    theirs, template_added = apply_edits(base, theirs_plan, "template", keep)
    ours, theirs = as_assignments(ours, user_added), as_assignments(theirs, template_added)
    user_added = [f"{line} = 0" for line in user_added]
    template_added = [f"{line} = 0" for line in template_added]

    result = merge_hcl("\n".join(base) + "\n", "\n".join(ours) + "\n", "\n".join(theirs) + "\n")

    as_ours, outside = resolve(result.text, "ours")
    as_theirs, _ = resolve(result.text, "theirs")
    assert is_subsequence(user_added, as_ours)
    assert all(as_ours.count(line) == 1 for line in user_added)
    assert all(as_theirs.count(line) == 1 for line in template_added)
    if keep_structure:
        deleted = {line for line in base if line and (line not in ours or line not in theirs)}
        assert not deleted & set(outside)


# Unlabeled blocks that repeat (locals, moved, import, ...) merge block by block -----------------

TWO_LOCALS = (
    "locals {\n"
    '  name = "app"\n'
    "}\n"
    "\n"
    'resource "aws_s3_bucket" "logs" {\n'
    "  bucket = local.name\n"
    "}\n"
    "\n"
    "locals {\n"
    "  port = 8080\n"
    "}\n"
)


def test_two_locals_blocks_edited_on_both_sides_merge_cleanly() -> None:
    ours = TWO_LOCALS.replace('name = "app"', 'name = "shop"')
    theirs = TWO_LOCALS.replace("port = 8080", "port = 8443")
    result = merge_hcl(TWO_LOCALS, ours, theirs)
    assert result == MergeResult(
        TWO_LOCALS.replace('name = "app"', 'name = "shop"').replace("port = 8080", "port = 8443"),
        0,
    )
    assert [item.key for item in split_items(TWO_LOCALS)][1:-1] == [
        "locals",
        "resource.aws_s3_bucket.logs",
        "locals#2",
    ]


def test_moved_blocks_are_keyed_by_their_source_address() -> None:
    base = "moved {\n  from = aws_s3_bucket.a\n  to   = aws_s3_bucket.b\n}\n"
    keys = [item.key for item in split_items(base + "\n" + base.replace(".a", ".c"))]
    assert keys[1:-1] == ["moved(from=aws_s3_bucket.a)", "moved(from=aws_s3_bucket.c)"]
    # The template adds a moved block before the one the user edited: both are kept.
    ours = base.replace("aws_s3_bucket.b", "aws_s3_bucket.user")
    theirs = "moved {\n  from = aws_s3_bucket.x\n  to   = aws_s3_bucket.y\n}\n\n" + base
    result = merge_hcl(base, ours, theirs)
    assert result.conflicts == 0
    assert "aws_s3_bucket.user" in result.text and "aws_s3_bucket.x" in result.text


def test_a_repeated_attribute_still_falls_back() -> None:
    with pytest.raises(HclSplitError):
        split_items("locals = 1\nlocals = 2\n")


# Alignment by terraform fmt never conflicts -------------------------------------------------

ALIGNED = (
    'resource "aws_db_instance" "main" {\n'
    '  engine         = "postgres"\n'
    '  instance_class = "db.t4g.micro"\n'
    "  storage        = 20\n"
    "}\n"
)


def test_an_alignment_only_change_does_not_conflict_with_a_neighbouring_edit() -> None:
    ours = ALIGNED.replace('"db.t4g.micro"', '"db.r6g.large"')
    # The template adds a longer key: terraform fmt re-pads every line of the group.
    theirs = (
        'resource "aws_db_instance" "main" {\n'
        '  engine                  = "postgres"\n'
        '  instance_class          = "db.t4g.micro"\n'
        "  storage                 = 20\n"
        "  backup_retention_period = 7\n"
        "}\n"
    )
    result = merge_hcl(ALIGNED, ours, theirs)
    expected = theirs.replace('"db.t4g.micro"', '"db.r6g.large"')
    assert result == MergeResult(expected, 0)
    if shutil.which("terraform"):
        fmt = subprocess.run(
            ["terraform", "fmt", "-check", "-"],
            input=result.text,
            capture_output=True,
            text=True,
            check=False,
        )
        assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_a_real_conflict_next_to_a_realignment_still_conflicts() -> None:
    ours = ALIGNED.replace("20", "50")
    theirs = ALIGNED.replace("storage        = 20", "storage        = 100")
    assert merge_hcl(ALIGNED, ours, theirs).conflicts == 1


def test_alignment_follows_terraform_fmt_groups() -> None:
    text = (
        "a = 1\n"
        "bbb = {\n"
        "  c = 1\n"
        "  dddd = 2\n"
        "}\n"
        "e = 2\n"
        "# comment\n"
        "ff = 3\n"
        "g = 4\n"
        "\n"
        "hhhh = 5\n"
        "i = <<EOT\n"
        "x = 1\n"
        "EOT\n"
    )
    aligned = "".join(align(normalise(text.splitlines(keepends=True))))
    assert aligned == text.replace("  c = 1", "  c    = 1").replace("g = 4", "g  = 4").replace(
        "i = <<EOT", "i    = <<EOT"
    )
