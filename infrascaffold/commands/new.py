"""`infrascaffold new`: interview or answers → validated render → atomic write with a record."""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

import click
import yaml

from infrascaffold.answers.estimate import in_estimate_file, load_estimate
from infrascaffold.answers.hints import with_how_to_give
from infrascaffold.answers.layering import (
    apply_overrides,
    load_answers_file,
    parse_set_option,
    public_answers,
)
from infrascaffold.errors import (
    EXIT_OK,
    AnswerError,
    LimitError,
    PackError,
    RenderError,
    WriteError,
)
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.model import Pack
from infrascaffold.pack.tasks import require_trust, run_tasks
from infrascaffold.render.limits import DEFAULT_LIMITS, Limits
from infrascaffold.render.message import render_message_after
from infrascaffold.render.pipeline import Generation, generate
from infrascaffold.templating.environment import make_environment
from infrascaffold.user_cache import user_cache_root
from infrascaffold.write.ci_root import Placement, choose_placement, refuse_foreign_root_files
from infrascaffold.write.journal import RootChanges
from infrascaffold.write.record import record_files
from infrascaffold.write.writer import apply_changes, check_folder, clean_up, refuse_overwrites


def run(
    dest: Path,
    *,
    pack_ref: str,
    answers_file: Path | None,
    sets: tuple[str, ...],
    interactive: bool,
    estimate_file: Path | None = None,
    force: bool,
    dry_run: bool,
    trust: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    quiet: bool = False,
    verbose: bool = False,
    ci_at_root: bool | None = None,
) -> int:
    """Render the pack into DEST (or list what would be written with `dry_run`).

    Then print what was written (`verbose`: `create PATH` per file) and the pack's next steps
    (`message_after:`), unless `quiet`. The CI files go to the root of the git repository holding
    DEST when DEST is inside one (`ci_at_root`: the user's choice, None when not given).
    """
    check_folder(dest)
    clean_up(dest)  # what a killed earlier run left is not the team's files
    refuse_overwrites(dest, (), force=force)  # an earlier render: refused before the interview
    placement = choose_placement(dest, ci_at_root)
    pack = load_pack(pack_ref, trusted=trust)
    require_trust(pack.tasks, pack.source, trusted=trust)
    provided: dict[str, Any] = load_answers_file(answers_file) if answers_file else {}
    if estimate_file:  # recorded as the `estimate` answer, so `update` re-applies it
        provided["estimate"] = load_estimate(estimate_file)
    overrides = [parse_set_option(item) for item in sets]
    try:
        if interactive:
            result = _interview(
                pack, apply_overrides(pack, provided, overrides), dest, pack_ref, limits, placement
            )
        else:
            result = _generate(pack, provided, overrides, limits, placement)
    except AnswerError as exc:
        raise in_estimate_file(exc, estimate_file, provided.get("estimate") or []) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    public = public_answers(pack, result.answers)
    recorded = record_files(
        pack,
        public,
        result.tree,
        result.decisions,
        dest=dest,
        requested=pack_ref,
        placement=placement,
    )
    files, at_root = placement.split({**result.tree, **recorded})
    try:
        refuse_overwrites(dest, files, force=force)
        refuse_foreign_root_files(dest, placement, list(at_root))
    except WriteError as exc:
        if interactive:  # an interview's answers are not lost: say where they are kept
            saved = _save_answers(public)
            kept = f"{exc.reason}; your answers are in {saved} (rerun with --answers {saved})"
            raise WriteError(exc.path, kept) from exc
        raise
    if dry_run:
        _print_plan(dest, result.tree, len(files) + len(at_root), placement)
        _report_placement(dest, placement, at_root, planned=True)
        return EXIT_OK
    # the message fails before anything is written
    message = render_message_after(pack, result.answers, str(dest), limits, placement.infra_dir)
    root = placement.root(dest)
    apply_changes(dest, files, root=RootChanges(root, at_root) if root and at_root else None)
    _report(result, dest, placement, quiet=quiet, verbose=verbose)
    if not quiet:
        _report_placement(dest, placement, at_root, planned=False)
    run_tasks(pack.tasks, dest)
    if message and not quiet:
        click.echo(f"\n{message}")
    return EXIT_OK


