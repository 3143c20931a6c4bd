"""The pure pipeline shared by `new` and `update`: pack → answers → context → tree → validation."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import Asker, apply_overrides, raise_problems, resolve_answers
from infrascaffold.cost.estimate import budget_warnings, estimate_cost
from infrascaffold.errors import InfrascaffoldError, PackError, RenderError
from infrascaffold.pack.decisions import Decision, log_decisions
from infrascaffold.pack.model import Pack
from infrascaffold.pack.sources import MANIFEST
from infrascaffold.render.context import build_context
from infrascaffold.render.files import Tree, iter_pack_files, render_pack
from infrascaffold.render.limits import DEFAULT_LIMITS, Limits, RenderBudget, time_limit
from infrascaffold.templating.environment import EVALUATION_ERRORS, failure_text, make_environment


@dataclass(frozen=True)
class Generation:
    """The outcome of a render that passed validation: ready to be written or merged."""

    pack: Pack
    answers: Mapping[str, Any]
    tree: Tree
    decisions: tuple[Decision, ...] = ()
    warnings: tuple[str, ...] = ()  # e.g. an estimate over its budget: printed, not fatal


def generate(
    pack: Pack,
    provided: Mapping[str, Any],
    overrides: Sequence[tuple[list[str | int], Any]] = (),
    ask: Asker | None = None,
    previous_decisions: Sequence[Decision] = (),
    limits: Limits = DEFAULT_LIMITS,
    infra_dir: str = ".",
) -> Generation:
    """Resolve and check the answers, render the pack and validate the render.

    `previous_decisions` is the decision log of an earlier render (for `update`). Resolving
    (without an interview) and rendering run within `limits`. `infra_dir`: see `build_context`.
    """
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, provided, list(overrides))
    with time_limit(limits, "answers") if ask is None else nullcontext():
        answers, problems = resolve_answers(pack, env, layered, ask)
        # Every problem at once: missing and mistyped answers, then what the validators find.
        raise_problems(problems + check_answers(pack, env, answers))
    with time_limit(limits):
        tree, decisions = render_answers(
            pack, env, answers, previous_decisions, limits, infra_dir=infra_dir
        )
    check_render(tree, answers.get("environments"), tree_key=parse_key(pack))
    warnings = tuple(budget_warnings(estimate_cost(env, build_context(pack, env, answers))))
    return Generation(pack, answers, tree, decisions, warnings)


def render_answers(
    pack: Pack,
    env: SandboxedEnvironment,
    answers: Mapping[str, Any],
    previous_decisions: Sequence[Decision] = (),
    limits: Limits = DEFAULT_LIMITS,
    *,
    infra_dir: str = ".",
) -> tuple[Tree, tuple[Decision, ...]]:
    """Render resolved answers (no validation): the tree and the updated decision log."""
    deadline = time.monotonic() + limits.max_seconds
    try:
        context = build_context(pack, env, answers, infra_dir)
        decisions = log_decisions(pack.decisions, env, context, previous_decisions)
    except EVALUATION_ERRORS as exc:  # `{{ 1/0 }}` in a context value or a decision
        raise PackError(f"{pack.root / MANIFEST}: context or decisions", failure_text(exc)) from exc
    context["decisions"] = [d.as_dict() for d in decisions]
    estimate = estimate_cost(env, context)  # the docs' cost tables (`infrascaffold cost` too)
    context["cost"] = estimate.as_dict() if estimate else None
    sources = iter_pack_files(pack)  # listed once for both passes
    first = render_pack(pack, env, context, budget=RenderBudget(limits, deadline), sources=sources)
    from infrascaffold.diagram.build import (
        architecture_context,  # heavy (HCL parser): when rendering
    )

    # Docs embed the architecture derived from the rendered Terraform, so they stay true to it:
    # render, derive, then render what waits for it (rules with `when: architecture is defined`);
    # files of the first pass keep their text.
    prefetch_parses(first, parse_key(pack))
    try:
        context["architecture"] = architecture_context(first, context.get("all_services") or ())
    except InfrascaffoldError:
        check_render(first)  # a render that cannot be read: report the findings that say why
        raise
    budget = RenderBudget(limits, deadline)
    second = render_pack(pack, env, context, keep=first, budget=budget, sources=sources)
    return second, tuple(decisions)


def parse_key(pack: Pack) -> str:
    """The name of a pack's renders in the parse cache: one bundle holds the parses of its last
    render (a cold render stores one file, not one per rendered HCL file; the next render of the
    pack reads it once and parses only what changed)."""
    return f"render:{pack.root}"


def prefetch_parses(tree: Tree, tree_key: str) -> None:
    """Parse the render's Terraform and tfvars in one call, kept in this process for the diagram
    and the validation that follow: read from the pack's parse bundle, which the validation
    writes (the whole render, once)."""
    from infrascaffold.validate.parse_cache import parse_all

    parse_all(
        {p: t for p, t in tree.items() if p.endswith((".tf", ".tfvars"))},
        remember=True,
        tree_key=tree_key,
        write=False,
    )


def check_render(tree: Tree, environments: Any = None, *, tree_key: str | None = None) -> None:
    """Refuse a render with validation errors: a template bug must never reach the disk.

    `environments` (the answers' list) names the environments whose networks are compared;
    `tree_key` names the render's parse bundle (`parse_key`).
    """
    from infrascaffold.validate import validate_tree
    from infrascaffold.validate.settings import Settings, environment_names

    # everything rendered is validated, test folders included
    settings = Settings(include=("*",), environment_names=environment_names(environments))
    found = validate_tree(tree, settings=settings, tree_key=tree_key)
    errors = [f for f in found if f.severity == "error"]
    if errors:
        lines = [f.format_text() for f in errors]
        raise RenderError(
            "render",
            f"the rendered files fail validation ({len(errors)} error(s)); nothing was written:\n"
            + "\n".join(lines),
        )
