"""Where validation keeps its caches (computed when asked, never at import), and how their JSON
files are read and written."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from infrascaffold.user_cache import user_cache_root


def default_parse_cache() -> Path:
    """The default folder of cached parse results."""
    return user_cache_root() / "parse"


# The modules whose code decides what a parse extracts (with pygohcl's release).
_MODEL_MODULES = (
    *("hcl_parse.py", "hcl_scan.py", "hcl_tokens.py", "hcl_expressions.py"),
    *("hcl_text_refs.py", "hcl_fallback.py", "hcl_syntax.py", "hcl_doc.py"),
)


@functools.cache
def parser_fingerprint() -> str:
    """A digest of the model's modules and of pygohcl's version: a cache entry written by
    another release of either is never read."""
    folder = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _MODEL_MODULES:
        digest.update((folder / name).read_bytes())
    # HashiCorp's parser decides what is valid: another release may judge differently. Its
    # compiled library is identified by size and time (importlib.metadata costs 30 ms to import)
    library = _go_library()
    digest.update(f"{library.name}:{library.stat().st_size}:{library.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _go_library() -> Path:
    """pygohcl's compiled Go library, found without importing pygohcl (which starts Go)."""
    spec = importlib.util.find_spec("pygohcl")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("pygohcl is not installed")
    site = Path(spec.origin).parent.parent
    found = sorted(site.glob("pygohcl.*.so")) or sorted(site.glob("pygohcl*.pyd"))
    return found[0] if found else Path(spec.origin)


def load_json(entry: Path) -> Any:
    """The JSON value in cache file `entry`; None when it is absent, unreadable or damaged (the
    caller then computes again)."""
    try:
        return json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return None


def store_json(entry: Path, value: Any, make_folder: bool = True) -> bool:
    """Write `value` to cache file `entry` atomically (readers see the whole file or the old
    one); False when the folder is read-only or full, which only costs speed.

    The partial file has a name of this process's own, not `tempfile`'s (that costs an import
    of `shutil` and `random` on a first run, and a cold run stores hundreds of entries).
    """
    partial = entry.parent / f"{entry.stem}.{os.getpid()}.tmp"
    try:
        if make_folder:
            entry.parent.mkdir(parents=True, exist_ok=True)
        # dumps, not dump: only the one-shot encoder is the C one
        partial.write_text(json.dumps(value, separators=(",", ":")), encoding="utf-8")
        partial.replace(entry)
    except OSError:
        return False
    return True
