"""Regenerate the golden trees of the built-in pack renders: `make golden`, then review the diff."""

from __future__ import annotations

import shutil

from tests.builders import ROOT, example_answers, render_answers

GOLDEN = ROOT / "tests" / "golden"
# Representative renders, one folder each under tests/golden/, named after examples/answers/.
CASES = ("aws-containers", "aws-kubernetes-canary")


def main() -> None:
    for case in CASES:
        target = GOLDEN / case
        shutil.rmtree(target, ignore_errors=True)
        for rel, text in render_answers(example_answers(case)).items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
