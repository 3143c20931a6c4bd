"""The CLI through click's CliRunner: `new`, its flags, exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from infrascaffold import __version__
from infrascaffold.cli import cli
from tests.builders import EXAMPLES, build_file_tree

EXAMPLE = str(EXAMPLES / "aws-containers.yml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ([], ["new"], ["validate"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Example:" in out and "infrascaffold " in out


def test_new_renders_validates_and_records(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, out, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input")
    assert code == 0, err
    assert "Rendered" in out
    record = dest / ".infrascaffold"
    meta = yaml.safe_load((record / "pack.yaml").read_text())
    assert meta["pack"] == "platform" and meta["infrascaffold_version"] == __version__
    answers = yaml.safe_load((record / "answers.yaml").read_text())
    assert answers["project_name"] == "shop"
    rendered = sorted(
        p.relative_to(dest).as_posix()
        for p in dest.rglob("*")
        if p.is_file() and ".infrascaffold" not in p.parts
    )
    assert rendered
    for rel in rendered:
        assert (record / "base" / rel).read_text() == (dest / rel).read_text()


def test_dry_run_lists_files_and_writes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, out, _ = run("new", str(dest), "--answers", EXAMPLE, "--no-input", "--dry-run")
    assert code == 0
    assert "README.md" in out and "dry run:" in out
    assert not dest.exists()


def test_set_overrides_the_answers_file(tmp_path: Path) -> None:
    dest = tmp_path / "infra"
    code, _, err = run(
        "new",
        str(dest),
        "--answers",
        EXAMPLE,
        "--no-input",
        "--set",
        "environments.1.region=eu-west-3",
        "--set",
        "owner=web-team",
    )
    assert code == 0, err
    answers = yaml.safe_load((dest / ".infrascaffold" / "answers.yaml").read_text())
    assert answers["environments"][1]["region"] == "eu-west-3"
    assert answers["owner"] == "web-team"


def test_no_input_lists_every_missing_key(tmp_path: Path) -> None:
    answers = build_file_tree(tmp_path, {"a.yml": "environments:\n  - {name: dev}\n"}) / "a.yml"
    code, _, err = run("new", str(tmp_path / "out"), "--answers", str(answers), "--no-input")
    assert code == 2
    assert "error: project_name: is required and has no default" in err
    assert "error: environments[0].cidr: is required and has no default" in err
    assert not (tmp_path / "out").exists()


def test_defaults_take_defaults(tmp_path: Path) -> None:
    sets = [f"environments.{i}.account_id={str(i + 1) * 12}" for i in range(3)]
    sets.append("aws_state_account_id=999999999999")
    code, _, err = run(
        "new", str(tmp_path / "out"), "--defaults", "--set", "project_name=shop",
        *[arg for item in sets for arg in ("--set", item)],
    )  # fmt: skip
    assert code == 0, err


def test_invalid_answers_each_on_one_line_exit_2(tmp_path: Path) -> None:
    code, _, err = run(
        "new",
        str(tmp_path / "out"),
        "--answers",
        EXAMPLE,
        "--no-input",
        "--set",
        "environments.2.cidr=10.10.0.0/16",
        "--set",
        "cloud=mars",
    )
    assert code == 2
    lines = err.strip().splitlines()
    assert "error: cloud: 'mars' is not one of: aws, gcp, azure" in lines
    assert all(line.startswith("error: ") for line in lines)
    assert "Traceback" not in err


def test_dest_not_empty_is_refused_before_any_work(tmp_path: Path) -> None:
    dest = build_file_tree(tmp_path / "infra", {"mine.txt": "x"})
    code, _, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input")
    assert code == 2 and "is not empty (use --force" in err
    code, _, err = run("new", str(dest), "--answers", EXAMPLE, "--no-input", "--force")
    assert code == 0, err
    assert (dest / "mine.txt").read_text() == "x"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pack", "nope"], "nope: unknown pack"),
        (["--answers", "/nonexistent.yml"], "/nonexistent.yml: No such file"),
        (["--set", "novalue"], "novalue: expected KEY=VALUE"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run("new", str(tmp_path / "out"), "--no-input", *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_render_failing_validation_writes_nothing(tmp_path: Path) -> None:
    pack = build_file_tree(
        tmp_path / "pack",
        {
            "pack.yaml": "name: bad\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n",
            "files/main.tf.j2": 'resource "null_resource" "x" {\n  triggers = {\n}\n',
        },
    )
    code, _, err = run("new", str(tmp_path / "out"), "--pack", str(pack), "--no-input")
    assert code == 1
    assert "main.tf" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_ctrl_c_exits_130_through_main() -> None:
    script = (
        "import sys; from infrascaffold import cli\n"
        "def boom(*a, **k): raise KeyboardInterrupt\n"
        "cli.cli.main = boom\nsys.argv=['infrascaffold']\ncli.main()"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 130
    assert "Interrupted" in result.stderr
