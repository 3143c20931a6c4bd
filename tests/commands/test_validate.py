"""`infrascaffold validate`: output formats, exit codes, strict mode, unusable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from infrascaffold.commands import validate as command
from infrascaffold.errors import InfrascaffoldError
from tests.builders import build_file_tree

CLEAN = {
    "main.tf": (
        'terraform {\n  required_version = ">= 1.6.0"\n  backend "local" {}\n}\n\n'
        'variable "name" {\n  type        = string\n  description = "Name."\n}\n\n'
        'output "name" {\n  description = "Name."\n  value       = var.name\n}\n'
    ),
}
WARNING_ONLY = {"main.tf": 'terraform {\n  backend "local" {}\n}\n'}
ERROR = {
    "main.tf": CLEAN["main.tf"] + 'output "bad" {\n  description = "x"\n  value = var.nope\n}\n'
}


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hcl_parser_warm: None) -> None:
    """The command uses the default cache: point it at a temporary folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def test_clean_folder_exits_0_with_one_summary_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command.run(build_file_tree(tmp_path / "repo", CLEAN), "text", strict=False) == 0
    out = capsys.readouterr()
    assert out.out == "OK: 1 Terraform file, 0 CI files checked: 0 error(s), 0 warning(s)\n"
    assert out.err == ""


def test_nothing_to_validate_is_exit_2(tmp_path: Path) -> None:
    folder = build_file_tree(tmp_path / "repo", {"README.md": "# hi\n", "app.py": "x = 1\n"})
    with pytest.raises(InfrascaffoldError, match="nothing to validate: no .tf") as caught:
        command.run(folder, "text", strict=False)
    assert caught.value.exit_code == 2


def test_json_output_has_no_summary_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command.run(build_file_tree(tmp_path / "repo", CLEAN), "json", strict=False) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_errors_exit_1_with_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command.run(build_file_tree(tmp_path / "repo", ERROR), "text", strict=False) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "main.tf:17: [undeclared-reference] var.nope: no variable 'nope' in module ."
    ]
    assert "1 error(s), 0 warning(s)" in out.err


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)])
def test_warnings_fail_only_when_strict(tmp_path: Path, strict: bool, code: int) -> None:
    assert command.run(build_file_tree(tmp_path / "repo", WARNING_ONLY), "text", strict) == code


def test_json_lists_finding_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command.run(build_file_tree(tmp_path / "repo", WARNING_ONLY), "json", strict=False)
    findings = json.loads(capsys.readouterr().out)
    assert findings == [
        {
            "check": "required-version",
            "path": "main.tf",
            "line": 1,
            "message": "module . has no terraform { required_version = ... }",
            "severity": "warning",
            "column": 0,
        }
    ]


def test_json_of_a_clean_folder_is_an_empty_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command.run(build_file_tree(tmp_path / "repo", CLEAN), "json", strict=True)
    assert json.loads(capsys.readouterr().out) == []


def test_missing_folder_is_unusable_input(tmp_path: Path) -> None:
    with pytest.raises(InfrascaffoldError) as raised:
        command.run(tmp_path / "nope", "text", strict=False)
    assert raised.value.exit_code == 2
    assert raised.value.reason == "no such folder"


def test_cli_validate(tmp_path: Path) -> None:
    from infrascaffold import cli

    repo = build_file_tree(tmp_path / "repo", ERROR)
    runner = CliRunner()
    result = runner.invoke(cli.cli, ["validate", str(repo), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["check"] == "undeclared-reference"
    missing = runner.invoke(cli.cli, ["validate", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "no such folder" in missing.output
