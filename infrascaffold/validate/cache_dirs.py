"""Where validation keeps its caches: computed when asked, never at import."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
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
    # HashiCorp's parser decides what is valid: another release may judge differently
    digest.update(importlib.metadata.version("pygohcl").encode())
    return digest.hexdigest()[:16]
