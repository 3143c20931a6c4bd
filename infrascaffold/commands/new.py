"""`infrascaffold new`: interview or answers → validated render → atomic write with a record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from infrascaffold.answers import load_answers_file, parse_set_option, public_answers
from infrascaffold.errors import EXIT_OK
from infrascaffold.generate import generate
from infrascaffold.jinja_env import make_environment
from infrascaffold.pack import load_pack
from infrascaffold.record import record_files
from infrascaffold.tasks import require_trust, run_tasks
from infrascaffold.writer import check_destination, write_tree


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
) -> int:
    """Render the pack into DEST (or list what would be written with `dry_run`)."""
    check_destination(dest, force=force)
    pack = load_pack(pack_ref)
    require_trust(pack.tasks, pack.source, trusted=trust)
    provided: dict[str, Any] = load_answers_file(answers_file) if answers_file else {}
    overrides = [parse_set_option(item) for item in sets]
    ask = None
    if interactive:
        from infrascaffold.interview import make_asker

        ask = make_asker(make_environment(pack.search_roots))
    result = generate(pack, provided, overrides, ask)
    public = public_answers(pack, result.answers)
    recorded = record_files(
        pack, public, result.tree, result.decisions, dest=dest, requested=pack_ref
    )
    files = {**result.tree, **recorded}
    if dry_run:
        _print_plan(dest, result.tree, files)
        return EXIT_OK
    write_tree(dest, files, force=force)
    click.echo(f"Rendered {len(result.tree)} files of pack {pack.name} {pack.version} into {dest}")
    run_tasks(pack.tasks, dest)
    return EXIT_OK


def _print_plan(dest: Path, tree: dict[str, str], files: dict[str, str]) -> None:
    for path, text in tree.items():
        click.echo(f"{len(text.encode()):>8}  {path}")
    recorded = len(files) - len(tree)
    click.echo(f"dry run: {len(tree)} files (+{recorded} record files) would be written to {dest}")
