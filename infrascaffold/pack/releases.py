"""Where a recorded pack is, for any clone of DEST, and the newest release of a git pack.

The record keeps a pack so that a teammate's clone finds it again: a built-in or entry-point
name, a folder relative to DEST (never an absolute path of one checkout), or a git URL with the
ref the user asked for and the commit it resolved to. Releases of a git pack are its tags that
read as semantic versions (`1.2.0` or `v1.2.0`, pre-releases skipped), listed with
`git ls-remote` without cloning.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infrascaffold.pack.sources import GIT_PREFIX, split_git_ref
from infrascaffold.versions import version_tuple

_RELEASE_TAG = re.compile(r"v?\d+\.\d+\.\d+")


@dataclass(frozen=True)
class Release:
    """A release of a git pack: its tag and the version the tag names."""

    tag: str
    version: str


def recorded_source(label: str, dest: Path | None) -> str:
    """The pack label as the record keeps it: a folder relative to DEST, else unchanged."""
    path = Path(label)
    if dest is None or not path.is_absolute():
        return label
    return Path(os.path.relpath(path, dest.resolve())).as_posix()


def git_details(label: str, requested: str | None) -> dict[str, str] | None:
    """`{url, ref, commit}` for a git pack label (`git+URL@SHA`), else None.

    `requested` is the `--pack` value as given; its ref (a tag or branch) is recorded beside the
    commit it resolved to.
    """
    if not label.startswith(GIT_PREFIX):
        return None
    url, commit = split_git_ref(label)
    ref = commit
    if requested and requested.startswith(GIT_PREFIX):
        asked_url, asked_ref = split_git_ref(requested)
        if asked_url == url:
            ref = asked_ref
    return {"url": url, "ref": ref, "commit": commit}


def pack_reference(source: str, dest: Path) -> str | None:
    """The `--pack` value that loads the recorded pack again, or None when it cannot be found."""
    if source.startswith(("builtin:", "entrypoint:", GIT_PREFIX)):
        return source
    folder = Path(source)
    if not folder.is_absolute():
        folder = dest / folder
    return str(folder.resolve()) if folder.is_dir() else None


def newest_release(url: str) -> Release | None:
    """The newest semantic-version tag of the git repository at `url`, or None (none, offline)."""
    if shutil.which("git") is None:
        return None
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        listed = subprocess.run(
            ["git", "ls-remote", "--tags", "--refs", "--", url],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return None  # an unreachable remote must not stop an update of the recorded commit
    if listed.returncode != 0:
        return None
    tags = [line.rpartition("refs/tags/")[2] for line in listed.stdout.splitlines()]
    releases = [Release(tag, tag.lstrip("v")) for tag in tags if _RELEASE_TAG.fullmatch(tag)]
    return max(releases, key=lambda r: version_tuple(r.version), default=None)


@dataclass(frozen=True)
class Upgrade:
    """A newer release of a recorded git pack: its version and the `--pack` that takes it."""

    version: str
    pack: str

    def notice(self, name: str, version: str) -> str:
        """`pack NAME 1.0.0 → 1.2.0 available: infrascaffold update --pack …`."""
        return (
            f"pack {name} {version} → {self.version} available: "
            f"infrascaffold update --pack {self.pack}"
        )


def newer_release(meta: Mapping[str, Any], version: str) -> Upgrade | None:
    """The newest release of the recorded git pack, when it is newer than `version`."""
    git = meta.get("git")
    if not isinstance(git, Mapping) or not isinstance(git.get("url"), str):
        return None
    newest = newest_release(git["url"])
    if newest is None or version_tuple(newest.version) <= version_tuple(version):
        return None
    return Upgrade(newest.version, f"{GIT_PREFIX}{git['url']}@{newest.tag}")
