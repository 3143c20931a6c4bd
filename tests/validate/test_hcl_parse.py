"""Parsing HCL into documents: lines, references, literal values, duplicates, syntax errors."""

from __future__ import annotations

import pytest

from infrascaffold.validate.hcl_doc import Doc, Ref, doc_from_rows, doc_to_rows
from infrascaffold.validate.hcl_parse import parse_hcl

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")


def refs_of(text: str) -> list[tuple[str, tuple[str, ...], int]]:
    doc = parse_hcl(text)
    return [(r.root, tuple(r.attrs), r.line) for a in doc.body.attrs for r in a.refs]


def value_of(text: str) -> object:
    attr = parse_hcl(text).body.attrs[0]
    return attr.value if attr.literal else "<expression>"


def test_blocks_and_attributes_carry_their_lines() -> None:
    doc = parse_hcl(
        '# head\nresource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n\n  tags {\n  }\n}\n'
    )
    block = doc.body.blocks[0]
    assert (block.type, tuple(block.labels), block.line, block.end_line) == (
        "resource",
        ("aws_vpc", "main"),
        2,
        7,
    )
    assert block.body.attrs[0].line == 3
    assert block.body.blocks[0].line == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = var.x\n", [("var", ("x",), 1)]),
        ("a = aws_subnet.private[0].id\n", [("aws_subnet", ("private",), 1)]),
        ("a = aws_subnet.private[*].id\n", [("aws_subnet", ("private",), 1)]),
        (
            "a = data.aws_iam_policy_document.x.json\n",
            [("data", ("aws_iam_policy_document", "x", "json"), 1)],
        ),
        ("a = var.azs[count.index]\n", [("var", ("azs",), 1), ("count", ("index",), 1)]),
        ('a = "${var.name}-${local.suffix}"\n', [("var", ("name",), 1), ("local", ("suffix",), 1)]),
        ("a = length(var.l)\n", [("var", ("l",), 1)]),
        ("a = provider::aws::arn_parse(var.arn)\n", [("var", ("arn",), 1)]),
        ("a = { Name = var.n }\n", [("var", ("n",), 1)]),
        ("a = { (var.k) = 1 }\n", [("var", ("k",), 1)]),
        ("a = [for s in var.l : s.id if s.ok]\n", [("var", ("l",), 1)]),
        ("a = { for k, v in local.m : k => v.x }\n", [("local", ("m",), 1)]),
        (
            "a = var.on ? local.a : local.b\n",
            [("var", ("on",), 1), ("local", ("a",), 1), ("local", ("b",), 1)],
        ),
        ('a = "%{ for i in var.l }${i.n}%{ endfor }"\n', [("var", ("l",), 1)]),
        ('a = "$${not.a.ref}"\n', []),
    ],
)
def test_references_of_expressions(
    text: str, expected: list[tuple[str, tuple[str, ...], int]]
) -> None:
    assert refs_of(text) == expected


def test_heredoc_interpolations_are_references_with_their_lines() -> None:
    text = 'a = <<-EOT\n  one ${var.x}\n  $${not.this}\n  two ${jsonencode({k = "${local.y}"})}\n  %{ for q in var.qs }${q.arn}%{ endfor }\n  EOT\n'
    refs = [r for r in refs_of(text) if r[1]]
    assert refs == [("var", ("x",), 2), ("local", ("y",), 4), ("var", ("qs",), 5)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a = "x\\ty"\n', "x\ty"),
        ("a = 3\n", 3),
        ('a = "plain"\n', "plain"),
        ('a = ""\n', ""),
        ("a = (\n  7\n)\n", 7),
        ("a = -2.5\n", -2.5),
        ("a = true\n", True),
        ("a = null\n", None),
        ('a = ["10.0.0.0/16", 1]\n', ["10.0.0.0/16", 1]),
        ('a = { b = "c", "d" = [1] }\n', {"b": "c", "d": [1]}),
        ('a = "$${literal}"\n', "${literal}"),
        ("a = <<EOT\nplain\nEOT\n", "plain\n"),
        ('a = "${var.x}"\n', "<expression>"),
        ("a = var.x\n", "<expression>"),
        ("a = [var.x]\n", "<expression>"),
    ],
)
def test_literal_values(text: str, expected: object) -> None:
    assert value_of(text) == expected


def test_duplicate_attributes_are_problems_at_the_second_line() -> None:
    doc = parse_hcl('b "x" {\n  a = 1\n  c = 2\n  a = 3\n}\ntop = 1\ntop = 2\n')
    assert [(p.check, p.line) for p in doc.problems] == [("hcl-duplicate", 4), ("hcl-duplicate", 7)]
    assert "already set at line 2." in doc.problems[0].message


def test_same_name_in_different_blocks_is_no_duplicate() -> None:
    assert not parse_hcl("a {\n  x = 1\n}\nb {\n  x = 2\n}\nx = 3\n").problems


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("a = 1\nb = \n", 2, 5, "Invalid expression"),
        # Terraform points at the block that is never closed, not at the end of the file
        ("a = 1\nb {\n  c = 1\n", 2, 3, "Unclosed configuration block"),
        ("a = 1\nb = @\n", 2, 5, "Invalid character"),
        ("a = 1 2\n", 1, 7, "Missing newline after argument"),
        ('a = "unclosed\n', 1, 14, "Invalid multi-line string"),
    ],
)
def test_syntax_errors_are_terraforms_diagnostics_at_its_positions(
    text: str, line: int, column: int, words: str
) -> None:
    doc = parse_hcl(text)
    assert {p.check for p in doc.problems} == {"hcl-syntax"}
    first = doc.problems[0]
    assert (first.line, first.column) == (line, column)
    assert first.message.startswith(words)
    assert not doc.body.attrs and not doc.body.blocks


def test_rows_round_trip() -> None:
    doc = parse_hcl('resource "t" "n" {\n  a = var.x\n  b = [1, "2"]\n}\nc = 1\nc = 2\n')
    again: Doc = doc_from_rows(doc_to_rows(doc))
    assert doc_to_rows(again) == doc_to_rows(doc)
    assert again.body.blocks[0].body.attrs[0].refs[0] == Ref("var", ["x"], 2)
    assert again.problems[0].line == 6
