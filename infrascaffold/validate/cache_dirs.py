"""Where validation keeps its caches: computed when asked, never at import."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
from pathlib import Path

from infrascaffold.user_cache import user_cache_root


def default_parse_cache() -> Path:
    """The default folder of cached parse results."""
    return user_cache_root() / "parse"


@functools.cache
def parser_fingerprint() -> str:
    """A digest of python-hcl2's version file and grammar and of pygohcl's version, read without
    importing them: a warm run never needs python-hcl2 or lark, whose imports cost a tenth of a
    second."""
    spec = importlib.util.find_spec("hcl2")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("python-hcl2 is not installed")
    package = Path(spec.origin).parent
    digest = hashlib.sha256()
    for name in ("version.py", "hcl2.lark"):
        digest.update((package / name).read_bytes())
    # HashiCorp's parser decides what is valid: another release may judge differently
    digest.update(importlib.metadata.version("pygohcl").encode())
    return digest.hexdigest()[:16]
