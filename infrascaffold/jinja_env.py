"""The one Jinja environment every pack renders in: sandboxed, strict, newline-preserving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.escaping import FILTERS


def make_environment(roots: Sequence[Path] = ()) -> SandboxedEnvironment:
    """A sandboxed, StrictUndefined environment loading templates from the pack's roots only."""
    loader = jinja2.FileSystemLoader([str(r) for r in roots], followlinks=False) if roots else None
    env = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def evaluate(env: SandboxedEnvironment, expression: str, context: Mapping[str, Any]) -> Any:
    """Evaluate a Jinja expression (a `when` condition, a validator) over `context`."""
    compiled = env.compile_expression(expression, undefined_to_none=False)
    return compiled(**context)


def render_string(env: SandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str:
    """Render a short template string (a default, a path segment) over `context`."""
    return env.from_string(source).render(**context)
