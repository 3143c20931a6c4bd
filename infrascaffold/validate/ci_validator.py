"""check-jsonschema's validator for its vendored CI schemas, built without importing its CLI.

`check_jsonschema/__init__.py` imports the command line (click, `requests`, ruamel.yaml,
every schema reader): 0.3–0.6 s, more than jsonschema itself, for a validator that needs none
of it. So the package is registered without running its `__init__`, and the validator is put
together from the same parts, as check-jsonschema's `BuiltinSchemaLoader` does for a
`--builtin-schema vendor.…` run: the schema's own draft, ECMAScript regular expressions for
`pattern` and `patternProperties` (regress), its format checker, and the schema registered
under its `$id`. The vendored schemas have no remote references, so nothing is fetched.
`tests/validate/test_ci_schema_cache.py` checks that the errors are the ones check-jsonschema's own
loader finds.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

PACKAGE = "check_jsonschema"


def vendored_schema_path(name: str) -> Path:
    """The file of a schema check-jsonschema vendors (`vendor.github-workflows`)."""
    folder = _package_folder() / "builtin_schemas" / "vendor"
    return folder / f"{name.removeprefix('vendor.')}.json"


def vendored_schema(name: str) -> dict[str, Any]:
    """A schema check-jsonschema vendors, as JSON."""
    schema: dict[str, Any] = json.loads(vendored_schema_path(name).read_bytes())
    return schema


def schema_validator(name: str) -> Any:
    """A jsonschema validator for the vendored schema `name`, as check-jsonschema builds it."""
    _register_package_without_cli()
    import jsonschema.validators  # type: ignore[import-untyped]
    import referencing
    from check_jsonschema.formats import (  # type: ignore[import-untyped]
        FormatOptions,
        make_format_checker,
    )
    from check_jsonschema.regex_variants import (  # type: ignore[import-untyped]
        RegexImplementation,
        RegexVariantName,
    )
    from referencing.jsonschema import DRAFT202012

    schema = vendored_schema(name)
    regex = RegexImplementation(RegexVariantName.default)
    keywords = {
        "pattern": regex.pattern_keyword,
        "patternProperties": regex.patternProperties_keyword,
    }
    validator_class = jsonschema.validators.extend(
        jsonschema.validators.validator_for(schema), keywords
    )
    dialect = schema.get("$schema")
    checker = make_format_checker(
        FormatOptions(regex_impl=regex), dialect if isinstance(dialect, str) else None
    )
    registry: Any = referencing.Registry()
    if isinstance(schema.get("$id"), str):
        resource = referencing.Resource.from_contents(schema, default_specification=DRAFT202012)
        registry = registry.with_resource(uri=schema["$id"], resource=resource)
    return validator_class(schema, registry=registry, format_checker=checker)


def _package_folder() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # finds it without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _register_package_without_cli() -> None:
    """Make `check_jsonschema.<module>` importable without running the package's `__init__`
    (a no-op when something imported the package already)."""
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed")
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)
