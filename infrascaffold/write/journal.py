"""Changing the files of DEST in one all-or-nothing step that keeps DEST itself (its inode).

A run prepares, inside `DEST/.infrascaffold/`, a folder holding the new text of every file it
writes (`staged/`), a hard link to the current version of every file it replaces or deletes
(`backup/`) and the plan (`plan.json`). Renaming that folder to `.infrascaffold/journal` is the
commit point. Each file is then renamed into place (atomic per file: a reader sees the old or the
new text, never a part) and the journal is removed. An error or a signal turned into an exception
(Ctrl-C, SIGTERM) rolls back at once; a process killed outright leaves the journal behind, and
the next run rolls it back before doing anything else (`recover`).

A second root, the git repository's top, may take the CI system's entry points in the same
journal (`RootChanges`, see `infrascaffold.write.ci_root`): staged in `staged-root/` and
`backup-root/`, committed and rolled back with DEST's files. Only those fixed paths may land
there; every other path stays inside DEST.

The running process holds an advisory lock on its journal folder's `lock` file, so `recover`
never mistakes a live run for a dead one (the kernel drops the lock when the process dies).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infrascaffold.errors import WriteError
from infrascaffold.write.ci_root import is_ci_entry_point

RECORD_DIR = ".infrascaffold"
JOURNAL = f"{RECORD_DIR}/journal"
PREPARING = ".journal-"  # .infrascaffold/.journal-<hex>/ while a run prepares
DISCARDED = ".discarded-"  # a finished journal on its way out
PLAN = "plan.json"
LOCK = "lock"
ROOT_AREA = "root"  # the plan's key for the repository root's changes


@dataclass(frozen=True)
class RootChanges:
    """Changes at the repository root (paths relative to it): CI entry points only."""

    root: Path
    writes: Mapping[str, str] = field(default_factory=dict)
    deletes: Sequence[str] = ()


def apply_changes(
    dest: Path,
    writes: Mapping[str, str],
    deletes: Iterable[str] = (),
    root: RootChanges | None = None,
) -> None:
    """Write `writes` (relative POSIX path → text) into DEST and delete `deletes`, all or none.

    `root`: CI files written or deleted at the repository root in the same all-or-nothing step.
    """
    dest = dest.absolute()
    if dest.is_dir():
        recover(dest)
    created = _make_folder(dest)
    with _prepared(dest, writes, deletes, created, root) as (journal, plan):
        try:
            _apply(dest, journal, plan)
        except BaseException:
            with _signals_deferred():  # a second Ctrl-C must not cut the rollback short
                roll_back(dest, journal)
            raise
        _discard(journal)
        _remove_empty(dest, [RECORD_DIR] if RECORD_DIR in plan["created"] else [])


def recover(dest: Path) -> int:
    """Roll back a run that was killed mid-write and clean what dead runs left; files restored.

    Raises `WriteError` when another live run is writing DEST.
    """
    record = dest / RECORD_DIR
    if not record.is_dir() or record.is_symlink():
        return 0
    restored = 0
    journal = dest / JOURNAL
    if journal.is_dir():
        if _is_locked(journal):
            raise WriteError(str(dest), "another infrascaffold run is writing this folder")
        restored = roll_back(dest, journal)
    for leftover in record.iterdir() if record.is_dir() else ():
        stale = leftover.name.startswith(DISCARDED) or (
            leftover.name.startswith(PREPARING) and not _is_locked(leftover)
        )
        if stale:
            shutil.rmtree(leftover, ignore_errors=True)
    _remove_empty(dest, [RECORD_DIR])
    return restored


def roll_back(dest: Path, journal: Path) -> int:
    """Undo what the journal's run did to DEST (files it wrote, files it deleted); count them."""
    try:
        plan = json.loads((journal / PLAN).read_text(encoding="utf-8"))
    except FileNotFoundError:  # never committed: nothing was applied
        _discard(journal)
        return 0
    except (OSError, ValueError) as exc:
        raise WriteError(str(journal / PLAN), f"cannot be read: {exc}") from exc
    if not isinstance(plan, dict) or not {"writes", "deletes", "created"} <= set(plan):
        raise WriteError(str(journal / PLAN), "is not a journal of infrascaffold; remove it")
    areas = _areas(dest, plan)
    restored = sum(
        _roll_back_area(base, journal / f"backup{suffix}", area)
        for base, suffix, area in reversed(areas)
    )
    _discard(journal)
    for base, _, area in areas:
        _remove_empty(base, area["created"])
    return restored


def _areas(dest: Path, plan: Mapping[str, Any]) -> list[tuple[Path, str, Mapping[str, Any]]]:
    """(folder, suffix of its journal subfolders, its part of the plan): DEST, then the root."""
    areas: list[tuple[Path, str, Mapping[str, Any]]] = [(dest, "", plan)]
    root = plan.get(ROOT_AREA)
    if isinstance(root, Mapping):
        areas.append((dest / root["path"], f"-{ROOT_AREA}", root))
    return areas


