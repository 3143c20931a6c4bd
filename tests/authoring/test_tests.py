"""`template init` and `template test`: a fresh skeleton passes; changes fail; --update fixes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from infrascaffold.authoring.tests import compare_trees
from infrascaffold.cli import cli


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_init_test_fail_update(tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    code, out = invoke("template", "init", str(pack))
    assert code == 0, out
    assert (pack / "tests" / "default" / "expected" / "main.tf").is_file()
    assert invoke("template", "test", str(pack)) == (0, "passed   default\n")
    assert invoke("template", "lint", str(pack))[0] == 0
    (pack / "files" / "README.md.j2").write_text("# {{ project_name }} changed\n")
    code, out = invoke("template", "test", str(pack))
    assert code == 1 and "FAILED   default" in out and "+# demo changed" in out
    assert invoke("template", "test", str(pack), "--update")[0] == 0
    assert invoke("template", "test", str(pack))[0] == 0


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("")
    code, out = invoke("template", "init", str(tmp_path / "x"))
    assert code == 2 and "is not empty" in out


def test_test_without_cases(tmp_path: Path) -> None:
    invoke("template", "init", str(tmp_path / "p"))
    for f in (tmp_path / "p" / "tests").rglob("answers.yaml"):
        f.unlink()
    code, out = invoke("template", "test", str(tmp_path / "p"))
    assert code == 2 and "no test cases" in out


def test_compare_trees_reports_missing_extra_and_diffs() -> None:
    diffs = compare_trees({"a": "1\n", "b": "x\n"}, {"a": "2\n", "c": "y\n"})
    assert diffs[0].startswith("--- expected/a")
    assert diffs[1:] == ("missing from the render: b", "not expected: c")


def test_template_list_shows_the_builtin_pack() -> None:
    code, out = invoke("template", "list")
    assert code == 0 and out.startswith("platform ") and "builtin:platform" in out
