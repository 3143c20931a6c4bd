"""The shipped examples: every answers file renders clean; the acme pack lints and tests clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from infrascaffold.cli import cli
from infrascaffold.validate import validate_tree
from tests.builders import EXAMPLES, ROOT, build_file_tree, example_answers, render_answers

ACME = ROOT / "examples" / "packs" / "acme"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yml")))
def test_example_answers_render_and_validate_clean(name: str, tmp_path: Path) -> None:
    findings = validate_tree(render_answers(example_answers(name)), cache_dir=tmp_path)
    assert [f.format_text() for f in findings] == []


def test_acme_pack_lints_clean() -> None:
    code, out, _ = invoke("template", "lint", str(ACME), "--max-renders", "4")
    assert code == 0, out
    assert out.endswith("0 error(s), 0 warning(s)\n")


def test_acme_pack_cases_match_their_expected_trees() -> None:
    code, out, _ = invoke("template", "test", str(ACME))
    assert code == 0, out


def test_acme_conventions_are_enforced(tmp_path: Path) -> None:
    answers = build_file_tree(
        tmp_path, {"a.yml": (ACME / "tests" / "default" / "answers.yaml").read_text()}
    )
    base = [
        "new",
        str(tmp_path / "out"),
        "--pack",
        str(ACME),
        "--answers",
        str(answers / "a.yml"),
        "--no-input",
    ]
    code, _, err = invoke(
        *base,
        "--set",
        "cloud=gcp",
        "--set",
        "project_name=shop",
        "--set",
        "environments.0.region=us-east-1",
        "--set",
        "cost_center=42",
    )
    assert code == 2
    assert "error: cloud: is fixed to 'aws' by pack acme" in err
    assert "error: project_name: shop: Acme project names start with acme-" in err
    assert (
        "error: environments[0].region: us-east-1 is not an approved Acme region (eu-west-1, eu-central-1)"
        in err
    )
    assert "error: cost_center: 42 is not an Acme cost center (cc-NNNN)" in err
    code, _, err = invoke(*base)
    assert code == 0, err
    tfvars = (tmp_path / "out" / "environments" / "prod.tfvars").read_text()
    assert 'extra_tags   = { cost-center = "cc-1234", data-classification = "internal" }' in tfvars
    assert "acme-platform" in tfvars
    assert (tmp_path / "out" / "docs" / "CONVENTIONS.md").is_file()
