"""The one Jinja environment every pack renders in: sandboxed, strict, newline-preserving."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.escaping import FILTERS
from infrascaffold.user_cache import user_cache_root


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept across runs; a cache that cannot be written is simply skipped."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    folder = user_cache_root() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder))


def make_environment(roots: Sequence[Path] = ()) -> SandboxedEnvironment:
    """A sandboxed, StrictUndefined environment loading templates from the pack's roots only.

    Every template stays compiled for the whole run (packs render twice, see generate.py), and
    compiled templates are cached across runs in the user cache folder.
    """
    loader = jinja2.FileSystemLoader([str(r) for r in roots], followlinks=False) if roots else None
    env = SandboxedEnvironment(
        loader=loader,
        cache_size=-1,
        bytecode_cache=_bytecode_cache() if roots else None,
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
    return _compiled_expression(env, expression)(**context)


def render_string(env: SandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str:
    """Render a short template string (a default, a path segment) over `context`."""
    return _compiled_string(env, source).render(**context)


# Conditions, defaults and path segments are evaluated once per file and per item: compile each
# once per environment.
_EXPRESSIONS: weakref.WeakKeyDictionary[SandboxedEnvironment, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)
_STRINGS: weakref.WeakKeyDictionary[SandboxedEnvironment, dict[str, jinja2.Template]] = (
    weakref.WeakKeyDictionary()
)


def _compiled_expression(env: SandboxedEnvironment, expression: str) -> Any:
    cache = _EXPRESSIONS.setdefault(env, {})
    if expression not in cache:
        cache[expression] = env.compile_expression(expression, undefined_to_none=False)
    return cache[expression]


def _compiled_string(env: SandboxedEnvironment, source: str) -> jinja2.Template:
    cache = _STRINGS.setdefault(env, {})
    if source not in cache:
        cache[source] = env.from_string(source)
    return cache[source]
