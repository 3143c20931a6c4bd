"""`infrascaffold cost`: the monthly cost estimate of a render, from its recorded answers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import apply_overrides, raise_problems, resolve_answers
from infrascaffold.commands.update import pack_ref_of
from infrascaffold.cost.estimate import estimate_cost
from infrascaffold.cost.model import Estimate
from infrascaffold.cost.report import format_environment, format_json, format_summary
from infrascaffold.errors import EXIT_OK, InfrascaffoldError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.model import Pack
from infrascaffold.render.context import build_context
from infrascaffold.templating.environment import make_environment
from infrascaffold.write.record import load_record

FORMATS = ("text", "json")


def run(directory: Path, env_name: str | None, output_format: str) -> int:
    """Print the estimate of the render in `directory` (one environment's lines with `env_name`)."""
    if output_format not in FORMATS:
        raise InfrascaffoldError(
            "--format", f"unknown format {output_format!r} (known: text, json)"
        )
    if not directory.is_dir():
        raise InfrascaffoldError(str(directory), "no such folder")
    record = load_record(directory)
    pack = load_pack(pack_ref_of(record, directory))
    estimate = estimate_of(pack, record.answers)
    if estimate is None:
        raise InfrascaffoldError(str(directory), f"pack {pack.name} has no cost model")
    env = None
    if env_name is not None:
        env = estimate.environment(env_name)
        if env is None:
            known = ", ".join(e.name for e in estimate.environments)
            raise InfrascaffoldError("--env", f"no environment {env_name!r} (known: {known})")
    if output_format == "json":
        click.echo(format_json(estimate, env), nl=False)
    else:
        click.echo(format_environment(estimate, env) if env else format_summary(estimate), nl=False)
    return EXIT_OK


def estimate_of(pack: Pack, recorded: Mapping[str, Any]) -> Estimate | None:
    """The estimate of recorded answers, resolved as a render resolves them (defaults filled)."""
    env = make_environment(pack.search_roots)
    layered = apply_overrides(pack, dict(recorded), [])
    answers, problems = resolve_answers(pack, env, layered)
    raise_problems(problems + check_answers(pack, env, answers))
    return estimate_cost(env, build_context(pack, env, answers))