def _roll_back_area(base: Path, backups: Path, area: Mapping[str, Any]) -> int:
    restored = 0
    for entry in reversed(area["writes"]):
        target = base / entry["path"]
        current = _lstat(target)
        if current is None or current.st_ino != entry["ino"]:
            continue  # not replaced yet, or changed since by someone else: leave it
        if entry["existed"]:
            (backups / entry["path"]).replace(target)
        else:
            target.unlink()
        restored += 1
    for rel in area["deletes"]:
        backup = backups / rel
        if _lstat(base / rel) is None and _lstat(backup) is not None:
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            backup.replace(base / rel)
            restored += 1
    return restored


@contextlib.contextmanager
def _prepared(
    dest: Path,
    writes: Mapping[str, str],
    deletes: Iterable[str],
    created: list[str],
    root: RootChanges | None,
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Stage, back up and plan; yield the committed journal, locked for the whole run."""
    record = dest / RECORD_DIR
    if not record.exists():
        record.mkdir()
        created.append(RECORD_DIR)
    _check_inside(dest, RECORD_DIR)
    work = record / f"{PREPARING}{secrets.token_hex(6)}"
    work.mkdir()
    with (work / LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            plan = _stage(dest, work, writes, deletes, created)
            if root is not None:
                plan[ROOT_AREA] = _stage_root(dest, work, root)
            (work / PLAN).write_text(json.dumps(plan), encoding="utf-8")
            work.rename(dest / JOURNAL)  # the commit point
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            _remove_empty(dest, created)
            raise
        yield dest / JOURNAL, plan


def _stage(
    dest: Path,
    work: Path,
    writes: Mapping[str, str],
    deletes: Iterable[str],
    created: list[str],
    suffix: str = "",
) -> dict[str, Any]:
    """Stage the writes, back up what they replace or delete (in `staged{suffix}/`, `backup…/`)."""
    entries = []
    places = _Places(dest)
    made: set[str] = set()  # folders of the journal created so far
    umask = _umask()
    staged = f"{work}/staged{suffix}/"  # strings: pathlib's joins cost more than the writes
    for rel, text in writes.items():
        old = places.check(rel)
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise WriteError(str(dest / rel), "is a folder; cannot write a file there")
        ino = _write_text(staged + rel, text, _mode(rel, old, umask), made)
        if old is not None:
            _backup(dest / rel, work / f"backup{suffix}" / rel, made)
        entries.append({"path": rel, "ino": ino, "existed": old is not None})
    removed = []
    for rel in deletes:
        old = _present(dest / rel)
        places.check_inside(rel, old)
        if old is not None and not stat.S_ISDIR(old.st_mode):
            _backup(dest / rel, work / f"backup{suffix}" / rel, made)
            removed.append(rel)
    return {"writes": entries, "deletes": removed, "created": [*created, *sorted(places.missing)]}


class _Places:
    """Where the files of one run may go, each folder looked at once (2,000 files in 20 folders
    cost 2,000 resolves and 4,000 folder checks when every file was checked on its own)."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.prefix = f"{dest}/"
        self.root = dest.resolve()
        self.missing: set[str] = set()  # folders to create, relative to DEST
        self._seen: set[str] = set()
        self._inside: dict[str, bool] = {}  # folder → it resolves inside DEST

    def check(self, rel: str) -> os.stat_result | None:
        """Refuse a path leaving DEST, or one under a file; note the folders to create; the
        path's lstat (None if absent)."""
        found = _present(self.prefix + rel)
        self.check_inside(rel, found)
        parts = rel.split("/")[:-1]
        for i in range(len(parts)):
            folder = "/".join(parts[: i + 1])
            if folder in self._seen:
                continue
            self._seen.add(folder)
            if _lstat(self.dest / folder) is None:
                self.missing.add(folder)
            elif not (self.dest / folder).is_dir():
                raise WriteError(str(self.dest / folder), "is a file; cannot create a folder there")
        return found

    def check_inside(self, rel: str, found: os.stat_result | None) -> None:
        """`(DEST / rel).resolve()` is inside DEST (`found`: the path's lstat, None if absent)."""
        parent, _, name = rel.rpartition("/")
        plain = name not in ("", ".", "..") and (found is None or not stat.S_ISLNK(found.st_mode))
        if plain:  # then it resolves to its resolved folder / name: inside if the folder is
            inside = self._inside.get(parent)
            if inside is None:
                inside = (self.dest / parent).resolve().is_relative_to(self.root)
                self._inside[parent] = inside
        else:
            inside = (self.dest / rel).resolve().is_relative_to(self.root)
        if not inside or rel.startswith("/"):
            raise WriteError(rel, "would be written outside DEST")


def _stage_root(dest: Path, work: Path, changes: RootChanges) -> dict[str, Any]:
    """The root's part of the plan; only the CI entry points may be written or deleted there."""
    for rel in [*changes.writes, *changes.deletes]:
        if not is_ci_entry_point(rel):
            raise WriteError(rel, "would be written outside DEST (not a CI entry point)")
    root = changes.root.absolute()
    staged = _stage(root, work, changes.writes, changes.deletes, [], f"-{ROOT_AREA}")
    return {"path": os.path.relpath(root, dest), **staged}


def _apply(dest: Path, journal: Path, plan: Mapping[str, Any]) -> None:
    for base, suffix, area in _areas(dest, plan):
        staged = journal / f"staged{suffix}"
        moved = _move_new_folders(base, staged, area["created"])
        for entry in area["writes"]:
            if entry["path"].rpartition("/")[0] not in moved:
                (staged / entry["path"]).replace(base / entry["path"])
        for rel in area["deletes"]:
            (base / rel).unlink(missing_ok=True)
            parent = (base / rel).parent
            while parent != base and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


def _move_new_folders(base: Path, staged: Path, created: Iterable[str]) -> set[str]:
    """Create the folders the plan creates; a new folder whose parent exists is its staged
    folder renamed into place, files and subfolders with it (one rename instead of a `mkdir`
    and a rename per file); the folders that came so, with their files.

    A moved file keeps its inode, so a rollback finds it as a per-file rename would have left
    it. A folder someone made meanwhile is filled file by file instead.
    """
    moved: set[str] = set()
    for folder in sorted(created, key=lambda f: (f.count("/"), f)):
        if folder.rpartition("/")[0] in moved:
            moved.add(folder)  # came with its parent
            continue
        target = base / folder
        if folder != "." and _lstat(target) is None and (staged / folder).is_dir():
            (staged / folder).replace(target)
            moved.add(folder)
        else:
            target.mkdir(exist_ok=True)
    return moved


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (their handlers run afterwards)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _make_folder(dest: Path) -> list[str]:
    """Create DEST if needed; the folders (relative to DEST, "." for itself) a rollback removes."""
    if dest.is_dir():
        return []
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.mkdir()
    except OSError as exc:
        raise WriteError(str(dest), f"cannot create the folder: {exc.strerror}") from exc
    return ["."]


def _check_inside(dest: Path, rel: str) -> None:
    if not (dest / rel).resolve().is_relative_to(dest.resolve()) or rel.startswith("/"):
        raise WriteError(rel, "would be written outside DEST")


def _mode(rel: str, old: os.stat_result | None, umask: int) -> int:
    if rel.endswith(".sh"):
        return 0o755
    if old is not None and stat.S_ISREG(old.st_mode):
        return stat.S_IMODE(old.st_mode)  # keep a mode the team chose
    return 0o666 & ~umask


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _present(path: Path | str) -> os.stat_result | None:
    """`path`'s lstat; None if absent, or if a folder on the way is a file (`_Places` says so)."""
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _write_text(path: str, text: str, mode: int, made: set[str]) -> int:
    """Write a staged file with `mode`; its inode."""
    folder = path.rpartition("/")[0]
    if folder not in made:
        Path(folder).mkdir(parents=True, exist_ok=True)
        made.add(folder)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    with os.fdopen(handle, "wb") as out:
        out.write(text.encode("utf-8"))
        os.fchmod(handle, mode)  # exactly `mode`, whatever the umask
        return os.fstat(handle).st_ino


def _backup(target: Path, backup: Path, made: set[str]) -> None:
    """A hard link to the current version (a copy where links are impossible)."""
    if str(backup.parent) not in made:
        backup.parent.mkdir(parents=True, exist_ok=True)
        made.add(str(backup.parent))
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        if target.is_symlink():
            backup.symlink_to(target.readlink())
        else:
            shutil.copy2(target, backup)


def _discard(journal: Path) -> None:
    """Remove a journal; renamed first, so a half-removed one is never taken for a journal."""
    if not journal.exists():
        return
    gone = journal.with_name(f"{DISCARDED}{secrets.token_hex(6)}")
    journal.rename(gone)
    shutil.rmtree(gone, ignore_errors=True)


def _remove_empty(dest: Path, folders: Iterable[str]) -> None:
    """Remove those of `folders` (relative to DEST) that are empty, innermost first."""
    for folder in sorted(folders, key=lambda f: (f == ".", -f.count("/"), f)):
        path = dest / folder
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()


def _is_locked(folder: Path) -> bool:
    try:
        handle = (folder / LOCK).open("a")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
