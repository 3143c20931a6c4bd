"""Where validation keeps its caches: computed when asked, never at import."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

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
