"""The token-scan model (`hcl_scan`) against python-hcl2's (`tests/hcl_reference`, the reference).

Valid HCL the old grammar could not read is modelled directly; on everything the built-in pack
renders (every example answer set and a pairwise matrix per cloud) the two models, and so the
findings, are the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.answers.examples import list_examples
from infrascaffold.answers.matrix import matrix_questions, pairwise_sets, sample_answers
from infrascaffold.pack.manifest import load_pack
from infrascaffold.validate import parse_cache, validate_tree
from infrascaffold.validate.hcl_doc import doc_to_rows
from infrascaffold.validate.hcl_parse import parse_hcl
from infrascaffold.validate.settings import Settings, environment_names
from tests.builders import example_answers, render_answers

pytestmark = pytest.mark.usefixtures("hcl_parser_warm")
HCL_SUFFIXES = (".tf", ".tfvars", ".hcl")


def refs_of(text: str) -> list[tuple[str, tuple[str, ...], int]]:
    doc = parse_hcl(text)
    assert [p for p in doc.problems if p.check != "hcl-duplicate"] == []
    return [(r.root, tuple(r.attrs), r.line) for a in doc.body.attrs for r in a.refs]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a traversal continued on the next line inside parentheses (cloud-foundation-fabric)
        (
            "a = try(\n  var.node_config\n  .containerd_config\n  .private, null\n)\n",
            [("var", ("node_config", "containerd_config", "private"), 2)],
        ),
        ("a = /* inline */ var.x\n", [("var", ("x",), 1)]),
        ('a = "${~ var.x ~}"\n', [("var", ("x",), 1)]),
        ('a = "%{~ if var.on ~}y%{~ endif ~}"\n', [("var", ("on",), 1)]),
        ("\ufeffa = var.x\n", [("var", ("x",), 1)]),
        (
            'a = "${join(",", [for s in var.l : "${s.id}-${local.p}"])}"\n',
            [("var", ("l",), 1), ("local", ("p",), 1)],
        ),
        (
            'a = {\n  k = var.a\n  (var.k) = 1\n  "q" : local.q\n}\n',
            [("var", ("a",), 2), ("var", ("k",), 3), ("local", ("q",), 4)],
        ),
        ("a = var.on ? { x = 1 } : { x = local.y }\n", [("var", ("on",), 1), ("local", ("y",), 1)]),
        ("a = { for k, v in var.m : k => v if v != null }\n", [("var", ("m",), 1)]),
        ("a = var.l.0.id\n", [("var", ("l",), 1)]),
        ("a = module.m.*.id\n", [("module", ("m",), 1)]),
    ],
)
def test_references_of_valid_hcl(
    text: str, expected: list[tuple[str, tuple[str, ...], int]]
) -> None:
    assert refs_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # `$${` is a literal `${`; the escapes after it are still escapes (python-hcl2 kept `\"`)
        ('a = "$${p[\\"x\\"]}/c"\n', '${p["x"]}/c'),
        ('a = "\\u00e9\\n"\n', "é\n"),
        ("a = -1.5e1\n", -15.0),
        ('a = [1, (2), { b = true, "c" = null }]\n', [1, 2, {"b": True, "c": None}]),
        ("a = <<-EOT\n  x\n  EOT\n", "  x\n"),
        ("a = [1, 2][0]\n", "<expression>"),
        ('a = "x${y}"\n', "<expression>"),
    ],
)
def test_literal_values(text: str, expected: object) -> None:
    attr = parse_hcl(text).body.attrs[0]
    assert (attr.value if attr.literal else "<expression>") == expected


def test_blocks_on_one_line_and_nested_keep_their_lines() -> None:
    doc = parse_hcl('a "x" { b = 1 }\nc {\n  d "y" "z" {\n    e = [\n      1,\n    ]\n  }\n}\n')
    a, c = doc.body.blocks
    assert (a.type, tuple(a.labels), a.line, a.end_line, a.body.attrs[0].value) == (
        "a",
        ("x",),
        1,
        1,
        1,
    )
    d = c.body.blocks[0]
    assert (c.line, c.end_line, d.line, d.end_line, tuple(d.labels)) == (2, 8, 3, 7, ("y", "z"))
    assert (d.body.attrs[0].line, d.body.attrs[0].value) == (4, [1])


# --- the answer matrix: the new model is the old one -----------------------------------------


def matrix_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every example answer set, and per cloud a pairwise matrix over its example."""
    pack = load_pack("platform")
    for example in list_examples():
        yield example.name, example_answers(example.name)
    for base_name in ("aws-containers", "gcp-containers", "azure-containers"):
        base = example_answers(base_name)
        fixed = {**pack.fixed, "cloud": base["cloud"]}
        varied = matrix_questions(pack.questions, fixed)
        for number, answers in enumerate(pairwise_sets(varied, limit=8, fixed=fixed)):
            samples = sample_answers(pack.questions)
            yield f"{base_name}-matrix-{number}", with_runners({**samples, **base, **answers})


def with_runners(answers: dict[str, Any]) -> dict[str, Any]:
    """Protected environments get a self-hosted runner (a private Kubernetes endpoint needs one)."""
    environments = [
        {**env, "runner": f"infra-{env['name']}"} if env.get("protected") else env
        for env in answers.get("environments", [])
    ]
    return {**answers, "environments": environments}


def rows(doc: Any) -> Any:
    return json.loads(json.dumps(doc_to_rows(doc)))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "answers"), list(matrix_cases()), ids=lambda v: str(v)[:40])
def test_the_matrix_has_the_same_model_and_findings_as_python_hcl2(
    name: str, answers: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infrascaffold.errors import InfrascaffoldError
    from infrascaffold.validate import hcl_judge, hcl_parse
    from tests.hcl_reference.model import reference_doc

    try:
        tree = render_answers(answers)
    except InfrascaffoldError as exc:  # a matrix set the answer checks refuse: nothing to parse
        pytest.skip(exc.format_message().splitlines()[0])
    hcl = {path: text for path, text in tree.items() if path.endswith(HCL_SUFFIXES)}
    assert hcl
    different = [
        path for path, text in hcl.items() if rows(parse_hcl(text)) != rows(reference_doc(text))
    ]
    assert different == []

    settings = Settings(
        include=("*",), environment_names=environment_names(answers.get("environments"))
    )
    new = validate_tree(tree, cache_dir=tmp_path / "new", settings=settings)
    monkeypatch.setattr(hcl_parse, "parse_hcl", reference_doc)
    monkeypatch.setattr(parse_cache, "PARALLEL_MIN_FILES", 10**9)  # workers would not see the patch
    monkeypatch.setattr(hcl_judge, "OVERLAP_MIN_FILES", 10**9)  # nor would the verdicts' thread
    old = validate_tree(tree, cache_dir=tmp_path / "old", settings=settings)
    assert new == old
