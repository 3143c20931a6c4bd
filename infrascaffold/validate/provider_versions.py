"""The provider versions a module accepts (`required_providers`), against the vendored schemas.

When no version a module accepts of aws, google or azurerm is the vendored schema's (it needs a
newer one, or pins an older major), the schema may lack or have dropped what the module uses: its
schema findings for that provider are warnings that name the gap, never errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from infrascaffold.validate.terraform_model import Module

Version = tuple[int, int, int]
_PART = re.compile(r"^\s*(>=|~>|<=|!=|=|>|<|)\s*v?(\d+(?:\.\d+){0,2})")
_SOURCES = {
    "aws": "hashicorp/aws",
    "google": "hashicorp/google",
    "azurerm": "hashicorp/azurerm",
    "vault": "hashicorp/vault",
}
# `aws = { source = "hashicorp/aws", version = "~> 6.0", configuration_aliases = [...] }`: read
# from the text, since an object holding references has no literal value in the model
_ENTRY = re.compile(r"^[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*\{(.*?)\}", re.M | re.S)
_FIELD = r'\b{}[ \t]*=[ \t]*"([^"]*)"'


class Requirement(NamedTuple):
    """What one module's `required_providers` says about one provider."""

    constraint: str
    path: str
    line: int


def version_key(version: str) -> Version:
    """`6.28` → (6, 28, 0), for comparing."""
    parts = [int(part) for part in re.findall(r"\d+", version)[:3]]
    parts += [0] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def _upper(operator: str, number: str) -> Version | None:
    """The exclusive upper bound one constraint part sets, if any."""
    key = version_key(number)
    count = len(number.split("."))
    if operator == "~>":
        if count == 1:
            return None
        if count == 2:
            return key[0] + 1, 0, 0
        return key[0], key[1] + 1, 0
    if operator == "<":
        return key
    if operator in ("<=", "=", ""):
        return key[0], key[1], key[2] + 1
    return None


def allowed_range(constraint: str) -> tuple[Version | None, Version | None]:
    """(lowest allowed, exclusive upper bound) of a constraint such as `>= 5.0, < 7.0`."""
    lowest: Version | None = None
    upper: Version | None = None
    for part in constraint.split(","):
        match = _PART.match(part)
        if match is None or match.group(1) == "!=":
            continue
        operator, number = match.group(1), match.group(2)
        if operator in (">=", ">", "~>", "=", ""):
            key = version_key(number)
            lowest = key if lowest is None else max(lowest, key)
        bound = _upper(operator, number)
        if bound is not None:
            upper = bound if upper is None else min(upper, bound)
    return lowest, upper


def minimum_version(constraint: str) -> str | None:
    """The lowest version a constraint allows (`>= 6.28, < 7` → `6.28`), as written."""
    lowest: str | None = None
    for part in constraint.split(","):
        match = _PART.match(part)
        if match is None or match.group(1) not in (">=", ">", "~>", "=", ""):
            continue
        if lowest is None or version_key(match.group(2)) > version_key(lowest):
            lowest = match.group(2)
    return lowest


def gap(constraint: str, vendored: str) -> bool:
    """Whether no version `constraint` allows is the vendored one."""
    lowest, upper = allowed_range(constraint)
    known = version_key(vendored)
    return (lowest is not None and lowest > known) or (upper is not None and upper <= known)


def requirements(module: Module, files: Mapping[str, str]) -> dict[str, Requirement]:
    """provider → its version constraint for aws/google/azurerm/vault in `required_providers`."""
    found: dict[str, Requirement] = {}
    for path, terraform in module.top_blocks("terraform"):
        lines = files.get(path, "").split("\n")
        for block in terraform.body.blocks_of("required_providers"):
            text = "\n".join(lines[block.line : block.end_line - 1])
            for match in _ENTRY.finditer(text):
                provider = _provider(match.group(1), match.group(2))
                version = re.search(_FIELD.format("version"), match.group(2))
                if provider is not None and version is not None:
                    line = block.line + 1 + text.count("\n", 0, match.start())
                    found[provider] = Requirement(version.group(1), path, line)
    return found


def _provider(name: str, body: str) -> str | None:
    source = re.search(_FIELD.format("source"), body)
    if source is None:
        return name if name in _SOURCES else None
    short = source.group(1).lower().removeprefix("registry.terraform.io/")
    for provider, wanted in _SOURCES.items():
        if short == wanted:
            return provider
    return None
