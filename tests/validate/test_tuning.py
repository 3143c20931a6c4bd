"""Tuning `validate`: inline ignores, `.infrascaffold.yaml`, --select/--ignore/--exclude, --list-checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from infrascaffold.commands import validate as command
from infrascaffold.errors import InfrascaffoldError
from infrascaffold.validate.catalogue import CATALOGUE
from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import validate_dir
from tests.builders import build_file_tree

MAIN = (
    'terraform {\n  required_version = ">= 1.6"\n  backend "s3" {}\n}\n'  # 1-4
    'variable "name" {\n  type        = string\n  description = "n"\n}\n'  # 5-8
    'output "a" {\n  description = "a"\n  value       = var.nope # infrascaffold: ignore[undeclared-reference] set by a wrapper\n}\n'  # 9-12
    "# infrascaffold: ignore[references] generated block, checked upstream\n"  # 13
    'output "b" {\n  description = "b"\n  value       = var.gone\n}\n'  # 14-17
    'output "c" {\n  description = "c"\n  value       = var.missing\n}\n'  # 18-21
    'output "d" {\n  value = var.name\n}\n'  # 22-24
)


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hcl_parser_warm: None) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def reported(root: Path) -> list[str]:
    return [f"{f.path}:{f.line}: {f.check} {f.severity}" for f in validate_dir(root)]


def test_inline_ignores_silence_a_line_or_a_block(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "repo", {"main.tf": MAIN})
    assert reported(root) == [
        "main.tf:20: undeclared-reference error",
        "main.tf:22: output-description warning",
    ]


def test_an_inline_ignore_names_its_check(tmp_path: Path) -> None:
    text = MAIN.replace("ignore[undeclared-reference]", "ignore[secret]")
    root = build_file_tree(tmp_path / "repo", {"main.tf": text})
    assert "main.tf:11: undeclared-reference error" in reported(root)


def test_config_file_selects_ignores_excludes_and_overrides_severity(tmp_path: Path) -> None:
    config = (
        "validate:\n  ignore: [conventions]\n  exclude: [legacy]\n"
        "  severity:\n    undeclared-reference: warning\n"
    )
    tree = {
        "main.tf": MAIN,
        ".infrascaffold.yaml": config,
        "legacy/main.tf": "locals {\n  a = \n}\n",
    }
    root = build_file_tree(tmp_path / "repo", tree)
    assert reported(root) == ["main.tf:20: undeclared-reference warning"]


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("validate:\n  selct: [x]\n", "validate.selct: unknown setting"),
        ("validate:\n  ignore: secret\n", "validate.ignore: must be a list of strings"),
        (
            "validate:\n  severity: {secret: fatal}\n",
            "validate.severity.secret: must be error or warning",
        ),
    ],
)
def test_a_bad_config_is_one_clear_error(tmp_path: Path, config: str, words: str) -> None:
    root = build_file_tree(tmp_path / "repo", {".infrascaffold.yaml": config})
    with pytest.raises(InfrascaffoldError) as raised:
        load_settings(root)
    assert raised.value.exit_code == 2
    assert words in str(raised.value)
    assert ".infrascaffold.yaml" in str(raised.value)


def test_flags_add_to_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_file_tree(tmp_path / "repo", {"main.tf": MAIN})
    assert command.run(root, "text", False, select=["conventions"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "main.tf:22: [output-description] output 'd' has no description",
        "OK: 1 Terraform file, 0 CI files checked: 0 error(s), 1 warning(s)",
    ]
    assert command.run(root, "text", False, ignore=["undeclared-reference"]) == 0
    assert command.run(root, "text", False, exclude=["main.tf"]) == 0


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "infrascaffold"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)


def test_list_checks_prints_every_check_id(tmp_path: Path) -> None:
    result = run_cli("validate", "--list-checks")
    assert result.returncode == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert ids == [info.id for info in CATALOGUE]


def test_cli_flags_through_the_console_script(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "repo", {"main.tf": MAIN})
    failing = run_cli("validate", str(root), "--format", "github")  # its exit code: test_cli
    assert "title=undeclared-reference" in failing.stdout
    passing = run_cli(
        "validate", str(root), "--ignore", "references", "--ignore", "output-description"
    )
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_pre_commit_hook_runs_validate_once_on_the_repository() -> None:
    import re

    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "infrascaffold-validate"
    assert hook["entry"] == "infrascaffold validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # references cross files: the whole tree at once
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("main.tf", "a/b.tfvars", "x.tf.json", ".gitlab-ci.yml"))
    assert not pattern.search("README.md")
