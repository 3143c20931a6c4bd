"""YAML syntax verdicts by content, one file per validated folder beside its parse bundle.

Most YAML files of a tree are read only for their verdict (parses, or the `yaml-syntax`
problem); a warm `validate DIR` reads the verdicts of unchanged texts from
`<cache>/yaml-<fingerprint>/trees/<sha of the folder>.json` (digest → null or [line, message])
and composes a file's documents only when a check reads them (`YamlDoc.nodes`). The
fingerprint is this module's and `yaml_docs`'s code and PyYAML's installed files (by size and
time, found without importing it). Like the parse cache, an optimisation only: a folder that
cannot be written is skipped, a damaged file is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infrascaffold.validate.cache_dirs import default_parse_cache, load_json, store_json
from infrascaffold.validate.hcl_doc import Problem
from infrascaffold.validate.yaml_docs import SYNTAX, YamlDoc, parse_yaml

Verdict = list[Any] | None  # [line, message] of the problem, or None: the file parses


def yaml_docs(
    texts: Mapping[str, str], cache_dir: Path | None = None, tree_key: str | None = None
) -> dict[str, YamlDoc]:
    """path → YamlDoc of every YAML text; through the folder's verdicts when `tree_key` names
    the tree (`validate DIR`), else each text composed here."""
    if tree_key is None or not texts:
        return {path: parse_yaml(text) for path, text in texts.items()}
    folder = (cache_dir or default_parse_cache()) / f"yaml-{yaml_fingerprint()}"
    name = hashlib.sha256(tree_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    verdicts_file = folder / "trees" / f"{name}.json"
    stored = _load(verdicts_file)
    verdicts: dict[str, Verdict] = {}
    docs: dict[str, YamlDoc] = {}
    for path, text in texts.items():
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if digest in stored:
            verdict = stored[digest]
            docs[path] = YamlDoc(None if verdict is None else Problem(SYNTAX, *verdict), text)
        else:
            docs[path] = parse_yaml(text, keep_nodes=False)  # composed if a check asks
            problem = docs[path].problem
            verdict = None if problem is None else [problem.line, problem.message]
        verdicts[digest] = verdict
    if verdicts != stored:
        _store(verdicts_file, verdicts)
    return docs


@functools.cache
def yaml_fingerprint() -> str:
    """A digest of the code that turns a text into a verdict: this module's, `yaml_docs`'s and
    PyYAML's files (another release may judge a text differently)."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for module in ("yaml_docs.py", "yaml_cache.py"):
        digest.update((here / module).read_bytes())
    spec = importlib.util.find_spec("yaml")
    if spec is not None and spec.origin is not None:
        for file in sorted(Path(spec.origin).parent.iterdir()):
            if file.is_file():
                info = file.stat()
                digest.update(f"{file.name}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _load(verdicts_file: Path) -> dict[str, Verdict]:
    """digest → verdict; empty when absent or damaged (then every text is composed)."""
    stored = load_json(verdicts_file)
    if not isinstance(stored, dict):
        return {}
    return {
        digest: verdict
        for digest, verdict in stored.items()
        if verdict is None
        or (
            isinstance(verdict, list)
            and len(verdict) == 2
            and isinstance(verdict[0], int)
            and isinstance(verdict[1], str)
        )
    }


def _store(verdicts_file: Path, verdicts: dict[str, Verdict]) -> None:
    store_json(verdicts_file, verdicts)  # another run reads the whole file or the old one
