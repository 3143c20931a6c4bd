"""Compiled templates kept across runs: one file per pack, read once and written once per run.

Jinja's `FileSystemBytecodeCache` keeps one file per template: a cold render of 2,000 templates
created 2,000 files (a tenth of the run) and a warm one opened 2,000. Here the compiled code of
every template, `when` expression and short string of one set of pack roots lives in one
bundle, `<cache>/jinja-<release>-<jinja>/bundle-<roots digest>.bin`: Jinja's own header
(`bc_magic`: its bytecode format and this Python's version) followed by a marshalled dict of
entry key → (source checksum, marshalled code). An entry whose checksum differs from the
template's source is compiled again, as in Jinja's cache.

The bundle is read on first use and shared by every environment of the process over the same
roots; what was compiled is written back once, at `flush_compiled()` (the render pipeline
calls it) or at exit, merged with what another run wrote meanwhile, atomically (a reader sees
the old bundle or the new one). The cache is an optimisation only: a bundle that cannot be
read is ignored, one that cannot be written is skipped.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import os
from collections.abc import Sequence
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.bccache import bc_magic

MAX_ENTRIES = 20_000  # past this, a write keeps only what this run used or compiled

Entries = dict[str, tuple[str, bytes]]


class _Bundle:
    """The entries of one bundle file in this process (mutable: filled as templates compile)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: Entries | None = None  # read on first use
        self.added: set[str] = set()
        self.used: set[str] = set()

    def get(self, key: str, checksum: str) -> CodeType | None:
        if self.entries is None:
            self.entries = _read(self.path)
        entry = self.entries.get(key)
        if entry is None or entry[0] != checksum:
            return None
        try:
            code = marshal.loads(entry[1])
        except (EOFError, ValueError, TypeError):
            return None
        self.used.add(key)
        return code if isinstance(code, CodeType) else None

    def put(self, key: str, checksum: str, code: CodeType) -> None:
        if self.entries is None:
            self.entries = _read(self.path)
        self.entries[key] = (checksum, marshal.dumps(code))
        self.added.add(key)

    def flush(self) -> None:
        """Write what this run compiled, merged with the bundle on disk."""
        if not self.added or self.entries is None:
            return
        merged = _read(self.path)
        merged.update({key: self.entries[key] for key in self.added})
        if len(merged) > MAX_ENTRIES:
            kept = self.used | self.added
            merged = {key: value for key, value in merged.items() if key in kept}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(_encode(merged))
            temporary.replace(self.path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            if not isinstance(exc, OSError):
                raise
            return
        self.entries = merged
        self.added.clear()


def _encode(entries: Entries) -> bytes:
    return bc_magic + marshal.dumps(entries)


def _read(path: Path) -> Entries:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(bc_magic):
        return {}  # another Jinja bytecode format or Python version: start again
    try:
        entries = marshal.loads(data[len(bc_magic) :])
    except (EOFError, ValueError, TypeError):
        return {}
    return entries if _well_formed(entries) else {}


def _well_formed(entries: Any) -> bool:
    return isinstance(entries, dict) and all(
        isinstance(key, str)
        and isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], bytes)
        for key, value in entries.items()
    )


_BUNDLES: dict[Path, _Bundle] = {}


class BundleBytecodeCache(jinja2.BytecodeCache):
    """A Jinja bytecode cache backed by the bundle of a set of pack roots."""

    def __init__(self, bundle: _Bundle) -> None:
        self.bundle = bundle

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.bundle.get(bucket.key, bucket.checksum)
        if code is None:
            bucket.reset()
        else:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self.bundle.put(bucket.key, bucket.checksum, bucket.code)

    def clear(self) -> None:
        self.bundle.entries = {}
        self.bundle.added.clear()
        with contextlib.suppress(OSError):
            self.bundle.path.unlink()


def bundle_cache(folder: Path, roots: Sequence[Path]) -> BundleBytecodeCache:
    """The cache of the templates under `roots`, in `folder` (one bundle per set of roots)."""
    digest = hashlib.sha256("\0".join(str(root) for root in roots).encode("utf-8", "replace"))
    path = folder / f"bundle-{digest.hexdigest()[:32]}.bin"
    if path not in _BUNDLES:
        _BUNDLES[path] = _Bundle(path)
    return BundleBytecodeCache(_BUNDLES[path])


def flush_compiled() -> None:
    """Write every bundle this process compiled into (also run at exit)."""
    for bundle in list(_BUNDLES.values()):
        bundle.flush()


atexit.register(flush_compiled)
