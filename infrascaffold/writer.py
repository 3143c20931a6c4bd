"""Writing a rendered tree to disk atomically.

Everything is written into a temporary folder beside DEST, which then takes DEST's place in one
rename (or an atomic exchange when DEST already exists), so an interrupted run leaves DEST as it
was. With `force`, the files already in DEST are carried over (as hard links, cheap) and only the
rendered paths are replaced: files that were not rendered are never deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from infrascaffold.errors import WriteError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_destination(dest: Path, *, force: bool) -> None:
    """Refuse a DEST that is a file, or a non-empty folder without `force`."""
    if dest.exists() and not dest.is_dir():
        raise WriteError(str(dest), "exists and is not a folder")
    if not force and dest.is_dir() and any(dest.iterdir()):
        raise WriteError(str(dest), "is not empty (use --force to write into it)")


def write_tree(dest: Path, files: Mapping[str, str], *, force: bool = False) -> None:
    """Write `files` (relative POSIX path → text) into DEST atomically."""
    check_destination(dest, force=force)
    apply_changes(dest, files, ())


def replace_tree(dest: Path, files: Mapping[str, str]) -> None:
    """Atomically make DEST hold exactly `files` (for generated folders such as expected trees)."""
    dest = dest.absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with staging_folder(dest) as staging:
        for rel, text in files.items():
            _write_file(staging, rel, text)
        replace_folder(staging, dest)


def apply_changes(dest: Path, writes: Mapping[str, str], deletes: Iterable[str]) -> None:
    """Atomically replace DEST by a copy of itself with `writes` written and `deletes` removed."""
    dest = dest.absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with staging_folder(dest) as staging:
        if dest.is_dir():
            _carry_over(dest, staging)
        for rel in deletes:
            _delete_file(staging, rel)
        for rel, text in writes.items():
            _write_file(staging, rel, text)
        replace_folder(staging, dest)


@contextlib.contextmanager
def staging_folder(dest: Path) -> Iterator[Path]:
    """A fresh folder beside DEST (same filesystem, so renames are atomic), removed on exit."""
    staging = dest.parent / f".{dest.name}.infrascaffold-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise WriteError(str(dest.parent), f"cannot write here: {exc.strerror}") from exc
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(staging: Path, dest: Path) -> None:
    """Put `staging` in DEST's place; what was at DEST ends up in `staging` (then removed)."""
    if not dest.exists():
        staging.rename(dest)
        staging.mkdir()  # the context manager removes it again
        return
    if _exchange(staging, dest):
        return
    # No atomic exchange on this platform: two renames, with the old folder kept until the end.
    old = staging.with_name(staging.name + "-old")
    dest.rename(old)
    try:
        staging.rename(dest)
    except OSError:
        old.rename(dest)
        raise
    staging.mkdir()
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS):
        return False
    raise WriteError(str(b), f"cannot replace: {os.strerror(ctypes.get_errno())}")


def _carry_over(dest: Path, staging: Path) -> None:
    """Mirror DEST into staging as hard links (copies where links are impossible)."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(dest, staging, symlinks=True, copy_function=link_or_copy, dirs_exist_ok=True)


def _delete_file(root: Path, rel: str) -> None:
    target = root / rel
    if not target.resolve().is_relative_to(root.resolve()):
        raise WriteError(rel, "is outside DEST")
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _write_file(root: Path, rel: str, text: str) -> None:
    target = root / rel
    if not target.resolve().is_relative_to(root.resolve()):
        raise WriteError(rel, "would be written outside DEST")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()  # never write through a hard link or symlink into the old tree
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    if rel.endswith(".sh"):
        target.chmod(0o755)
