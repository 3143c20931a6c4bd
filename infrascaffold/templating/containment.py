"""Keeping a pack's reads inside the pack: every path it names is resolved, links included.

A pack is untrusted input until `--trust`: a link such as `partials/p -> /etc/passwd`, or a
`files/` folder that is itself a link, must never copy outside files into DEST.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from infrascaffold.errors import PackError


def contained(path: Path, root: Path) -> Path:
    """`path` resolved (links followed); PackError when it leads outside the pack `root`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(_resolved_root(root)):
        raise PackError(str(path), "is outside the pack (links are followed)")
    return resolved


@functools.lru_cache(maxsize=64)
def _resolved_root(root: Path) -> Path:
    # a pack root is resolved once per process: resolving it again for each of a pack's
    # hundreds of files doubled the cost of listing them
    return root.resolve()


def read_pack_text(path: Path, root: Path, label: str | None = None) -> str:
    """The UTF-8 text of a pack file, refused when it leads outside the pack or is not text."""
    return _read_text(contained(path, root), label or str(path))


def _read_text(real: Path, label: str) -> str:
    """The UTF-8 text of `real`, a resolved path inside the pack."""
    try:
        return real.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(label, "is not UTF-8 text (only text files are supported)") from exc
    except OSError as exc:
        raise PackError(label, exc.strerror or "cannot be read") from exc


class ContainedLoader(jinja2.BaseLoader):
    """Loads `files/…` and `partials/…` templates from the pack roots, never outside them."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [r.resolve() for r in roots]
        # each folder's resolved path, once per environment (one run): resolving every
        # template's whole path again was a resolve of ~6 components per template
        self._folders: dict[Path, Path] = {}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, None]:
        pieces = split_template_path(template)  # refuses `..` segments
        for root in self.roots:
            candidate = root.joinpath(*pieces)
            if candidate.is_file():
                return self._read(candidate, root, template), str(candidate), None
        raise jinja2.TemplateNotFound(template)

    def _read(self, candidate: Path, root: Path, template: str) -> str:
        if candidate.is_symlink():  # a link: the general check resolves where it leads
            return read_pack_text(candidate, root, template)
        folder = candidate.parent
        if folder not in self._folders:
            real = folder.resolve()
            if not real.is_relative_to(_resolved_root(root)):
                return read_pack_text(candidate, root, template)  # refused, naming the file
            self._folders[folder] = real
        # not a link, in a folder inside the pack: this is the resolved path
        return _read_text(self._folders[folder] / candidate.name, template)
