"""HashiCorp's parser judges syntax; valid code python-hcl2 rejects still gets a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.validate.hcl_parse import parse_hcl
from infrascaffold.validate.validation import validate_tree

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")

MODULE_VARS = 'variable "x" {\n  type = string\n}\n'


@pytest.mark.parametrize(
    "text",
    [
        "\ufefflocals {\n  a = var.x\n}\n",  # a UTF-8 byte order mark
        "locals {\n  a = /* inline */ var.x\n}\n",
        'locals {\n  a = "${~ var.x ~}"\n}\n',
        'locals {\n  a = <<-EOT\n    %{~ if var.x != "" ~}\n    y\n    %{~ endif ~}\n  EOT\n}\n',
        # cloud-foundation-fabric modules/gke-nodepool/main.tf:357 writes a traversal this way
        "locals {\n  a = (\n    var.x\n    .y\n  )\n}\n",
    ],
)
def test_valid_code_the_grammar_rejects_is_modelled_with_its_references(text: str) -> None:
    doc = parse_hcl(text)
    assert not doc.problems
    (locals_block,) = doc.body.blocks
    refs = [(r.root, r.attrs[0], r.line) for a in locals_block.body.attrs for r in a.refs]
    assert refs and all(root == "var" and name == "x" for root, name, _ in refs)
    assert refs[0][2] >= 2


def test_a_continued_traversal_keeps_the_following_lines() -> None:
    doc = parse_hcl("locals {\n  a = (var.x\n    .y)\n  b = local.a\n}\n")
    attrs = doc.body.blocks[0].body.attrs
    assert [(a.name, a.line) for a in attrs] == [("a", 2), ("b", 4)]


def test_a_block_comment_is_not_found_inside_strings() -> None:
    doc = parse_hcl('x = "arn:aws:s3:::b/*"\ny = "c/*/d"\n')
    assert [a.value for a in doc.body.attrs] == ["arn:aws:s3:::b/*", "c/*/d"]


def test_a_valid_file_gives_no_knock_on_errors(tmp_path: Path) -> None:
    tree = {
        "variables.tf": MODULE_VARS,
        "main.tf": 'locals {\n  name = /* the prefix */ "${~ var.x ~}"\n}\n',
        "outputs.tf": 'output "name" {\n  value       = local.name\n  description = "n"\n}\n',
    }
    findings = validate_tree(tree, cache_dir=tmp_path)
    assert [f for f in findings if f.severity == "error"] == []


def test_a_syntax_error_is_reported_once_where_terraform_reports_it(tmp_path: Path) -> None:
    tree = {"main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = \n}\n'}
    syntax = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.check == "hcl-syntax"]
    assert [(f.path, f.line) for f in syntax] == [("main.tf", 2)]
    assert syntax[0].message.startswith("Invalid expression")


def test_a_500_term_sum_is_read_without_recursion_error() -> None:
    terms = " + ".join(f"var.v{i}" for i in range(500))
    doc = parse_hcl(f"a = {terms}\n")
    assert len(doc.body.attrs[0].refs) == 500
    assert doc.body.attrs[0].refs[-1].attrs == ("v499",)


def test_duplicate_attributes_in_nested_blocks_are_terraforms() -> None:
    doc = parse_hcl('resource "t" "n" {\n  tags = {}\n  x {\n    a = 1\n    a = 2\n  }\n}\n')
    assert [(p.check, p.line, p.column) for p in doc.problems] == [("hcl-duplicate", 5, 5)]
    assert doc.body.blocks[0].body.blocks[0].body.attrs  # the model is kept


def test_valid_code_the_scanner_cannot_read_keeps_its_declarations(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from infrascaffold.validate import hcl_parse
    from infrascaffold.validate.hcl_tokens import ScanError

    def fail(text: str) -> None:
        raise ScanError("line 1: unexpected")

    monkeypatch.setattr(hcl_parse, "scan_doc", fail)
    tree = {
        "main.tf": '# head\nvariable "x" {\n  type = string\n}\n\nresource "aws_vpc" "main" {\n'
        "  cidr_block = var.x\n}\n",
        "outputs.tf": 'output "id" {\n  value       = aws_vpc.main.id\n  description = "i"\n}\n',
    }
    doc = hcl_parse.parse_hcl(tree["main.tf"])
    assert [(b.type, tuple(b.labels), b.line) for b in doc.body.blocks] == [
        ("variable", ("x",), 2),
        ("resource", ("aws_vpc", "main"), 6),
    ]
    findings = validate_tree(tree, cache_dir=tmp_path)
    partial = [f for f in findings if f.check == "hcl-partial-model"]
    assert {(f.path, f.severity) for f in partial} == {
        ("main.tf", "warning"),
        ("outputs.tf", "warning"),
    }
    assert [f for f in findings if f.severity == "error"] == []


def test_tf_json_files_declare_and_reference(tmp_path: Path) -> None:
    tree = {
        "variables.tf.json": '{\n  "variable": {\n    "cidr": {"type": "string"}\n  }\n}\n',
        "main.tf.json": (
            '{\n  "resource": {\n    "aws_vpc": {\n      "main": {\n'
            '        "cidr_block": "${var.cidr}",\n        "tags": {"Name": "${var.nme}"}\n'
            "      }\n    }\n  }\n}\n"
        ),
        "outputs.tf": 'output "id" {\n  value       = aws_vpc.main.id\n  description = "i"\n}\n',
    }
    errors = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.severity == "error"]
    assert [(f.check, f.path, f.line) for f in errors] == [
        ("undeclared-reference", "main.tf.json", 6)
    ]
    assert "var.nme" in errors[0].message


def test_a_broken_tf_json_is_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    tree = {"main.tf.json": '{\n  "locals": {\n    "a": 1,\n  }\n}\n'}
    syntax = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.check == "hcl-syntax"]
    assert [(f.path, f.line) for f in syntax] == [("main.tf.json", 4)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('resource "aws_vpc" {\n}\n', "a resource block takes two labels (type and name), not 1"),
        ('variable "a" "b" {\n}\n', "a variable block takes one label (name), not 2"),
        ('locals "x" {\n}\n', "a locals block takes no labels, not 1"),
    ],
)
def test_wrong_label_counts_are_errors(text: str, message: str, tmp_path: Path) -> None:
    findings = validate_tree({"main.tf": text}, cache_dir=tmp_path)
    labels = [f for f in findings if f.check == "hcl-block-labels"]
    assert [(f.line, f.message) for f in labels] == [(1, message)]


def test_the_resource_prefix_names_a_resource(tmp_path: Path) -> None:
    tree = {
        "main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
        "locals {\n  a = resource.aws_vpc.main.id\n  b = resource.aws_vpc.other.id\n}\n"
    }
    undeclared = [
        f for f in validate_tree(tree, cache_dir=tmp_path) if f.check == "undeclared-reference"
    ]
    assert [(f.line, f.message.split(":")[0]) for f in undeclared] == [(6, "aws_vpc.other")]


def test_a_configuration_file_that_is_not_utf8_is_an_encoding_error(tmp_path: Path) -> None:
    from infrascaffold.validate import validate_dir

    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_bytes(b'locals {\n  a = "caf\xe9"\n}\n')
    (root / "notes.txt").write_bytes(b"caf\xe9\n")
    findings = validate_dir(root, cache_dir=tmp_path / "cache")
    assert [(f.check, f.path, f.severity) for f in findings] == [
        ("file-encoding", "main.tf", "error")
    ]


def test_the_shipped_parser_tables_match_the_installed_grammar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reference model (`tests/hcl_reference`, python-hcl2) loads the shipped tables
    (scripts/ship_parser_tables.py) instead of spending seconds building them."""
    import lark

    from tests.hcl_reference.model import shipped_parser

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the tables were built, not loaded: run scripts/ship_parser_tables.py")

    monkeypatch.setattr(lark.Lark, "_build_parser", no_build)
    parser = shipped_parser()
    assert parser is not None, "stale tables: run scripts/ship_parser_tables.py"
    assert parser.parse("a = var.x\n") is not None