def _generate(
    pack: Pack,
    provided: dict[str, Any],
    overrides: list[tuple[list[str | int], Any]],
    limits: Limits,
    placement: Placement,
) -> Generation:
    """`generate` without an interview: missing answers say how to give them."""
    try:
        return generate(pack, provided, overrides, limits=limits, infra_dir=placement.infra_dir)
    except AnswerError as exc:
        raise with_how_to_give(exc) from exc


def _interview(
    pack: Pack,
    provided: dict[str, Any],
    dest: Path,
    pack_ref: str,
    limits: Limits,
    placement: Placement,
) -> Generation:
    """Ask, render, review (`Write N files to DEST? [Y/n/edit]`), change answers, render again."""
    from infrascaffold.answers import review
    from infrascaffold.answers.interview import make_asker

    env = make_environment(pack.search_roots)
    ask = make_asker(env)
    answers = review.interview_answers(pack, env, provided, ask)
    while True:
        result = _render_keeping_answers(pack, answers, dest, pack_ref, limits, placement)
        choice = review.review(pack, result.answers, len(result.tree), _where(dest, placement))
        if choice == review.WRITE:
            return result
        if choice == review.CANCEL:
            raise click.Abort
        answers = review.revise_answer(pack, env, result.answers, choice, ask)


def _render_keeping_answers(
    pack: Pack,
    answers: dict[str, Any],
    dest: Path,
    pack_ref: str,
    limits: Limits,
    placement: Placement,
) -> Generation:
    """Render an interview's answers; if that fails, they are saved and the error says where."""
    try:
        return generate(pack, answers, limits=limits, infra_dir=placement.infra_dir)
    except (RenderError, PackError, LimitError) as exc:
        saved = _save_answers(public_answers(pack, answers))
        rerun = ["infrascaffold", "new", str(dest), "--answers", str(saved)]
        rerun += ["--pack", pack_ref] if pack_ref != "platform" else []
        kept = f"{exc.reason}; your answers are in {saved}: once fixed, run {shlex.join(rerun)}"
        raise type(exc)(exc.path, kept) from exc


def _report(
    result: Generation, dest: Path, placement: Placement, *, quiet: bool, verbose: bool
) -> None:
    if verbose:  # paths relative to DEST: ../.github/workflows/… for the CI files at the root
        for path in sorted(result.tree):
            click.echo(f"create {placement.disk_path(path)}")
    if not quiet:
        pack = result.pack
        count = len(result.tree)
        click.echo(f"Rendered {count} files of pack {pack.name} {pack.version} into {dest}")


def _where(dest: Path, placement: Placement) -> str:
    """DEST for the review's question, and the root when the CI files go there."""
    root = placement.root(dest)
    return f"{dest} (CI files at the repository root {root})" if root else str(dest)


def _report_placement(
    dest: Path, placement: Placement, at_root: dict[str, str], *, planned: bool
) -> None:
    """Say where the CI files went: the repository root, with the jobs pointed at DEST."""
    root = placement.root(dest)
    if root is None or not at_root:
        return
    folders = sorted({"/".join(rel.split("/")[:2]) if "/" in rel else rel for rel in at_root})
    verb = "would go" if planned else "went"
    click.echo(
        f"CI files ({len(at_root)}) {verb} to the repository root {root.resolve()}: "
        f"{', '.join(folders)} (their jobs work in {placement.infra_dir}/; "
        "--no-ci-at-root keeps them in DEST)"
    )


def _save_answers(answers: dict[str, Any]) -> Path:
    folder = user_cache_root() / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"answers-{time.strftime('%Y%m%d-%H%M%S')}.yml"
    path.write_text(yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
    return path


def _print_plan(dest: Path, tree: dict[str, str], count: int, placement: Placement) -> None:
    for path, text in tree.items():
        click.echo(f"{len(text.encode()):>8}  {placement.disk_path(path)}")
    recorded = count - len(tree)
    click.echo(f"dry run: {len(tree)} files (+{recorded} record files) would be written to {dest}")
