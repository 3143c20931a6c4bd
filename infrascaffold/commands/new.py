"""`infrascaffold new`: interview or answers → validated render → atomic write with a record."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import yaml

from infrascaffold.answers.layering import load_answers_file, parse_set_option, public_answers
from infrascaffold.errors import EXIT_OK, WriteError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.tasks import require_trust, run_tasks
from infrascaffold.render.limits import DEFAULT_LIMITS, Limits
from infrascaffold.render.pipeline import generate
from infrascaffold.templating.environment import make_environment
from infrascaffold.user_cache import user_cache_root
from infrascaffold.write.record import record_files
from infrascaffold.write.writer import apply_changes, check_folder, clean_up, refuse_overwrites


def run(
    dest: Path,
    *,
    pack_ref: str,
    answers_file: Path | None,
    sets: tuple[str, ...],
    interactive: bool,
    force: bool,
    dry_run: bool,
    trust: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Render the pack into DEST (or list what would be written with `dry_run`)."""
    check_folder(dest)
    clean_up(dest)  # what a killed earlier run left is not the team's files
    refuse_overwrites(dest, (), force=force)  # an earlier render: refused before the interview
    pack = load_pack(pack_ref, trusted=trust)
    require_trust(pack.tasks, pack.source, trusted=trust)
    provided: dict[str, Any] = load_answers_file(answers_file) if answers_file else {}
    overrides = [parse_set_option(item) for item in sets]
    ask = None
    if interactive:
        from infrascaffold.answers.interview import make_asker

        ask = make_asker(make_environment(pack.search_roots))
    result = generate(pack, provided, overrides, ask, limits=limits)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    public = public_answers(pack, result.answers)
    recorded = record_files(
        pack, public, result.tree, result.decisions, dest=dest, requested=pack_ref
    )
    files = {**result.tree, **recorded}
    try:
        refuse_overwrites(dest, files, force=force)
    except WriteError as exc:
        if interactive:  # an interview's answers are not lost: say where they are kept
            saved = _save_answers(public)
            kept = f"{exc.reason}; your answers are in {saved} (rerun with --answers {saved})"
            raise WriteError(exc.path, kept) from exc
        raise
    if dry_run:
        _print_plan(dest, result.tree, files)
        return EXIT_OK
    apply_changes(dest, files)
    click.echo(f"Rendered {len(result.tree)} files of pack {pack.name} {pack.version} into {dest}")
    run_tasks(pack.tasks, dest)
    return EXIT_OK


def _save_answers(answers: dict[str, Any]) -> Path:
    folder = user_cache_root() / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answers-{time.strftime('%Y%m%d-%H%M%S')}.yml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return path


def _print_plan(dest: Path, tree: dict[str, str], files: dict[str, str]) -> None:
    for path, text in tree.items():
        click.echo(f"{len(text.encode()):>8}  {path}")
    recorded = len(files) - len(tree)
    click.echo(f"dry run: {len(tree)} files (+{recorded} record files) would be written to {dest}")
