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
