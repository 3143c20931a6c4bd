"""Judging an update before and after the merge: a refused rebuild, the merged tree's findings.

Pure: texts in, findings out. The merged tree is what DEST will hold once the update is written
(the files on disk with the plan's writes and deletes applied); it is validated like a render,
and files that still hold conflict markers are reported as such rather than as syntax errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infrascaffold.errors import InfrascaffoldError
from infrascaffold.update.lines import has_conflict_markers
from infrascaffold.update.plan import UpdatePlan
from infrascaffold.validate import Finding, validate_tree

CONFLICT_CHECK = "conflict-markers"


def refuse_rebuild(recorded: Mapping[str, Any], new: Mapping[str, Any], *, allowed: bool) -> None:
    """A change of `cloud` is a rebuild, not an update: refuse it unless `allowed`."""
    before, after = recorded.get("cloud"), new.get("cloud")
    if allowed or before is None or before == after:
        return
    raise InfrascaffoldError(
        "cloud",
        f"changing {before} → {after} is a rebuild, not an update: state moves to a new backend "
        "and every resource is destroyed and created again; pass --allow-rebuild to do it anyway",
    )


def merged_tree(ours: Mapping[str, str], plan: UpdatePlan) -> dict[str, str]:
    """The generated files as DEST will hold them after the plan is written."""
    tree = dict(ours)
    tree.update(plan.writes())
    for path in plan.deletes():
        tree.pop(path, None)
    return tree


def review_merged(tree: Mapping[str, str], render: Mapping[str, str]) -> list[Finding]:
    """Findings about the merged tree; nothing when it is the render itself (already validated)."""
    if dict(tree) == dict(render):
        return []
    marked = sorted(path for path, text in tree.items() if has_conflict_markers(text))
    findings = [
        Finding(CONFLICT_CHECK, path, _first_marker_line(tree[path]), "unresolved conflict markers")
        for path in marked
    ]
    # Files with markers cannot be parsed: validate the rest, with their render standing in.
    clean = dict(tree)
    clean.update({path: render.get(path, tree[path]) for path in marked})
    findings.extend(validate_tree(clean))
    return findings


def _first_marker_line(text: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("<<<<<<<"):
            return number
    return 1
