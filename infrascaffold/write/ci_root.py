"""Where the CI files of a render go: DEST, or the root of the git repository DEST sits in.

GitHub runs only `.github/workflows/` at a repository's top, GitLab only its `.gitlab-ci.yml`;
rendered into `app/infra/` they would never run. So when DEST is strictly inside a git work tree
(not its top), the CI system's own entry points, a fixed list of this tool (never a path a pack
chooses), are written at the repository root, and the jobs find the infrastructure through the
`infra_dir` template value. The placement is recorded (`.infrascaffold/pack.yaml`, key
`ci_at_root`: the path DEST → root and root → DEST, both relative), so `update` from any clone
reads and writes the CI files at the same place; a record without it keeps them in DEST.

The repository is found by walking up from DEST for `.git` (a folder, or a file for worktrees and
submodules), without spawning git: `new` must work where git is not installed, and the answer
must not depend on `GIT_DIR` or on which git runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from infrascaffold.errors import WriteError

# The CI system's own entry points, as paths of the render (relative to DEST): folders end in /.
CI_ENTRY_POINTS = (
    ".github/workflows/",
    ".github/dependabot.yml",
    ".github/infrascaffold/",  # the update workflow's pinned requirements (read from the root)
    ".gitlab-ci.yml",
    ".gitlab/",
)
RECORD_KEY = "ci_at_root"
# DEST's path in the repository lands in path filters (globs) and shell: plain names only.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


def is_ci_entry_point(rel: str) -> bool:
    """Whether a render path is one of the CI files that move to the repository root."""
    parts = PurePosixPath(rel).parts
    if not parts or ".." in parts or rel.startswith("/"):
        return False
    return any(
        rel.startswith(entry) if entry.endswith("/") else rel == entry for entry in CI_ENTRY_POINTS
    )


@dataclass(frozen=True)
class Placement:
    """Where a render's CI files go: `to_root` ("" for DEST itself, else like "..")."""

    to_root: str = ""
    infra_dir: str = "."  # DEST relative to the repository root, for the jobs

    @property
    def at_root(self) -> bool:
        return bool(self.to_root)

    def disk_path(self, rel: str) -> str:
        """A render path as a path relative to DEST (`../.github/workflows/x.yml` at the root)."""
        if self.at_root and is_ci_entry_point(rel):
            return f"{self.to_root}/{rel}"
        return rel

    def split(self, files: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """`files` (render paths) as (files of DEST, files of the root keyed from the root)."""
        inside: dict[str, str] = {}
        root: dict[str, str] = {}
        for rel, text in files.items():
            (root if self.at_root and is_ci_entry_point(rel) else inside)[rel] = text
        return inside, root

    def root(self, dest: Path) -> Path | None:
        """The repository root of DEST (computed lexically: DEST may not exist yet)."""
        return Path(os.path.normpath(dest.absolute() / self.to_root)) if self.at_root else None

    def as_record(self) -> dict[str, str] | None:
        if not self.at_root:
            return None
        return {"repository_root": self.to_root, "infra_dir": self.infra_dir}


IN_DEST = Placement()


def find_repository_root(dest: Path) -> Path | None:
    """The top of the git work tree holding DEST, when DEST is strictly inside it (not its top)."""
    here = dest.resolve()
    if _has_git(here):
        return None
    for parent in here.parents:
        if _has_git(parent):
            return parent
    return None


def choose_placement(dest: Path, ci_at_root: bool | None) -> Placement:
    """The placement of `new`: at the root when DEST is inside a repository, unless refused.

    `ci_at_root` is the user's flag (None: not given). `--ci-at-root` where DEST is not inside a
    repository is an error naming DEST.
    """
    if ci_at_root is False:
        return IN_DEST
    top = find_repository_root(dest)
    if top is None:
        if ci_at_root:
            raise WriteError(
                str(dest), "--ci-at-root: not inside a git repository (or it is the top)"
            )
        return IN_DEST
    here = dest.resolve()
    infra_dir = here.relative_to(top).as_posix()
    if not _PLAIN_PATH.fullmatch(infra_dir):
        raise WriteError(
            str(dest),
            f"its path in the repository ({infra_dir!r}) has characters the pipelines' path "
            "filters cannot hold (letters, digits, . _ - and / only); use --no-ci-at-root",
        )
    return Placement(to_root=Path(os.path.relpath(top, here)).as_posix(), infra_dir=infra_dir)


def placement_from_record(meta: Mapping[str, Any]) -> Placement:
    """The recorded placement; a record without one (older tools, `--no-ci-at-root`): DEST."""
    entry = meta.get(RECORD_KEY)
    if not isinstance(entry, Mapping):
        return IN_DEST
    to_root = str(entry.get("repository_root", ""))
    infra_dir = str(entry.get("infra_dir", ""))
    parts = PurePosixPath(to_root).parts
    plain = _PLAIN_PATH.fullmatch(infra_dir) and ".." not in infra_dir.split("/")
    if not parts or any(part != ".." for part in parts) or not plain:
        raise WriteError(
            f".infrascaffold/pack.yaml: {RECORD_KEY}",
            "is damaged (repository_root must be ../.., infra_dir a relative folder)",
        )
    return Placement(to_root=to_root, infra_dir=infra_dir)


def check_recorded_root(dest: Path, placement: Placement) -> None:
    """Refuse to update when DEST is no longer where its record puts it in the repository.

    The recorded root must be the top of a git work tree and DEST its `infra_dir`: otherwise
    (DEST moved, or copied out of its repository) the CI files would be merged into a folder
    that is not theirs, and their paths would name the old place.
    """
    root = placement.root(dest)
    if root is None:
        return
    if not _has_git(root) or (root / placement.infra_dir).resolve() != dest.resolve():
        raise WriteError(
            str(dest),
            f"its record puts the CI files at the repository root {placement.to_root} with this "
            f"folder at {placement.infra_dir}/, and that is not where it is now: move it back, or "
            f"correct `{RECORD_KEY}` in .infrascaffold/pack.yaml (update then moves the paths)",
        )


def refuse_foreign_root_files(dest: Path, placement: Placement, paths: list[str]) -> None:
    """Refuse root CI files that exist already: the tool did not write them (`new`)."""
    root = placement.root(dest)
    if root is None:
        return
    taken = [rel for rel in sorted(paths) if (root / rel).exists() or (root / rel).is_symlink()]
    if taken:
        more = f" and {len(taken) - 1} more" if len(taken) > 1 else ""
        raise WriteError(
            str(root / taken[0]),
            f"exists and was not written by infrascaffold{more}; move it away, "
            "or keep the CI files in DEST with --no-ci-at-root",
        )


def _has_git(folder: Path) -> bool:
    marker = folder / ".git"
    return marker.is_dir() or marker.is_file()
