"""Regenerate the golden trees: built-in pack renders and the example packs' expected trees.

Run `make golden`, then review the diff.
"""

from __future__ import annotations

import shutil

from infrascaffold.authoring.tests import case_folders, render_case
from infrascaffold.pack.manifest import load_pack_from
from infrascaffold.write.writer import replace_tree
from tests.builders import ROOT, example_answers, render_answers

GOLDEN = ROOT / "tests" / "golden"
# Representative renders, one folder each under tests/golden/, named after examples/answers/.
CASES = (
    "aws-containers",
    "aws-kubernetes-canary",
    "azure-containers",
    "azure-kubernetes-canary",
    "gcp-containers",
    "gcp-kubernetes-canary",
)


def main() -> None:
    for case in CASES:
        target = GOLDEN / case
        shutil.rmtree(target, ignore_errors=True)
        for rel, text in render_answers(example_answers(case)).items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    for pack_dir in sorted((ROOT / "examples" / "packs").iterdir()):
        pack = load_pack_from(pack_dir, str(pack_dir))
        for case in case_folders(pack_dir):
            replace_tree(case / "expected", render_case(pack, case))
            print(f"wrote {(case / 'expected').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
