"""The HCL model before and after: python-hcl2's grammar (`tests/hcl_reference`) vs the token scan
(`hcl_parse`), on every example render of the built-in pack and on the folders given.

For each source: the files, KB, the seconds each model takes over all of them (pygohcl's
syntax check included in both, in one process, best of RUNS), how many files get a different
model, and, for the example renders, whether `validate` finds the same findings with either.
`tests/validate/test_hcl_scan.py` pins the equality; this prints the numbers.

Run: `.venv/bin/python benchmarks/bench_parsers.py [RUNS] [DIR ...]`
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infrascaffold.answers.examples import list_examples  # noqa: E402
from infrascaffold.validate import hcl_parse, parse_cache, validate_tree  # noqa: E402
from infrascaffold.validate.hcl_doc import Doc, doc_to_rows  # noqa: E402
from infrascaffold.validate.settings import Settings, environment_names  # noqa: E402
from tests.builders import example_answers, render_answers  # noqa: E402
from tests.hcl_reference.model import reference_doc  # noqa: E402

SUFFIXES = (".tf", ".tfvars", ".hcl")


def best_of(runs: int, parse: Callable[[str], Doc], texts: list[str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            parse(text)
        times.append(time.perf_counter() - start)
    return min(times)


def rows(doc: Doc) -> Any:
    return json.loads(json.dumps(doc_to_rows(doc)))


def same_findings(tree: Mapping[str, str], answers: Mapping[str, Any]) -> bool:
    settings = Settings(
        include=("*",), environment_names=environment_names(answers.get("environments"))
    )
    with tempfile.TemporaryDirectory() as tmp:
        new = validate_tree(tree, cache_dir=Path(tmp) / "new", settings=settings)
        scan, threshold = hcl_parse.parse_hcl, parse_cache.PARALLEL_MIN_FILES
        hcl_parse.parse_hcl, parse_cache.PARALLEL_MIN_FILES = reference_doc, 10**9
        try:
            old = validate_tree(tree, cache_dir=Path(tmp) / "old", settings=settings)
        finally:
            hcl_parse.parse_hcl, parse_cache.PARALLEL_MIN_FILES = scan, threshold
    return new == old


def row(name: str, texts: list[str], runs: int, findings: str) -> str:
    kb = sum(len(text.encode()) for text in texts) / 1024
    old = best_of(runs, reference_doc, texts)
    new = best_of(runs, hcl_parse.parse_hcl, texts)
    differ = sum(rows(reference_doc(t)) != rows(hcl_parse.parse_hcl(t)) for t in texts)
    return (
        f"| {name} | {len(texts)} | {kb:.0f} | {old:.2f} ({old * 1000 / kb:.2f}) "
        f"| {new:.2f} ({new * 1000 / kb:.2f}) | {old / new:.1f}× | {differ} | {findings} |"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    folders = [Path(arg) for arg in sys.argv[2:]]
    print(
        "| source | files | KB | python-hcl2 model s (ms/KB) | scan model s (ms/KB) "
        "| speed-up | files modelled differently | same findings |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for example in list_examples():
        answers = example_answers(example.name)
        tree = render_answers(answers)
        texts = [text for path, text in tree.items() if path.endswith(SUFFIXES)]
        findings = "yes" if same_findings(tree, answers) else "NO"
        print(row(example.name, texts, runs, findings), flush=True)
    for folder in folders:
        texts = [
            p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name.endswith(SUFFIXES) and ".terraform" not in p.parts
        ]
        print(row(folder.name, texts, runs, "-"), flush=True)


if __name__ == "__main__":
    main()
