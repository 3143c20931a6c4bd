"""Which files of a tree are configuration to validate, and which are not.

Not configuration (unless `include`d): files under `tests/`, `test/`, `fixtures/` (so also
`examples/*/fixtures/`) and `.terraform/` folders, paths the settings `exclude`, and the
templates `templatefile()` renders (`templates/user-data.yaml` is a template, not YAML).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterable, Mapping

from infrascaffold.validate.settings import Settings

NOT_CONFIG_DIRS = frozenset({"tests", "test", "fixtures", ".terraform"})
_TEMPLATEFILE = re.compile(r'\btemplatefile\(\s*"([^"]+)"')
_PATH_PREFIX = re.compile(r"^\$\{path\.(module|root|cwd)\}/?")


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether `path` matches a glob (`*` crosses folders) or lies in a named folder."""
    for pattern in patterns:
        folder = pattern.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern) or path.startswith(folder + "/"):
            return True
    return False


def in_scope(path: str, settings: Settings) -> bool:
    """Whether `path` is validated at all."""
    if matches(path, settings.exclude):
        return False
    if NOT_CONFIG_DIRS & set(path.split("/")[:-1]):
        return matches(path, settings.include)
    return True


def template_sources(tree: Mapping[str, str]) -> frozenset[str]:
    """The files `templatefile("...")` calls in the tree's `.tf` files name (tree paths)."""
    found: set[str] = set()
    for path, text in tree.items():
        if not path.endswith(".tf") or "templatefile" not in text:
            continue
        folder = posixpath.dirname(path)
        for argument in _TEMPLATEFILE.findall(text):
            prefix = _PATH_PREFIX.match(argument)
            base = folder if prefix is None or prefix.group(1) == "module" else ""
            relative = argument[prefix.end() :] if prefix else argument
            if "${" not in relative:
                found.add(posixpath.normpath(posixpath.join(base, relative)))
    return frozenset(found)
