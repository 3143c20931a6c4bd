"""`validate --format sarif|github|gitlab`: what code scanning, annotations and Code Quality read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from infrascaffold.commands import validate as command
from infrascaffold.validate.catalogue import CATALOGUE
from infrascaffold.validate.validation import CHECKS
from tests.builders import build_file_tree

SARIF_SCHEMA = Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
TREE = {
    "infra/main.tf": (
        'variable "a" {}\n'
        'output "b" {\n  description = "b"\n  value       = var.nope\n}\n'
        "locals {\n  c = \n}\n"
    ),
}
TREE_SYNTAX_OK = {"infra/main.tf": TREE["infra/main.tf"].replace("c = \n", "c = 1\n")}


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hcl_parser_warm: None) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def output(
    tmp_path: Path, tree: dict[str, str], fmt: str, capsys: pytest.CaptureFixture[str]
) -> str:
    """Run `validate infra --format FMT` from the repository's top, as CI does."""
    root = build_file_tree(tmp_path / "repo", tree)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert command.run(Path("infra"), fmt, strict=False) == 1
    return capsys.readouterr().out


def test_sarif_is_valid_sarif_2_1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for tree in (TREE, TREE_SYNTAX_OK):
        log = json.loads(output(tmp_path / str(len(tree["infra/main.tf"])), tree, "sarif", capsys))
        jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = log["runs"][0]["results"]
    undeclared = [r for r in results if r["ruleId"] == "undeclared-reference"]
    (location,) = undeclared[0]["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf"
    assert location["physicalLocation"]["region"] == {"startLine": 4}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[undeclared[0]["ruleIndex"]]["id"] == "undeclared-reference"


def test_sarif_carries_terraforms_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = json.loads(output(tmp_path, TREE, "sarif", capsys))
    (syntax,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "hcl-syntax"]
    assert syntax["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 7,
    }


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = output(tmp_path, TREE_SYNTAX_OK, "github", capsys).splitlines()
    assert (
        "::error file=infra/main.tf,line=4,title=undeclared-reference::var.nope: no variable 'nope' in module ."
        in lines
    )
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)


def test_gitlab_code_quality(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    issues = json.loads(output(tmp_path, TREE_SYNTAX_OK, "gitlab", capsys))
    undeclared = [i for i in issues if i["check_name"] == "undeclared-reference"]
    assert undeclared == [
        {
            "description": "[undeclared-reference] var.nope: no variable 'nope' in module .",
            "check_name": "undeclared-reference",
            "fingerprint": undeclared[0]["fingerprint"],
            "severity": "major",
            "location": {"path": "infra/main.tf", "lines": {"begin": 4}},
        }
    ]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["severity"] for i in issues} <= {"major", "minor"}


def test_every_catalogued_check_belongs_to_a_group() -> None:
    assert {info.group for info in CATALOGUE} <= set(CHECKS)
    assert len({info.id for info in CATALOGUE}) == len(CATALOGUE)
