"""The provider versions a module asks for (`required_providers`), against the vendored schemas.

When a module's lowest acceptable version of aws, google or azurerm is newer than the vendored
schema, the schema may lack what that version added: its schema findings for that provider are
warnings that name the gap, never errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from infrascaffold.validate.terraform_model import Module

_CONSTRAINT = re.compile(r"^\s*(>=|~>|=|>|)?\s*v?(\d+(?:\.\d+){0,2})")
_SOURCES = {"aws": "hashicorp/aws", "google": "hashicorp/google", "azurerm": "hashicorp/azurerm"}


def version_key(version: str) -> tuple[int, ...]:
    """`6.28` → (6, 28, 0), for comparing."""
    parts = [int(part) for part in re.findall(r"\d+", version)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def minimum_version(constraint: str) -> str | None:
    """The lowest version a constraint allows (`>= 6.28, < 7` → `6.28`), if it bounds one."""
    lowest: str | None = None
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part)
        if match is None or part.strip().startswith(("<", "!=")):
            continue
        if lowest is None or version_key(match.group(2)) > version_key(lowest):
            lowest = match.group(2)
    return lowest


def required_minimums(module: Module) -> dict[str, tuple[str, int, str]]:
    """provider → (lowest version, file, line) for aws/google/azurerm in `required_providers`."""
    found: dict[str, tuple[str, int, str]] = {}
    for path, terraform in module.top_blocks("terraform"):
        for block in terraform.body.blocks_of("required_providers"):
            for attr in block.body.attrs:
                spec = attr.value if attr.literal else None
                provider = _provider(attr.name, spec)
                if provider is None or not isinstance(spec, Mapping):
                    continue
                lowest = minimum_version(str(spec.get("version", "")))
                if lowest is not None:
                    found[provider] = (lowest, attr.line, path)
    return found


def _provider(name: str, spec: object) -> str | None:
    source = spec.get("source") if isinstance(spec, Mapping) else None
    if isinstance(source, str):
        short = source.lower().removeprefix("registry.terraform.io/")
        for provider, wanted in _SOURCES.items():
            if short == wanted:
                return provider
        return None
    return name if name in _SOURCES else None


def newer_than(required: str, vendored: str) -> bool:
    """Whether `required` is a later version than `vendored`."""
    return version_key(required) > version_key(vendored)
