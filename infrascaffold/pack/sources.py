"""Where packs come from: built-in, a local folder, a git repository, or an installed package.

`resolve_source(ref)` turns what a user passes to `--pack` into a local folder and a label that
the record keeps (for git, the resolved commit, so `update` finds the same pack again).

- built-in: `platform`
- entry point: a name registered by an installed package in group `infrascaffold.packs`, whose
  object is the pack folder (a path string or `Path`) or a callable returning it
- git: `git+URL[@REF]` (any URL git understands: https, ssh, file) — cloned with the git CLI
  into the user cache, one folder per commit
- a local folder holding `pack.yaml`
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infrascaffold.errors import PackError
from infrascaffold.user_cache import user_cache_root

if TYPE_CHECKING:
    from importlib import metadata

MANIFEST = "pack.yaml"
BUILTIN_PACKS = ("platform",)
ENTRY_POINT_GROUP = "infrascaffold.packs"
GIT_PREFIX = "git+"
_FULL_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Source:
    """A pack resolved to a local folder; `label` is recorded (builtin:NAME, git+URL@SHA, ...)."""

    root: Path
    label: str
    builtin: bool = False


def builtin_packs_root() -> Path:
    """Where the built-in packs live: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the package folder
    inside = here / "templates"
    return inside if inside.is_dir() else here.parent / "templates"


def resolve_source(ref: str, relative_to: Path | None = None) -> Source:
    """Resolve a `--pack` value (or an `extends:` value, relative to the extending pack)."""
    if ref.startswith("builtin:"):
        ref = ref.removeprefix("builtin:")
    if ref in BUILTIN_PACKS:
        return Source(builtin_packs_root() / ref, f"builtin:{ref}", builtin=True)
    if ref.startswith(GIT_PREFIX):
        return _git_source(ref)
    if ref.startswith("entrypoint:") or ("/" not in ref and ref in _entry_points()):
        return _entry_point_source(ref.removeprefix("entrypoint:"))
    path = Path(ref).expanduser()
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if (path / MANIFEST).is_file():
        return Source(path.resolve(), str(path.resolve()))
    raise PackError(
        ref,
        f"unknown pack: not a built-in pack ({', '.join(BUILTIN_PACKS)}), an installed pack, "
        f"a git+URL, nor a folder with {MANIFEST}",
    )


def installed_packs() -> dict[str, Source]:
    """Packs registered by installed packages, by entry point name."""
    return {name: _entry_point_source(name) for name in sorted(_entry_points())}


def _entry_points() -> dict[str, metadata.EntryPoint]:
    from importlib import metadata  # 30 ms to import: only when a pack is looked up this way

    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _entry_point_source(name: str) -> Source:
    entry = _entry_points().get(name)
    if entry is None:
        raise PackError(
            name, f"no installed package registers a pack of this name ({ENTRY_POINT_GROUP})"
        )
    try:
        target = entry.load()
        folder = Path(target() if callable(target) else target)
    except Exception as exc:  # noqa: BLE001 - a third-party package's import failed
        raise PackError(f"entrypoint:{name}", f"cannot be loaded: {exc}") from exc
    if not (folder / MANIFEST).is_file():
        raise PackError(f"entrypoint:{name}", f"{folder} holds no {MANIFEST}")
    return Source(folder.resolve(), f"entrypoint:{name}")


def split_git_ref(ref: str) -> tuple[str, str]:
    """`git+URL@REF` → (URL, REF); REF defaults to HEAD. An `@` in user@host is not a ref."""
    url = ref.removeprefix(GIT_PREFIX)
    head, sep, tail = url.rpartition("@")
    if sep and "/" not in tail and ":" not in tail and head and not head.endswith(":"):
        return head, tail
    return url, "HEAD"


def pack_cache_root() -> Path:
    """The user cache folder for cloned packs."""
    return user_cache_root() / "packs"


def _git_source(ref: str) -> Source:
    url, rev = split_git_ref(ref)
    check_git_url(url, rev, ref)
    if shutil.which("git") is None:
        raise PackError(ref, "git is not installed")
    cache = pack_cache_root() / hashlib.sha256(url.encode()).hexdigest()[:16]
    if _FULL_SHA.fullmatch(rev) and (cache / rev / MANIFEST).is_file():
        return Source(cache / rev, f"{GIT_PREFIX}{url}@{rev}")
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".clone-", dir=cache))
    try:
        _git(["clone", "--quiet", "--no-checkout", "--", url, str(staging)], ref)
        commit = _resolve_commit(staging, rev, ref)
        _git(["-C", str(staging), "checkout", "--quiet", "--detach", commit], ref)
        target = cache / commit
        if not (target / MANIFEST).is_file():
            shutil.rmtree(staging / ".git")
            if not (staging / MANIFEST).is_file():
                raise PackError(ref, f"the repository holds no {MANIFEST} at its top")
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Source(target, f"{GIT_PREFIX}{url}@{commit}")


def check_git_url(url: str, rev: str, ref: str) -> None:
    """Refuse what git would read as an option (`--upload-pack=…`) or a command transport."""
    if not url or url.startswith("-") or rev.startswith("-"):
        raise PackError(ref, "a git URL or ref may not start with `-`")
    if url.lower().startswith("ext::") or "\0" in url or "\n" in url:
        raise PackError(ref, "is not a git URL infrascaffold clones (https, ssh, file)")


def _resolve_commit(clone: Path, rev: str, ref: str) -> str:
    """The commit a branch, tag or commit id names in a fresh clone."""
    for candidate in (rev, f"origin/{rev}"):
        result = subprocess.run(
            [
                "git",
                "-C",
                str(clone),
                "rev-parse",
                "--verify",
                "--quiet",
                f"{candidate}^{{commit}}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return result.stdout.strip()
    raise PackError(ref, f"no branch, tag or commit named {rev!r} in the repository")


def _git(args: list[str], ref: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    # `ext::` runs a command as the transport: never, whatever the user's git config says.
    argv = ["git", "-c", "protocol.ext.allow=never", *args]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        command = next(a for a in args if not a.startswith("-") and "/" not in a)
        raise PackError(ref, f"git {command} failed: {reason}")
    return result.stdout
