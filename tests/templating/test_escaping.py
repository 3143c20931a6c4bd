"""The escaping filters: no answer can inject HCL, YAML or shell code."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from infrascaffold.templating.escaping import comment, gha_expr, hcl, hcl_string, ident, md, sh
from infrascaffold.templating.escaping import yaml as yaml_literal
from tests.builders import example_answers, render_answers

INJECTIONS = [
    'x" } resource "aws_iam_user" "evil" { name = "x',
    '${file("/etc/passwd")}',
    "%{ if true }evil%{ endif }",
    'line1\nresource "null_resource" "x" {}',
    "back\\slash\\",
    "tab\tand\rreturn",
    "\x00\x07control",
    "${{ secrets.TOKEN }}",
    "'; rm -rf / #",
    "$(curl evil)",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_hcl_string_is_one_literal_with_the_same_value(hcl2_warm: None, value: str) -> None:
    import hcl2

    parsed = hcl2.loads(f"a = {hcl_string(value)}\n")
    assert list(parsed) == ["a"]
    # python-hcl2 keeps the quotes and escapes of the literal; decode them as JSON would.
    literal = parsed["a"]
    assert literal.startswith('"') and literal.endswith('"')
    assert "\n" not in literal
    decoded = json.loads(literal.replace("$${", "${").replace("%%{", "%{"))
    assert decoded == value


def test_hcl_escapes_interpolation_and_directives() -> None:
    assert hcl_string("${x}") == '"$${x}"'
    assert hcl_string("%{x}") == '"%%{x}"'


def test_hcl_renders_structures(hcl2_warm: None) -> None:
    import hcl2

    value = {"name": 'a"b', "count": 3, "on": True, "none": None, "list": ["x", 1], "bad key": 1}
    parsed = hcl2.loads(f"v = {hcl(value)}\n")
    assert parsed["v"]["count"] == 3
    assert parsed["v"]["on"] is True
    assert parsed["v"]["list"][1] == 1
    assert hcl([]) == "[]"
    assert hcl({}) == "{}"
    assert hcl(None) == "null"
    assert hcl(1.5) == "1.5"


@pytest.mark.parametrize("value", INJECTIONS)
def test_yaml_literal_is_one_scalar(value: str) -> None:
    document = yaml.safe_load(f"key: {yaml_literal(value)}\nother: 1\n")
    assert set(document) == {"key", "other"}
    if "${{" not in value:
        assert document["key"] == value
    else:  # GitHub Actions expressions are neutralised
        assert "${{ '${{' }}" in document["key"]


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans() | st.none(),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(min_size=1), children, max_size=3)
        ),
        max_leaves=8,
    )
)
@settings(max_examples=200, deadline=None)
def test_yaml_literal_round_trips(value: object) -> None:
    text = yaml_literal(value)
    if "${{" in text:
        return
    assert yaml.safe_load(f"k: {text}\n") == {"k": value}


@given(st.text())
def test_sh_quotes_one_word(value: str) -> None:
    word = sh(value)
    assert len(word.splitlines()) <= 1 and "\n" not in word  # fits a YAML block scalar
    if not any(ord(c) < 0x20 or c in "\x7f\x85\u2028\u2029" for c in value):
        assert shlex.split(f"echo {word}") == ["echo", value]
    else:
        assert word.startswith("$'") and word.endswith("'")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_sh_words_with_control_characters_round_trip_through_bash() -> None:
    values = ["a\nb", "x'\n$(touch pwned)`id`", "\r\t\x01\x1f\x7f", "é\u2028ü\x85", "\\\n'"]
    script = "; ".join(f"printf '%s\\0' {sh(v)}" for v in values)
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True)
    assert out.stdout.decode().split("\0")[:-1] == values


def test_comment_keeps_text_on_one_line() -> None:
    assert comment("a\nb\u2028c\\") == "a\\u000ab\\u2028c\\\\"
    assert comment("acme/shop") == "acme/shop"


def test_md_escapes_table_cells() -> None:
    assert md("a|b\nc") == "a\\|b c"
    assert md("<script>") == "\\<script\\>"


def test_ident_writes_identifiers_and_refuses_anything_else() -> None:
    assert ident("prod-eu") == "prod-eu" and ident("account_prod_eu") == "account_prod_eu"
    for value in ["prod eu", 'a"b', "a${b}", "1st", "", "dev\n", "a.b"]:
        with pytest.raises(ValueError, match="not an HCL identifier"):
            ident(value)


_GHA_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_GHA_FROM_JSON = re.compile(r"""fromJSON\('("(?:[^'"\\]|\\u[0-9a-f]{4})*")'\)""")


