"""Check 1: every HCL and YAML file parses; no attribute is set twice in one block; Terraform's
top-level blocks have as many labels as Terraform requires.

Parse problems are found while parsing (`hcl_parse`, `yaml_docs`); this reports them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from infrascaffold.validate.findings import Finding, Severity
from infrascaffold.validate.hcl_doc import Block
from infrascaffold.validate.hcl_fallback import PARTIAL_MODEL
from infrascaffold.validate.repo import Repo

BLOCK_LABELS = "hcl-block-labels"
# Terraform's top-level blocks and their labels (other block types are another tool's or an error
# Terraform reports itself)
LABEL_NAMES = {
    "resource": "type and name",
    "data": "type and name",
    "ephemeral": "type and name",
    "variable": "name",
    "output": "name",
    "module": "name",
    "provider": "name",
    "check": "name",
    "locals": "",
    "terraform": "",
    "moved": "",
    "import": "",
    "removed": "",
}
LABEL_COUNTS = {
    block: len(names.split(" and ")) if names else 0 for block, names in LABEL_NAMES.items()
}


def check(repo: Repo) -> Iterator[Finding]:
    """Syntax errors and duplicate attributes of every parsed file."""
    for path, doc in repo.hcl.items():
        for problem in doc.problems:
            severity: Severity = "warning" if problem.check == PARTIAL_MODEL else "error"
            yield Finding(
                problem.check, path, problem.line, problem.message, severity, problem.column
            )
    for module in repo.modules.values():
        for path in module.files:
            yield from _label_counts(path, module.docs[path].body.blocks)
    for path, yaml_doc in repo.yaml.items():
        if yaml_doc.problem is not None:
            problem = yaml_doc.problem
            yield Finding(problem.check, path, problem.line, problem.message)


def _label_counts(path: str, blocks: Sequence[Block]) -> Iterator[Finding]:
    for block in blocks:
        wanted = LABEL_COUNTS.get(block.type)
        if wanted is not None and len(block.labels) != wanted:
            names = {0: "no labels", 1: "one label", 2: "two labels"}[wanted]
            message = (
                f"a {block.type} block takes {names}"
                + (f" ({LABEL_NAMES[block.type]})" if wanted else "")
                + f", not {len(block.labels)}"
            )
            yield Finding(BLOCK_LABELS, path, block.line, message)
