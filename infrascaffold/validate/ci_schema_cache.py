"""The schema errors of CI files, cached by content: a warm run never imports the validator.

Building check-jsonschema's validator imports jsonschema, check-jsonschema's CLI and `requests`
(0.3–0.6 s, the largest single cost of a warm `new`), yet a re-render produces the same CI
files. An entry is the errors (JSON path, message) of one document's data for one schema, at
`<cache>/ci-schema/<ab>/<sha>.json`, where `sha` digests the schema (its vendored text) and the
data. As with the
parse cache, a folder that cannot be written only costs speed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infrascaffold.user_cache import user_cache_root
from infrascaffold.validate.cache_dirs import load_json, store_json

SchemaError = tuple[list[str | int], str]  # JSON path of the error, message


def cached_schema_errors(
    schema: str, data: Any, compute: Callable[[], list[SchemaError]]
) -> list[SchemaError]:
    """The errors of `data` under `schema`: from the cache, else `compute()`d and stored."""
    text = f"{_schema_digest(schema)}\n{data!r}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    entry = _folder() / digest[:2] / f"{digest}.json"
    try:
        rows = load_json(entry)
        if rows is not None:
            return [(list(path), str(message)) for path, message in rows]
    except (ValueError, TypeError):  # damaged: validate again
        pass
    errors = compute()
    store_json(entry, [[path, message] for path, message in errors])
    return errors


def _folder() -> Path:
    return user_cache_root() / "ci-schema"


@functools.cache
def _schema_digest(schema: str) -> str:
    """The digest of a vendored schema's text: another check-jsonschema release with another
    schema never reads entries made with this one."""
    from infrascaffold.validate.ci_validator import vendored_schema_path

    return hashlib.sha256(vendored_schema_path(schema).read_bytes()).hexdigest()
