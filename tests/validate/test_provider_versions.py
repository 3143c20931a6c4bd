"""A module that needs a newer provider than the vendored schema gets warnings naming the gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.validate.provider_schemas import load_schema
from infrascaffold.validate.provider_versions import minimum_version
from infrascaffold.validate.validation import validate_tree

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")

RESOURCE = 'resource "aws_s3_bucket" "b" {\n  bucket          = "x"\n  brand_new_thing = true\n}\n'


def versions(constraint: str) -> str:
    return (
        "terraform {\n  required_providers {\n    aws = {\n"
        f'      source  = "hashicorp/aws"\n      version = "{constraint}"\n    }}\n  }}\n}}\n'
    )


@pytest.mark.parametrize(
    ("constraint", "lowest"),
    [
        (">= 6.28", "6.28"),
        ("~> 7.1", "7.1"),
        (">= 5.0, < 7.0", "5.0"),
        ("6.30.0", "6.30.0"),
        ("< 6", None),
    ],
)
def test_minimum_versions(constraint: str, lowest: str | None) -> None:
    assert minimum_version(constraint) == lowest


def schema_findings(tree: dict[str, str], cache: Path) -> list[tuple[str, str, int]]:
    return [
        (f.check, f.severity, f.line)
        for f in validate_tree(tree, cache_dir=cache)
        if f.check.startswith("schema-")
    ]


def test_an_unknown_argument_is_an_error_within_the_vendored_version(tmp_path: Path) -> None:
    vendored = load_schema("aws").version
    tree = {"versions.tf": versions(f">= {vendored}"), "main.tf": RESOURCE}
    assert schema_findings(tree, tmp_path) == [("schema-unknown-argument", "error", 3)]


def test_a_newer_required_provider_makes_schema_findings_warnings(tmp_path: Path) -> None:
    vendored = load_schema("aws").version
    major = int(vendored.split(".")[0]) + 1
    tree = {"versions.tf": versions(f">= {major}.0"), "main.tf": RESOURCE}
    found = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.check.startswith("schema-")]
    assert [(f.path, f.check, f.severity) for f in found] == [
        ("main.tf", "schema-unknown-argument", "warning"),
        ("versions.tf", "schema-version-gap", "warning"),
    ]
    assert f"aws {major}.0 required, schemas know {vendored}" in found[0].message
    assert found[1].line == 3


def test_an_older_pinned_major_makes_schema_findings_warnings(tmp_path: Path) -> None:
    vendored = load_schema("aws").version
    major = int(vendored.split(".")[0]) - 1
    aliases = "      configuration_aliases = [aws.east]\n"  # no literal value: read from the text
    text = versions(f"~> {major}.10").replace("    }\n  }\n}\n", aliases + "    }\n  }\n}\n")
    tree = {"versions.tf": text, "main.tf": RESOURCE}
    found = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.check.startswith("schema-")]
    assert [(f.path, f.check, f.severity) for f in found] == [
        ("main.tf", "schema-unknown-argument", "warning"),
        ("versions.tf", "schema-version-gap", "warning"),
    ]
    assert f"aws '~> {major}.10' required, schemas know {vendored}" in found[1].message


def test_a_provider_object_with_references_still_counts_as_pinned(tmp_path: Path) -> None:
    text = versions(">= 6.0").replace(
        "    }\n  }\n}\n", "      configuration_aliases = [aws.east]\n    }\n  }\n}\n"
    )
    found = validate_tree({"versions.tf": text}, cache_dir=tmp_path)
    assert [f for f in found if f.check == "provider-version"] == []
