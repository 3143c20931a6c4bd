"""Parse many HCL files fast: a cache by content hash, and a process pool for many misses.

A cache entry is the JSON rows of one `Doc`, at `<cache>/hcl-<parser>-v<format>/<sha>.json`
where `sha` is the sha256 of the file's text, so an unchanged file is never parsed twice; another
release of the model's code or of pygohcl (`parser` is a digest of them) or a new `Doc` layout
starts a fresh folder; the entries lie in one flat folder (a subfolder per first two hex digits
cost a cold render of 500 files 256 `mkdir`s, each as dear as creating an entry). A caller that
names its tree (`tree_key`: `validate` of a folder) gets
one bundle instead, `<cache>/hcl-…/trees/<sha of the key>.json`, the rows of every file of the
tree by content hash: one file read on a warm run and one written on a cold one (one entry per
file cost a `mkdir`, a write and a rename each, and an `open` each when warm). A bundle keeps
only the texts the tree has now; an edited file is parsed again, the others are read. The
cache is an optimisation only: a folder that cannot be written is skipped.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infrascaffold.validate.cache_dirs import (
    default_parse_cache,
    load_json,
    parser_fingerprint,
    store_json,
)
from infrascaffold.validate.hcl_doc import Doc, doc_from_rows, doc_to_rows

CACHE_FORMAT = 3  # bump when `Doc` rows or what the parse extracts change
# Parsing costs ~0.5 ms per KB (pygohcl and the scan) and starting worker processes (a fork
# server, fresh interpreters) ~0.3 s: below this much uncached text, one process is faster.
PARALLEL_MIN_BYTES = 1024 * 1024
PARALLEL_MIN_FILES = 8


def parse_all(
    texts: Mapping[str, str],
    cache_dir: Path | None = None,
    remember: bool = False,
    tree_key: str | None = None,
    write: bool = True,
) -> dict[str, Doc]:
    """Parse every file of `texts` (path → HCL text), through the cache in `cache_dir`;
    `remember` keeps the rows in this process for the next call; `tree_key` (a name of the
    tree, such as its resolved folder) keeps the whole tree's rows in one bundle; `write=False`
    stores nothing (a first look at part of a tree whose whole is parsed next)."""
    folder = (cache_dir or default_parse_cache()) / f"hcl-{parser_fingerprint()}-v{CACHE_FORMAT}"
    digests = {path: _digest(text) for path, text in texts.items()}
    bundle = None if tree_key is None else _bundle_path(folder, tree_key)
    stored = _load_bundle(bundle) if bundle is not None else {}
    rows_by_digest: dict[str, list[Any]] = {}
    missing: dict[str, str] = {}
    for path, digest in digests.items():
        if digest in rows_by_digest or digest in missing:
            continue
        rows = _SEEN.get((folder, digest)) or stored.get(digest)
        if rows is None and bundle is None:
            rows = _load(folder, digest)
        if rows is None:
            missing[digest] = texts[path]
        else:
            rows_by_digest[digest] = rows
    for digest, rows in _parse_many(missing).items():
        if bundle is None and write:
            _store(folder, digest, rows)
        rows_by_digest[digest] = rows
    if write and bundle is not None and rows_by_digest.keys() != stored.keys():
        _store_bundle(bundle, rows_by_digest)
    if remember:
        if len(_SEEN) + len(rows_by_digest) > SEEN_MAX:
            _SEEN.clear()
        _SEEN.update(((folder, digest), rows) for digest, rows in rows_by_digest.items())
    return {path: doc_from_rows(rows_by_digest[digest]) for path, digest in digests.items()}


def parse_text(text: str, cache_dir: Path | None = None) -> Doc:
    """Parse one HCL text through the cache (the diagram's parses, which validation reuses)."""
    return parse_all({"": text}, cache_dir, remember=True)[""]


# Rows the diagram parsed in this process, by cache folder and digest: `new` parses the render's
# Terraform for the diagram, then validates the same files. Only those: rows kept alive for a
# whole repository made the garbage collector's later passes cost 0.6 s on 880 files.
_SEEN: dict[tuple[Path, str], list[Any]] = {}
SEEN_MAX = 4096


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _entry(folder: Path, digest: str) -> Path:
    return folder / f"{digest}.json"


def _load(folder: Path, digest: str) -> list[Any] | None:
    rows = load_json(_entry(folder, digest))  # None when absent or damaged: parse again
    return rows if isinstance(rows, list) and len(rows) == 2 else None


def _store(folder: Path, digest: str, rows: list[Any]) -> None:
    entry = _entry(folder, digest)
    if store_json(entry, rows, make_folder=entry.parent not in _MADE_FOLDERS):
        _MADE_FOLDERS.add(entry.parent)
    else:
        _MADE_FOLDERS.discard(entry.parent)


_MADE_FOLDERS: set[Path] = set()


def _bundle_path(folder: Path, tree_key: str) -> Path:
    name = hashlib.sha256(tree_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / "trees" / f"{name}.json"


def _load_bundle(bundle: Path) -> dict[str, list[Any]]:
    """digest → rows of a tree's bundle; empty when absent or damaged (then all is parsed)."""
    stored = load_json(bundle)
    if not isinstance(stored, dict):
        return {}
    return {
        digest: rows for digest, rows in stored.items() if isinstance(rows, list) and len(rows) == 2
    }


def _store_bundle(bundle: Path, rows_by_digest: dict[str, list[Any]]) -> None:
    store_json(bundle, rows_by_digest)  # another run reads the whole bundle or the old one


def _parse_many(texts: Mapping[str, str]) -> dict[str, list[Any]]:
    """Parse `texts` (digest → text) in this process or, when there is much to do, a pool."""
    keys = sorted(texts, key=lambda key: -len(texts[key]))  # longest first balances workers
    workers = _worker_count(len(keys), sum(len(text) for text in texts.values()))
    if workers <= 1:
        # imported here: a run that finds everything in the cache never loads the parser (Go)
        from infrascaffold.validate.hcl_judge import parse_texts

        docs = parse_texts([texts[key] for key in keys])
        return {key: doc_to_rows(doc) for key, doc in zip(keys, docs, strict=True)}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Not fork: this process may run Go (pygohcl), whose runtime a forked child inherits broken.
    # A fork server is a fresh interpreter; its children import pygohcl themselves.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["infrascaffold.validate.hcl_parse"])
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        parsed = pool.map(parse_rows, [texts[key] for key in keys], chunksize=4)
        return dict(zip(keys, parsed, strict=True))


def _worker_count(files: int, size: int) -> int:
    if files < PARALLEL_MIN_FILES or size < PARALLEL_MIN_BYTES:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cpus or 1, files))


def _load_parser() -> None:
    from infrascaffold.validate.hcl_syntax import go_parser

    go_parser()


def _start_worker() -> None:
    # a worker frees every parse tree by reference counting: the cyclic collector only costs time
    gc.disable()
    _load_parser()


def parse_rows(text: str) -> list[Any]:
    """Parse one file into cacheable rows (run in worker processes)."""
    # imported here: a run that finds everything in the cache never loads the parser (Go)
    from infrascaffold.validate.hcl_parse import parse_hcl

    return doc_to_rows(parse_hcl(text))
