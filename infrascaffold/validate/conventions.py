"""Check 5: module conventions (warnings).

Every module pins `required_version` and gives every entry of `required_providers` a version
constraint; every root module configures a backend (or `cloud`); variables have a `type` and a
`description`; outputs have a `description`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.terraform_model import Module, root_modules

REQUIRED_VERSION = "required-version"
PROVIDER_VERSION = "provider-version"
BACKEND = "backend"
VARIABLE_TYPE = "variable-type"
VARIABLE_DESCRIPTION = "variable-description"
OUTPUT_DESCRIPTION = "output-description"


def check(repo: Repo) -> Iterator[Finding]:
    """Convention findings of every module, all warnings."""
    roots = {module.dir for module in root_modules(repo.modules)}
    for module in repo.modules.values():
        yield from _versions(module, repo.files)
        if module.dir in roots:
            yield from _backend(module)
        yield from _descriptions(module)


def _warning(check: str, path: str, line: int, message: str) -> Finding:
    return Finding(check, path, line, message, "warning")


def _versions(module: Module, files: Mapping[str, str]) -> Iterator[Finding]:
    blocks = list(module.top_blocks("terraform"))
    if not any(block.body.attr("required_version") for _, block in blocks):
        message = f"module {module.label} has no terraform {{ required_version = ... }}"
        yield _warning(REQUIRED_VERSION, module.first_file(), 1, message)
    for path, block in blocks:
        for providers in block.body.blocks_of("required_providers"):
            for entry in providers.body.attrs:
                pinned = isinstance(entry.value, str) or (
                    isinstance(entry.value, dict) and "version" in entry.value
                )
                if not pinned and not entry.literal:  # an object holding references
                    pinned = _has_version(files.get(path, ""), entry.line)
                if not pinned:
                    message = (
                        f"provider {entry.name!r} in required_providers has no version constraint"
                    )
                    yield _warning(PROVIDER_VERSION, path, entry.line, message)


def _has_version(text: str, line: int) -> bool:
    """Whether the object starting on `line` (`aws = { ... }`) sets `version`."""
    lines = text.split("\n")[line - 1 :]
    for number, content in enumerate(lines):
        if re.match(r"\s*version\s*=", content) or (number == 0 and "version" in content):
            return True
        if "}" in content:
            return False
    return False


def _backend(module: Module) -> Iterator[Finding]:
    for _, block in module.top_blocks("terraform"):
        if block.body.blocks_of("backend") or block.body.blocks_of("cloud"):
            return
    message = f"root module {module.label} has no backend: its state would stay on one machine"
    yield _warning(BACKEND, module.first_file(), 1, message)


def _descriptions(module: Module) -> Iterator[Finding]:
    for path, block in module.top_blocks("variable"):
        name = block.labels[0] if block.labels else "?"
        if block.body.attr("type") is None:
            yield _warning(VARIABLE_TYPE, path, block.line, f"variable {name!r} has no type")
        if block.body.attr("description") is None:
            yield _warning(
                VARIABLE_DESCRIPTION, path, block.line, f"variable {name!r} has no description"
            )
    for path, block in module.top_blocks("output"):
        name = block.labels[0] if block.labels else "?"
        if block.body.attr("description") is None:
            yield _warning(
                OUTPUT_DESCRIPTION, path, block.line, f"output {name!r} has no description"
            )