def gha_value(literal: str) -> str:
    """The string a GitHub Actions expression literal stands for, read by the expression grammar:
    `'…'` with `''` for a quote, or `fromJSON('<JSON string>')`."""
    if quoted := _GHA_QUOTED.fullmatch(literal):
        return quoted.group(1).replace("''", "'")
    from_json = _GHA_FROM_JSON.fullmatch(literal)
    assert from_json, literal
    decoded = json.loads(from_json.group(1))
    assert isinstance(decoded, str)
    return decoded


GHA_INJECTIONS = [
    *INJECTIONS,
    "it's",
    "x') || true || ('",
    "a}}b ${{ github.token }}",
    "job: x",
    "x #comment",
    "[a, b]",
    "\u0027",
    "é\U0001f600",
    "",
]


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_gha_expr_is_one_literal_with_the_same_value(value: str) -> None:
    literal = gha_expr(value)
    assert gha_value(literal) == value
    assert literal.isascii() and literal.isprintable()  # one line, whatever the value
    # Nothing that ends the expression, the YAML scalar holding it or a flow sequence.
    for token in ("}}", ": ", " #", ",", "[", "]", "{"):
        assert token not in literal


@pytest.mark.parametrize("value", GHA_INJECTIONS)
def test_gha_expr_stays_inside_yaml_scalars(value: str) -> None:
    literal = gha_expr(value)
    document = yaml.safe_load(
        f"plain: ${{{{ needs[{literal}].outputs.digest }}}}\n"
        f"if: needs[{literal}].result == 'success'\n"
        f"folded: >-\n  !cancelled()\n  && needs[{literal}].result == 'success'\n"
    )
    assert document == {
        "plain": f"${{{{ needs[{literal}].outputs.digest }}}}",
        "if": f"needs[{literal}].result == 'success'",
        "folded": f"!cancelled() && needs[{literal}].result == 'success'",
    }


def test_gha_expr_doubles_single_quotes_and_writes_scalars() -> None:
    assert gha_expr("plan-dev") == "'plan-dev'"
    assert gha_expr("it's") == "'it''s'"
    assert gha_expr("a}}") == """fromJSON('"a\\u007d\\u007d"')"""
    assert [gha_expr(v) for v in (None, True, 3, -1.5)] == ["null", "true", "3", "-1.5"]
    assert gha_expr(float("nan")) == "'nan'"
    with pytest.raises(TypeError):
        gha_expr(["a"])


def test_actionlint_parses_every_gha_expr_literal(tmp_path: Path) -> None:
    local = Path(sys.executable).parent / "actionlint"
    actionlint = str(local) if local.exists() else shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed")
    steps = "".join(
        f"      - if: github.ref == {gha_expr(v)}\n"
        f'        run: echo "$V"\n'
        f"        env:\n          V: ${{{{ format('{{0}}', {gha_expr(v)}) }}}}\n"
        for v in GHA_INJECTIONS
    )
    workflow = tmp_path / ".github" / "workflows" / "w.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n" + steps
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = subprocess.run(
        [actionlint, "-shellcheck=", str(workflow)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _workflow(answers: dict[str, object], name: str) -> dict[str, object]:
    loaded = yaml.safe_load(render_answers(answers)[f".github/workflows/{name}"])
    assert isinstance(loaded, dict)
    return loaded


def test_workflow_expressions_name_jobs_and_variables_by_literal() -> None:
    """Job ids (from environment names) enter GitHub expressions as `gha_expr` literals
    (`needs['plan-dev']`), never as bare property names or shell words."""
    answers = {
        **example_answers("gcp-kubernetes-canary"),
        "ci": "github-actions",
        "repository": "acme/shop",
    }
    jobs = _workflow(answers, "terraform.yml")["jobs"]
    assert isinstance(jobs, dict)
    checked = 0
    for job_id, job in jobs.items():
        text = yaml.safe_dump({"if": job.get("if", ""), "with": job.get("with", {})}, width=10**6)
        assert not re.search(r"needs\.(?!checks\b)[\w-]", text), (job_id, text)
        for literal in re.findall(r"needs\[('[^']*'|fromJSON\('[^']*'\))\]", text):
            assert gha_value(literal) in job["needs"], (job_id, literal)
            checked += 1
    assert checked >= 4  # every apply's digest, and the plans of the addons stacks
