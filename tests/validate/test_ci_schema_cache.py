"""CI files' schema errors are cached by content: a warm run finds them without the validator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infrascaffold.validate import ci_files, validate_tree

WORKFLOW = (
    "name: ci\non: push\njobs:\n  plan:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - run: echo hi\n        shell: 3\n      - uses: actions/checkout@v4\n"
    "        withh: {}\n"
)


def schema_findings(tmp_path: Path) -> list[tuple[int, str]]:
    tree = {".github/workflows/ci.yml": WORKFLOW}
    findings = validate_tree(tree, cache_dir=tmp_path / "parse")
    return [(f.line, f.message) for f in findings if f.check == "ci-schema"]


def test_a_warm_run_reports_the_same_schema_errors_without_validating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cold = schema_findings(tmp_path)
    assert cold and all(line in (8, 9) for line, _ in cold)

    def no_validation(kind: str, data: object) -> list[object]:
        raise AssertionError("validated again")

    monkeypatch.setattr(ci_files, "_schema_errors", no_validation)
    assert schema_findings(tmp_path) == cold
    edited = {".github/workflows/ci.yml": WORKFLOW.replace("shell: 3", "shell: 4")}
    with pytest.raises(AssertionError, match="validated again"):  # new content: validated
        validate_tree(edited, cache_dir=tmp_path / "parse")


def test_a_damaged_entry_is_validated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cold = schema_findings(tmp_path)
    for entry in (tmp_path / "cache").rglob("ci-schema-*/*/*.json"):
        entry.write_text("[[", encoding="utf-8")
    assert schema_findings(tmp_path) == cold


def test_a_warm_validate_imports_no_schema_validator(tmp_path: Path) -> None:
    root = tmp_path / "repo" / ".github" / "workflows"
    root.mkdir(parents=True)
    (root / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    probe = (
        "import sys\nfrom pathlib import Path\nfrom infrascaffold.validate import validate_dir\n"
        "found = validate_dir(Path(sys.argv[1]))\n"
        "print(sum(f.check == 'ci-schema' for f in found), 'jsonschema' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = [sys.executable, "-c", probe, str(tmp_path / "repo")]
    cold = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    warm = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert cold[1] == "True" and int(cold[0]) > 0
    assert warm == [cold[0], "False"]


def _errors(validator: object, data: object) -> list[tuple[list[object], str]]:
    from jsonschema.exceptions import best_match

    found = []
    for error in validator.iter_errors(data):  # type: ignore[attr-defined]
        best = best_match([error])
        found.append((list(best.absolute_path), best.message))
    return found


def _ci_documents() -> list[tuple[str, object]]:
    """The CI files of two example renders, and broken copies of them."""
    import copy

    import yaml

    from infrascaffold.validate.yaml_data import node_data
    from tests.builders import example_answers, render_answers

    documents: list[tuple[str, object]] = []
    for example in ("aws-containers", "aws-kubernetes-canary"):  # GitHub Actions, GitLab CI
        for path, text in render_answers(example_answers(example)).items():
            kind = ci_files.ci_kind(path)
            if kind is None:
                continue
            data = node_data(yaml.compose(text))
            broken = copy.deepcopy(data)
            if kind == "github":
                broken["on"] = 3
                broken["jobs"]["extra"] = {"runs-on": ["x", 1], "steps": [{"uses": 2}]}
            else:
                broken["extra"] = {"script": 3, "when": "sometimes", "start_in": [], "rules": "x"}
                broken["workflow"] = {"rules": [{"if": 1}]}
            documents += [(kind, data), (kind, broken)]
    return documents


def test_the_validator_finds_what_check_jsonschemas_own_loader_finds() -> None:
    from infrascaffold.validate.ci_validator import schema_validator

    ours = {kind: schema_validator(name) for kind, name in ci_files.SCHEMA_NAMES.items()}
    from check_jsonschema.formats import FormatOptions  # type: ignore[import-untyped]
    from check_jsonschema.regex_variants import (  # type: ignore[import-untyped]
        RegexImplementation,
        RegexVariantName,
    )
    from check_jsonschema.schema_loader import BuiltinSchemaLoader  # type: ignore[import-untyped]

    regex = RegexImplementation(RegexVariantName.default)
    theirs = {
        kind: BuiltinSchemaLoader(name).get_validator(
            "", {}, FormatOptions(regex_impl=regex), regex, False
        )
        for kind, name in ci_files.SCHEMA_NAMES.items()
    }
    documents = _ci_documents()
    assert {kind for kind, _ in documents} == {"github", "gitlab"}
    broken = 0
    for kind, data in documents:
        expected = _errors(theirs[kind], data)
        assert _errors(ours[kind], data) == expected
        broken += bool(expected)
    assert broken == len(documents) // 2  # every broken copy has errors, no render has


def test_validating_ci_files_never_imports_check_jsonschemas_cli(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom infrascaffold.validate import validate_tree\n"
        f"found = validate_tree({{'.github/workflows/ci.yml': {WORKFLOW!r}}})\n"
        "print(sum(f.check == 'ci-schema' for f in found),"
        " 'check_jsonschema.cli' in sys.modules, 'requests' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) > 0
    assert out[1:] == ["False", "False"]
