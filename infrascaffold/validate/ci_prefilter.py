"""A fast first verdict on a CI document: jsonschema-rs says "valid" without loading jsonschema.

Building check-jsonschema's validator (`ci_validator`) imports jsonschema, referencing and attrs
(~40 ms) for a verdict that, on a team's own workflows, is nearly always "no errors". Here the
same vendored schema is compiled by `jsonschema_rs` (Rust, ~12 ms with its import) and only asks
whether a document is valid. When it is, there are no errors to report; when it is not, or when
this look cannot be trusted, `ci_files` runs check-jsonschema's validator as before, so every
error reported is still jsonschema's (paths and messages).

The verdicts must agree exactly, not only in one direction: inside `oneOf` or `not`, a stricter
sub-check can turn a parent's failure into a pass. Both libraries follow the JSON Schema test
suite; where they may differ, this look steps aside:

- `pattern` is judged by `regress` with the `u` flag, exactly as check-jsonschema's default
  regex variant does (`regex_variants._RegressImplementation`), through a custom keyword;
- `patternProperties` (which `additionalProperties` reads too, with jsonschema-rs's own regex
  engine) must use only `VERIFIED_PROPERTY_PATTERNS`: ASCII literals, classes of ASCII ranges,
  groups, alternation, `*`/`?` and anchors, which ECMAScript and Rust's regex read alike;
- a schema with a `format` is not taken (check-jsonschema's format checks depend on the
  packages installed): GitLab's schema has some, GitHub's none;
- a document with a value JSON cannot hold (a non-string key, a non-finite float, an integer
  beyond 64 bits) is not taken, nor is anything jsonschema-rs refuses or fails on.

`tests/validate/test_ci_prefilter.py` compares the verdicts on the CI files of the examples and
of real repositories and on hundreds of broken variants of them.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from infrascaffold.validate.ci_validator import vendored_schema

# Every `patternProperties` key of the vendored GitHub workflow schema (check-jsonschema 0.39),
# read and found to match the same names under ECMAScript and Rust regular expressions.
VERIFIED_PROPERTY_PATTERNS = frozenset(
    {"^[_a-zA-Z][a-zA-Z0-9_-]*$", "^(in|ex)clude$", "^branches(-ignore)?$"}
)
_INT64 = 2**63


def surely_valid(schema_name: str, data: Any) -> bool:
    """True when `data` is valid under the vendored schema `schema_name` as check-jsonschema
    judges it; False when it is not or may not be (the full validator then decides)."""
    validator = _validator(schema_name)
    if validator is None or not _json_like(data):
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:  # noqa: BLE001 (jsonschema-rs raises its own and Python's errors)
        return False


@functools.cache
def _validator(schema_name: str) -> Any:
    """jsonschema-rs's validator for the schema, or None when it is not to be trusted here."""
    schema = vendored_schema(schema_name)
    if not trusted_schema(schema):
        return None
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.validator_for(
            schema, keywords={"pattern": EcmaPattern}, validate_formats=False, offline=True
        )
    except Exception:  # noqa: BLE001 (another release's API, a schema it refuses)
        return None


class EcmaPattern:
    """The `pattern` keyword as check-jsonschema checks it: `regress` (ECMAScript, `u` flag)
    finds the pattern somewhere in a string; other types pass."""

    def __init__(self, parent_schema: dict[str, Any], value: str, schema_path: list[Any]) -> None:
        import regress

        self.pattern = value
        self.regex = regress.Regex(value, flags="u")

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not self.regex.find(instance):
            raise ValueError(f"{instance!r} does not match {self.pattern!r}")


def trusted_schema(schema: Any) -> bool:
    """Whether jsonschema-rs judges `schema` as check-jsonschema does: no `format` anywhere and
    only verified `patternProperties` (see the module's docstring)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if isinstance(node.get("format"), str):
                return False
            patterns = node.get("patternProperties")
            if isinstance(patterns, dict) and not patterns.keys() <= VERIFIED_PROPERTY_PATTERNS:
                return False
            stack.extend(node.values())
    return True


def _json_like(data: Any) -> bool:
    """Whether `data` holds only what JSON holds and both libraries read alike."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(isinstance(key, str) for key in node):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, bool) or node is None or isinstance(node, str):
            continue
        elif isinstance(node, int):
            if not -_INT64 <= node < _INT64:
                return False
        elif not isinstance(node, float) or not math.isfinite(node):
            return False
    return True
