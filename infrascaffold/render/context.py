"""The template context: what every template of a pack can refer to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold import __version__
from infrascaffold.errors import RenderError
from infrascaffold.pack.model import Pack
from infrascaffold.templating.environment import evaluate


def build_context(
    pack: Pack, env: SandboxedEnvironment, answers: Mapping[str, Any], infra_dir: str = "."
) -> dict[str, Any]:
    """Answers, pack data and metadata, then the manifest's computed `context:` values in order.

    A question skipped by its `when` condition is in the context as `none`, so templates and
    rules can test it without tripping StrictUndefined. `infra_dir` is DEST relative to the
    folder its CI files run from (`.`, or like `infra` when they are at the repository root).
    """
    context: dict[str, Any] = {
        **{q.key: None for q in pack.questions},
        **answers,
        "data": pack.data,
        "pack": {"name": pack.name, "version": pack.version},
        "infrascaffold_version": __version__,
        "infra_dir": infra_dir,
    }
    for name, expression in pack.context:
        try:
            context[name] = evaluate(env, expression, context)
        except jinja2.TemplateError as exc:
            raise RenderError(f"pack.yaml: context.{name}", str(exc)) from exc
    return context
