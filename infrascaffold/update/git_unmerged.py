"""Making update's conflicts visible to git: conflicted files registered as unmerged.

When DEST is inside a git work tree, each conflicted file gets index stages 1 (base, the last
pristine render), 2 (ours, the file before the update) and 3 (theirs, the new render), as a
`git merge` leaves them: `git status` lists the file under "Unmerged paths", and `git commit`
refuses until the user resolves it and runs `git add`. Outside a work tree nothing happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from infrascaffold.errors import InfrascaffoldError

_NO_OBJECT = "0" * 40


@dataclass(frozen=True)
class ConflictSides:
    """The three versions of one conflicted file; `base` is None for a file new on both sides."""

    base: str | None
    ours: str
    theirs: str


def register_unmerged(dest: Path, conflicts: Mapping[str, ConflictSides]) -> bool:
    """Register `conflicts` (paths relative to DEST) as unmerged; False when DEST is not in git."""
    top = _work_tree(dest)
    if top is None or not conflicts:
        return False
    lines = []
    for rel, sides in sorted(conflicts.items()):
        path = (dest / rel).resolve()
        name = path.relative_to(top).as_posix()
        mode = "100755" if os.access(path, os.X_OK) else "100644"
        lines.append(f"0 {_NO_OBJECT}\t{name}")  # drop stage 0 before adding the others
        stages = [(1, sides.base), (2, sides.ours), (3, sides.theirs)]
        for stage, text in stages:
            if text is not None:
                lines.append(f"{mode} {_hash_object(top, text)} {stage}\t{name}")
    _git(top, "update-index", "--index-info", stdin="".join(f"{line}\n" for line in lines))
    return True


def _work_tree(dest: Path) -> Path | None:
    if shutil.which("git") is None:
        return None
    found = subprocess.run(
        ["git", "-C", str(dest), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(found.stdout.strip()).resolve() if found.returncode == 0 else None


def _hash_object(top: Path, text: str) -> str:
    return _git(top, "hash-object", "-w", "--stdin", stdin=text).strip()


def _git(top: Path, *args: str, stdin: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(top), *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise InfrascaffoldError(str(top), f"git {args[0]} failed: {message}")
    return done.stdout.decode("utf-8")
