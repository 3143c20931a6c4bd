"""The pack's `message_after:`: what to do first, printed once `new` has written the render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infrascaffold.errors import PackError, escaped, safe_lines
from infrascaffold.pack.model import Pack
from infrascaffold.pack.sources import MANIFEST
from infrascaffold.render.context import build_context
from infrascaffold.render.limits import DEFAULT_LIMITS, Limits, time_limit
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    failure_text,
    make_environment,
    render_string,
)


def render_message_after(
    pack: Pack,
    answers: Mapping[str, Any],
    dest: str,
    limits: Limits = DEFAULT_LIMITS,
    infra_dir: str = ".",
) -> str:
    """The message over the answers, the pack's `context:` values and `dest` (DEST as given).

    Safe to print: a value interpolated into it has its control, line-break and bidi characters
    escaped (an answer can neither start a line nor move the cursor), and the pack's own text
    keeps only its line breaks. A message that fails to render is the pack's error, raised
    before anything is written.
    """
    if not pack.message_after.strip():
        return ""
    where = f"{pack.root / MANIFEST}: message_after"
    terminal = make_environment()  # its own: `finalize` is compiled into what it compiles
    terminal.finalize = _interpolated
    try:
        with time_limit(limits, where):
            env = make_environment(pack.search_roots)
            context = build_context(pack, env, answers, infra_dir)
            text = render_string(terminal, pack.message_after, {**context, "dest": dest})
    except EVALUATION_ERRORS as exc:
        raise PackError(where, failure_text(exc)) from exc
    return safe_lines(text.strip("\n"))


def _interpolated(value: Any) -> str:
    return escaped(str(value))
