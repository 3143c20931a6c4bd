"""Check 1: every HCL and YAML file parses; no attribute is set twice in one block.

The problems themselves are found while parsing (`hcl_parse`, `yaml_docs`); this reports them.
"""

from __future__ import annotations

from collections.abc import Iterator

from infrascaffold.validate.findings import Finding, Severity
from infrascaffold.validate.hcl_fallback import PARTIAL_MODEL
from infrascaffold.validate.repo import Repo


def check(repo: Repo) -> Iterator[Finding]:
    """Syntax errors and duplicate attributes of every parsed file."""
    for path, doc in repo.hcl.items():
        for problem in doc.problems:
            severity: Severity = "warning" if problem.check == PARTIAL_MODEL else "error"
            yield Finding(problem.check, path, problem.line, problem.message, severity)
    for path, yaml_doc in repo.yaml.items():
        if yaml_doc.problem is not None:
            problem = yaml_doc.problem
            yield Finding(problem.check, path, problem.line, problem.message)
