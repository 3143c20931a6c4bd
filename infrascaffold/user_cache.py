"""The user cache folder (parse results, compiled templates, cloned packs): computed when asked."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_root() -> Path:
    """`$XDG_CACHE_HOME/infrascaffold`, else `~/.cache/infrascaffold`."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "infrascaffold"
