"""YAML syntax verdicts cached by content beside a folder's parse bundle (`yaml_cache`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infrascaffold.validate import yaml_docs as docs_module
from infrascaffold.validate.validation import validate_tree
from infrascaffold.validate.yaml_cache import yaml_docs

TEXTS = {
    "config/good.yaml": "a: 1\nlist:\n  - x\n",
    "config/copy.yaml": "a: 1\nlist:\n  - x\n",
    "config/bad.yaml": "a: [1, 2\nb: 3\n",
    "config/tab.yml": "a:\n\tb: 1\n",
}


def verdicts(docs: dict[str, docs_module.YamlDoc]) -> dict[str, object]:
    return {path: doc.problem for path, doc in docs.items()}


def test_a_warm_run_composes_nothing_and_judges_alike(
    parse_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = yaml_docs(TEXTS, parse_cache, tree_key="/repo")
    assert cold["config/bad.yaml"].problem is not None
    assert cold["config/bad.yaml"].problem.line == 1  # the unclosed bracket
    assert cold["config/good.yaml"].problem is None
    assert len(list(parse_cache.glob("yaml-*/trees/*.json"))) == 1

    def no_compose(text: str) -> tuple[object, ...]:
        raise AssertionError("composed a text whose verdict is cached")

    monkeypatch.setattr(docs_module, "_compose", no_compose)
    warm = yaml_docs(TEXTS, parse_cache, tree_key="/repo")
    assert verdicts(warm) == verdicts(cold)
    assert warm["config/bad.yaml"].nodes == ()


def test_nodes_are_composed_when_a_check_asks(parse_cache: Path) -> None:
    yaml_docs(TEXTS, parse_cache, tree_key="/repo")
    warm = yaml_docs(TEXTS, parse_cache, tree_key="/repo")
    root = warm["config/good.yaml"].root
    assert root is not None and root.start_mark.line == 0
    assert [key.value for key, _ in root.value] == ["a", "list"]


def test_an_edited_or_damaged_file_is_judged_again(parse_cache: Path) -> None:
    yaml_docs(TEXTS, parse_cache, tree_key="/repo")
    (stored,) = parse_cache.glob("yaml-*/trees/*.json")
    stored.write_text('{"x": [1], "y": "no"', encoding="utf-8")
    edited = {**TEXTS, "config/good.yaml": "a: {\n"}
    docs = yaml_docs(edited, parse_cache, tree_key="/repo")
    assert docs["config/good.yaml"].problem is not None
    assert verdicts(yaml_docs(edited, parse_cache, tree_key="/repo")) == verdicts(docs)


def test_without_a_tree_key_nothing_is_stored(parse_cache: Path) -> None:
    yaml_docs(TEXTS, parse_cache)
    assert not list(parse_cache.glob("yaml-*"))


def test_findings_are_the_same_cold_and_warm(parse_cache: Path) -> None:
    tree = {
        **TEXTS,
        ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    needs: [b]\n"
        "    steps:\n      - run: echo\n",
    }
    cold = validate_tree(tree, cache_dir=parse_cache, tree_key="/repo")
    warm = validate_tree(tree, cache_dir=parse_cache, tree_key="/repo")
    assert cold == warm
    checks = {(finding.path, finding.check) for finding in warm}
    assert ("config/bad.yaml", "yaml-syntax") in checks
    assert ("config/tab.yml", "yaml-syntax") in checks
    assert (".github/workflows/ci.yml", "ci-needs") in checks


def test_a_tree_without_yaml_does_not_import_pyyaml(tmp_path: Path) -> None:
    """Start-up (issue 19): PyYAML is loaded by the checks that read YAML, not at import."""
    (tmp_path / "main.tf").write_text('variable "a" {\n  type = string\n}\n', encoding="utf-8")
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from infrascaffold.commands import validate\n"
        "assert 'yaml' not in sys.modules, 'imported'\n"
        f"validate.run(Path({str(tmp_path)!r}), 'json', strict=False)\n"
        "assert 'yaml' not in sys.modules, 'validated'\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


JUDGED = [
    *TEXTS.values(),
    "a: &x 1\nb: &x 2\n",  # a duplicate anchor
    "a: *nope\n",  # an undefined alias
    "a: &a\n  b: *a\n",
    "--- &a 1\n--- *a\n",  # anchors do not cross documents
    "job: !reference [.setup, script]\n<<: {b: 1}\n",
    "on: push\nx: 'unclosed\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n\x00",
]


@pytest.mark.parametrize("text", JUDGED)
def test_a_text_judged_without_its_nodes_gets_the_composed_verdict(text: str) -> None:
    judged = docs_module.parse_yaml(text, keep_nodes=False)
    composed = docs_module.parse_yaml(text)
    assert judged.problem == composed.problem
    assert "nodes" not in judged.__dict__  # composed only when a check asks
    if composed.problem is not None:
        assert judged.nodes == ()
    else:  # composed now, with its tags
        assert [node.tag for node in judged.nodes] == [node.tag for node in composed.nodes]


def test_a_cold_run_composes_only_what_a_check_reads(
    parse_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    composed: list[str] = []
    real = docs_module._compose

    def counting(text: str) -> tuple[object, ...]:
        composed.append(text)
        return real(text)

    monkeypatch.setattr(docs_module, "_compose", counting)
    workflow = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n"
    tree = {**TEXTS, ".github/workflows/ci.yml": workflow}
    findings = validate_tree(tree, cache_dir=parse_cache, tree_key="/repo")
    assert composed == [workflow]  # the workflow, for its schema and needs
    assert ("config/bad.yaml", "yaml-syntax") in {(f.path, f.check) for f in findings}
