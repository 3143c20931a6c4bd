"""Comparing semantic versions (pack versions, the tool's own)."""

from __future__ import annotations

import re


def version_tuple(version: str) -> tuple[int, ...]:
    """`1.2.3-rc.1` → (1, 2, 3); unparsable versions sort first."""
    core = re.split(r"[-+]", version.strip().lstrip("v"))[0]
    try:
        return tuple(int(part) for part in core.split("."))
    except ValueError:
        return (0,)
