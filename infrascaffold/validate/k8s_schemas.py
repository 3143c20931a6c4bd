"""The vendored Kubernetes 1.33 and Argo Rollouts v1.8.3 schemas (`schemas/k8s-manifests.json.gz`,
made by `scripts/trim_k8s_schemas.py`), and the errors they find in one object.

Imported only when a tree holds a kustomization: jsonschema and the schemas cost nothing otherwise.
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import Any

import jsonschema  # type: ignore[import-untyped]

MAX_MESSAGE = 200


@functools.cache
def _schemas() -> dict[str, Any]:
    data = resources.files("infrascaffold") / "schemas" / "k8s-manifests.json.gz"
    loaded: dict[str, Any] = json.loads(gzip.decompress(data.read_bytes()))
    return loaded


def is_vendored(key: str) -> bool:
    """Whether `apiVersion/kind` has a vendored schema."""
    return key in _schemas()["kinds"]


@functools.cache
def _validator(key: str) -> Any:
    schemas = _schemas()
    schema = schemas["kinds"][key] | {"$defs": schemas["$defs"]}
    return jsonschema.validators.validator_for(schema)(schema)


def schema_errors(key: str, obj: Any, *, patch: bool = False) -> list[tuple[list[Any], str]]:
    """JSON path and message of each schema error of `obj` (a patch skips `required`)."""
    found: list[tuple[list[Any], str]] = []
    for error in _validator(key).iter_errors(obj):
        best = jsonschema.exceptions.best_match([error])
        if patch and best.validator == "required":
            continue
        location = ".".join(str(step) for step in best.absolute_path) or "(top level)"
        message = f"{location}: {best.message}"
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 3] + "..."
        found.append((list(best.absolute_path), message))
    return found
