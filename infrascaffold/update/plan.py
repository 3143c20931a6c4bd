"""Planning an update: the recorded base, the files on disk and a new render → file changes.

Pure: it takes texts and returns the changes and the new record; `commands/update.py` reads the
disk and writes the result. Per file, base is the pristine render recorded last time, ours the
file on disk and theirs the new render.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from infrascaffold.update.lines import merge_three_way
from infrascaffold.update.merge import merge_file

# What happens to one file, in the order reports list them.
ADDED = "added"  # a new template file
UPDATED = "updated"  # the template changed a file the user had not edited
MERGED = "merged"  # both changed it; merged without conflict
CONFLICT = "conflict"  # both changed the same lines: conflict markers written
REMOVED = "removed"  # no longer generated, and not edited: deleted
KEPT_EDITED = "kept-edited"  # no longer generated, but edited: kept
KEPT_DELETED = "kept-deleted"  # the user deleted it: stays deleted
RECREATED = "recreated"  # the user deleted it, --recreate-deleted brought it back
UNCHANGED = "unchanged"

CHANGING = frozenset({ADDED, UPDATED, MERGED, CONFLICT, REMOVED, RECREATED})


@dataclass(frozen=True)
class FileChange:
    """The outcome for one path: `text` is the new content (None when deleted or untouched)."""

    path: str
    action: str
    text: str | None = None
    conflicts: int = 0


@dataclass(frozen=True)
class UpdatePlan:
    """All file changes of an update, sorted by path."""

    changes: tuple[FileChange, ...]

    @property
    def conflicts(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.action == CONFLICT)

    @property
    def changing(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.action in CHANGING)

    def writes(self) -> dict[str, str]:
        return {c.path: c.text for c in self.changes if c.text is not None and c.action in CHANGING}

    def deletes(self) -> list[str]:
        return [c.path for c in self.changes if c.action == REMOVED]


def plan_update(
    base: Mapping[str, str],
    ours: Mapping[str, str],
    theirs: Mapping[str, str],
    *,
    recreate_deleted: bool = False,
) -> UpdatePlan:
    """Decide every file's fate. `ours` holds the files on disk among base ∪ theirs."""
    changes = []
    for path in sorted(set(base) | set(theirs)):
        if path in base and path in theirs:
            change = _regenerated(path, base[path], ours.get(path), theirs[path], recreate_deleted)
        elif path in theirs:
            change = _new_template_file(path, ours.get(path), theirs[path])
        else:
            change = _dropped_template_file(path, base[path], ours.get(path))
        changes.append(change)
    return UpdatePlan(tuple(changes))


def _regenerated(
    path: str, base: str, ours: str | None, theirs: str, recreate_deleted: bool
) -> FileChange:
    if ours is None:
        if recreate_deleted:
            return FileChange(path, RECREATED, theirs)
        return FileChange(path, KEPT_DELETED)
    if ours == theirs:
        return FileChange(path, UNCHANGED)
    if ours == base:
        return FileChange(path, UPDATED, theirs)
    if theirs == base:
        return FileChange(path, UNCHANGED)
    result = merge_file(path, base, ours, theirs)
    if result.text == ours:
        return FileChange(path, UNCHANGED)
    action = CONFLICT if result.conflicts else MERGED
    return FileChange(path, action, result.text, result.conflicts)


def _new_template_file(path: str, ours: str | None, theirs: str) -> FileChange:
    if ours is None:
        return FileChange(path, ADDED, theirs)
    if ours == theirs:
        return FileChange(path, UNCHANGED)
    # The user already has a file at a path the template now generates: a 2-way merge.
    result = merge_three_way("", ours, theirs)
    action = CONFLICT if result.conflicts else MERGED
    return FileChange(path, action, result.text, result.conflicts)


def _dropped_template_file(path: str, base: str, ours: str | None) -> FileChange:
    if ours is None:
        return FileChange(path, UNCHANGED)
    if ours == base:
        return FileChange(path, REMOVED)
    return FileChange(path, KEPT_EDITED)
