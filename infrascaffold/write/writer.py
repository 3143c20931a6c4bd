"""Writing a rendered tree into DEST: what may be written there, then one journaled change.

DEST itself is kept (a shell sitting in it, an editor, `git` see the same folder); every file is
replaced atomically and the whole change is all-or-nothing through the journal of
`infrascaffold.write.journal`. Files that were not rendered are never deleted, except by
`replace_tree` (generated folders) and by `update` for files the template no longer produces.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import click

from infrascaffold.errors import WriteError
from infrascaffold.write.journal import RECORD_DIR, apply_changes, recover

__all__ = [
    "apply_changes",
    "check_destination",
    "check_folder",
    "clean_up",
    "refuse_overwrites",
    "replace_tree",
    "write_tree",
]

# Staging folders that runs of infrascaffold 0.1 left beside DEST when they were killed.
_OLD_STAGING = re.compile(r"\.(?P<dest>.+)\.infrascaffold-[0-9a-f]{8}(?:-old)?")
_LISTED = 10  # names shown in the "would overwrite" line


def check_folder(dest: Path) -> None:
    """Refuse a DEST that exists and is not a folder."""
    if dest.exists() and not dest.is_dir():
        raise WriteError(str(dest), "exists and is not a folder")


def check_destination(dest: Path, *, force: bool) -> None:
    """Refuse a DEST that is a file, or a non-empty folder without `force` (new packs)."""
    check_folder(dest)
    if not force and dest.is_dir() and any(dest.iterdir()):
        raise WriteError(str(dest), "is not empty (use --force to write into it)")


def refuse_overwrites(dest: Path, paths: Iterable[str], *, force: bool) -> None:
    """Without `force`, refuse to replace any file already in DEST, naming them on one line.

    Anything else in DEST (`.git`, a README or LICENSE the render does not produce) is fine.
    """
    if force or not dest.is_dir():
        return
    if (dest / RECORD_DIR / "pack.yaml").is_file():
        raise WriteError(
            str(dest), "already holds an infrascaffold render: use `infrascaffold update`"
        )
    taken = [rel for rel in sorted(paths) if (dest / rel).exists() or (dest / rel).is_symlink()]
    if taken:
        names = ", ".join(taken[:_LISTED])
        more = f" and {len(taken) - _LISTED} more" if len(taken) > _LISTED else ""
        raise WriteError(
            str(dest),
            f"the render would overwrite {len(taken)} file(s): {names}{more} (use --force)",
        )


def write_tree(dest: Path, files: Mapping[str, str], *, force: bool = False) -> None:
    """Write `files` (relative POSIX path → text) into an empty (or, with `force`, any) DEST."""
    check_destination(dest, force=force)
    clean_up(dest)
    apply_changes(dest, files)


def replace_tree(dest: Path, files: Mapping[str, str]) -> None:
    """Make DEST hold exactly `files`, all or nothing (generated folders: expected trees)."""
    clean_up(dest)
    existing = []
    if dest.is_dir():
        existing = [
            p.relative_to(dest).as_posix()
            for p in dest.rglob("*")
            if not p.is_dir() and p.relative_to(dest).parts[0] != RECORD_DIR
        ]
    apply_changes(dest, files, [rel for rel in existing if rel not in files])


def clean_up(dest: Path) -> None:
    """Undo what a killed earlier run left: roll back its journal, remove its staging folders."""
    dest = dest.absolute()
    if dest.parent.is_dir():
        for sibling in dest.parent.iterdir():
            match = _OLD_STAGING.fullmatch(sibling.name)
            if match and match["dest"] == dest.name and sibling.is_dir():
                shutil.rmtree(sibling, ignore_errors=True)
    if dest.is_dir():
        restored = recover(dest)
        if restored:
            click.echo(
                f"{dest}: rolled back an interrupted earlier run ({restored} file(s) restored)",
                err=True,
            )
