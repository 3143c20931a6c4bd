"""jsonschema-rs's first verdict on CI documents agrees with check-jsonschema's validator."""

from __future__ import annotations

import copy
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.validate import ci_files, validate_tree
from infrascaffold.validate.ci_prefilter import (
    VERIFIED_PROPERTY_PATTERNS,
    EcmaPattern,
    surely_valid,
    trusted_schema,
)
from infrascaffold.validate.ci_validator import vendored_schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GITHUB = ci_files.SCHEMA_NAMES["github"]
VALID_WORKFLOW = (
    "name: ci\non: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: echo hi\n"
)
# Values that probe where the two libraries could part: types, the ECMAScript regular
# expressions of `pattern` (`.` and line terminators, `\d` and other digits), expressions,
# reusable workflow paths, numbers that are integers, empty containers.
PROBES: list[Any] = [
    3, 1.0, 2.5, -1, 0, True, False, None, "", "x", "on", [], {}, ["x", 1], {"zz": 1},
    "${{ github.ref }}", "${{ a }}\r", "a ${{ b }}\u2028", "${{\n}}", "\u0663", "10", "1.5",
    "1.*", "./.github/workflows/x.yml", "o/r/.github/workflows/x.yaml@v1", "o/r/x.txt@v1",
    "ubuntu-latest", "bash", "read", "write", "none", {"group": "g"}, [{"uses": 2}],
]  # fmt: skip


def _github_documents() -> list[Any]:
    """Every workflow of the goldens and the fixtures, as `ci_files` reads it."""
    import yaml

    from infrascaffold.validate.yaml_data import node_data

    documents = []
    for root in (FIXTURES, FIXTURES.parent / "golden"):
        for path in sorted(root.rglob(".github/workflows/*.y*ml")):
            try:
                documents.append(node_data(yaml.compose(path.read_text(encoding="utf-8"))))
            except yaml.YAMLError:
                continue
    return documents


def _containers(data: Any, found: list[Any]) -> list[Any]:
    if isinstance(data, dict | list):
        found.append(data)
        for value in data.values() if isinstance(data, dict) else data:
            _containers(value, found)
    return found


def _variants(data: Any, rng: random.Random, count: int) -> list[Any]:
    """`count` copies of `data`, each with one value replaced, one key removed or one added."""
    variants = []
    for _ in range(count):
        copied = copy.deepcopy(data)
        target = rng.choice(_containers(copied, []))
        probe = copy.deepcopy(rng.choice(PROBES))
        if isinstance(target, list):
            if target:
                target[rng.randrange(len(target))] = probe
            else:
                target.append(probe)
        elif target and rng.random() < 0.7:
            key = rng.choice(list(target))
            if rng.random() < 0.2:
                del target[key]
            else:
                target[key] = probe
        else:
            target[rng.choice(["zz", "if", "needs", "with", "env", "shell"])] = probe
        variants.append(copied)
    return variants


def _jsonschema_valid(data: Any) -> bool:
    return next(iter(ci_files._validator("github").iter_errors(data)), None) is None


def test_the_verdict_is_check_jsonschemas_on_workflows_and_broken_variants() -> None:
    documents = _github_documents()
    assert len(documents) >= 40
    rng = random.Random(19)
    cases = [*documents, *(v for data in documents for v in _variants(data, rng, 12))]
    agreed = valid = 0
    for data in cases:
        expected = _jsonschema_valid(data)
        assert surely_valid(GITHUB, data) is expected, data
        agreed += 1
        valid += expected
    assert agreed == len(cases)
    assert 0 < valid < len(cases)  # both verdicts were exercised


def test_ecmascript_patterns_are_checked_as_check_jsonschema_checks_them() -> None:
    dot = EcmaPattern({}, "^.$", [])
    dot.validate("a")
    dot.validate(3)  # not a string: not this keyword's business
    with pytest.raises(ValueError):
        dot.validate("\r")  # ECMAScript's `.` matches no line terminator
    with pytest.raises(ValueError):
        EcmaPattern({}, r"^\d$", []).validate("\u0663")  # `\d` is ASCII digits only


def test_schemas_it_cannot_judge_alike_go_to_jsonschema() -> None:
    assert trusted_schema(vendored_schema(GITHUB))
    gitlab = ci_files.SCHEMA_NAMES["gitlab"]
    assert not trusted_schema(vendored_schema(gitlab))  # formats
    assert not surely_valid(gitlab, {"job": {"script": "echo"}})
    assert not trusted_schema({"patternProperties": {r"^\w+$": {}}})
    pattern = next(iter(VERIFIED_PROPERTY_PATTERNS))
    assert trusted_schema({"items": [{"patternProperties": {pattern: {"type": "string"}}}]})
    assert not trusted_schema({"properties": {"a": {"format": "uri"}}})
    assert trusted_schema({"properties": {"format": {"type": "string"}}})  # a property's name


@pytest.mark.parametrize(
    "value", [2**64, float("nan"), float("inf"), {1: "a"}, {"on": {None: 1}}, object()]
)
def test_values_json_cannot_hold_go_to_jsonschema(value: object) -> None:
    document = {"on": "push", "jobs": {"a": {"runs-on": "x", "steps": [{"run": "y"}]}}}
    assert surely_valid(GITHUB, document)
    document["jobs"]["a"]["with"] = value  # type: ignore[index]
    assert not surely_valid(GITHUB, document)


def test_a_valid_workflow_is_judged_without_importing_jsonschema(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom infrascaffold.validate import validate_tree\n"
        "found = validate_tree({'.github/workflows/ci.yml': sys.argv[1]})\n"
        "print(sum(f.check == 'ci-schema' for f in found), 'jsonschema' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = [sys.executable, "-c", probe, VALID_WORKFLOW]
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "False"]


def test_an_invalid_workflow_gets_jsonschemas_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    broken = VALID_WORKFLOW.replace("run: echo hi", "run: [1]")
    tree = {".github/workflows/ci.yml": broken}
    findings = [f for f in validate_tree(tree, cache_dir=tmp_path) if f.check == "ci-schema"]
    assert [(f.line, f.message) for f in findings] == [
        (8, "jobs.plan.steps.1.run: [1] is not of type 'string'")
    ]
