"""The escaping filters: no answer can inject HCL, YAML or shell code."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from infrascaffold.templating.escaping import comment, hcl, hcl_string, ident, md, sh
from infrascaffold.templating.escaping import yaml as yaml_literal

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
