"""`infrascaffold update` (alias `regen`): re-render from the record and merge the team's edits."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from infrascaffold.answers.estimate import in_estimate_file, load_estimate
from infrascaffold.answers.hints import with_how_to_give
from infrascaffold.answers.layering import (
    Asker,
    apply_overrides,
    load_answers_file,
    parse_set_option,
    public_answers,
)
from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK, AnswerError, InfrascaffoldError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.migrations import migrate_answers
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question
from infrascaffold.pack.releases import Upgrade, newer_release, pack_reference
from infrascaffold.render.limits import DEFAULT_LIMITS, Limits
from infrascaffold.render.pipeline import generate
from infrascaffold.templating.environment import make_environment
from infrascaffold.update.git_unmerged import ConflictSides, register_unmerged
from infrascaffold.update.lines import has_conflict_markers
from infrascaffold.update.plan import UpdatePlan, plan_update
from infrascaffold.update.review import merged_tree, refuse_rebuild, review_merged
from infrascaffold.validate import Finding
from infrascaffold.write.ci_root import (
    IN_DEST,
    Placement,
    check_recorded_root,
    choose_placement,
    is_ci_entry_point,
    refuse_foreign_root_files,
)
from infrascaffold.write.journal import RootChanges
from infrascaffold.write.record import Record, load_record, record_files
from infrascaffold.write.writer import apply_changes, clean_up


@dataclass(frozen=True)
class UpdateOptions:
    """The options of one `update` run."""

    pack_ref: str | None = None
    answers_file: Path | None = None
    estimate_file: Path | None = None  # --estimate: replaces the recorded `estimate` answer
    sets: tuple[str, ...] = ()
    recreate_deleted: bool = False
    dry_run: bool = False
    show_diff: bool = False
    check: bool = False
    output_format: str = "text"
    allow_rebuild: bool = False
    interactive: bool = False  # ask new questions in the terminal (as `new` does)
    reask: bool = False  # ask every question, recorded answers as defaults
    changes: Mapping[str, Any] = field(default_factory=dict)  # answers set by `env add|remove`
    trust: bool = False  # the pack may extend a remote (git) pack, as `new --trust`
    limits: Limits = DEFAULT_LIMITS  # bounds of the render, as `new --max-*`
    ci_at_root: bool | None = None  # move the CI files to the repository root (or back to DEST)


def run(directory: Path, options: UpdateOptions) -> int:
    """Update DIRECTORY; exit 1 when conflicts or merged errors remain (or, with --check, stale)."""
    if not directory.is_dir():
        raise InfrascaffoldError(str(directory), "no such folder")
    clean_up(directory)  # roll back a killed earlier run before reading the team's files
    record = load_record(directory)
    check_recorded_root(directory, record.placement)
    placement = _target_placement(directory, record, options.ci_at_root)
    marked = files_with_markers(directory, record)
    if options.check and marked:
        return _report_markers(marked, options.output_format)
    refuse_unresolved_conflicts(marked)
    pack = load_pack(options.pack_ref or pack_ref_of(record, directory), trusted=options.trust)
    recorded = migrate_answers(record.answers, record.pack_version, pack.migrations)
    given = load_answers_file(options.answers_file) if options.answers_file else {}
    given.update(options.changes)
    if options.estimate_file:
        given["estimate"] = load_estimate(options.estimate_file)
    overrides = [parse_set_option(item) for item in options.sets]
    wanted = apply_overrides(pack, {**recorded, **given}, overrides)
    refuse_rebuild(record.answers, wanted, allowed=options.allow_rebuild)
    ask = _asker(pack, recorded, options) if options.interactive else None
    # --reask in a terminal asks every question, the recorded answers as defaults.
    provided = dict(given) if options.reask and ask else {**recorded, **given}
    try:
        result = generate(
            pack,
            provided,
            overrides,
            ask,
            previous_decisions=record.decisions,
            limits=options.limits,
            infra_dir=placement.infra_dir,
        )
    except AnswerError as exc:
        exc = in_estimate_file(exc, options.estimate_file, given.get("estimate") or [])
        raise (exc if ask else with_how_to_give(exc)) from exc
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    ours = _read_yours(directory, record, placement, result.tree)
    plan = plan_update(record.base, ours, result.tree, recreate_deleted=options.recreate_deleted)
    upgrade = newer_release(record.pack_meta, pack.version)
    if options.check:
        return _report_check(plan, pack, record, options.output_format, upgrade)
    findings = review_merged(merged_tree(ours, plan), result.tree)
    _report(plan, pack, record, options, findings)
    if upgrade and options.output_format == "text":
        click.echo(upgrade.notice(pack.name, pack.version))
    if options.show_diff:
        _print_diff(plan, ours)
    _report_move(directory, record.placement, placement, options)
    if not options.dry_run:
        new_record = record_files(
            pack,
            public_answers(pack, result.answers),
            result.tree,
            result.decisions,
            dest=directory,
            requested=options.pack_ref or _recorded_request(record),
            placement=placement,
        )
        _write(directory, record, placement, plan, ours, new_record, result.tree)
        _register_conflicts(directory, plan, record, placement, ours, result.tree)
    failed = plan.conflicts or any(f.severity == "error" for f in findings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _target_placement(directory: Path, record: Record, ci_at_root: bool | None) -> Placement:
    """The recorded placement, or the one `--ci-at-root` / `--no-ci-at-root` moves to."""
    if ci_at_root is None or ci_at_root == record.placement.at_root:
        return record.placement
    return choose_placement(directory, True) if ci_at_root else IN_DEST


def _report_move(
    directory: Path, recorded: Placement, placement: Placement, options: UpdateOptions
) -> None:
    if placement == recorded or options.output_format != "text":
        return
    root = placement.root(directory)
    where = f"to the repository root {root}" if root else f"back into {directory}"
    verb = "would move" if options.dry_run else "moved"
    click.echo(f"{'dry run: ' if options.dry_run else ''}the CI files {verb} {where}")


def _read_yours(
    directory: Path, record: Record, placement: Placement, theirs: Mapping[str, str]
) -> dict[str, str]:
    """The team's files, where the record puts them; refuses root files the tool did not write.

    Moving the CI files (`placement` is not the recorded one), a generated CI file missing at
    its recorded place but present at the new one was moved there by hand: it is "yours".
    """
    paths = set(record.base) | set(theirs)
    ours = read_files(directory, paths, record.placement)
    moving = placement != record.placement
    moved = {rel for rel in record.base if is_ci_entry_point(rel) and rel not in ours}
    adopted = read_files(directory, moved, placement) if moving else {}
    _, at_root = placement.split(theirs)
    # Moving, nothing at the root is the tool's yet, except what the team moved there.
    new = [rel for rel in at_root if rel not in adopted and (moving or rel not in record.base)]
    refuse_foreign_root_files(directory, placement, new)
    return {**ours, **adopted}


def _write(
    directory: Path,
    record: Record,
    placement: Placement,
    plan: UpdatePlan,
    ours: Mapping[str, str],
    new_record: Mapping[str, str],
    theirs: Mapping[str, str],
) -> None:
    """One journaled change: DEST's files and record, and the CI files at `placement`.

    When `placement` differs from the recorded one, every CI file the team has (merged with the
    new render) is written at the new place and removed from the old one.
    """
    writes, deletes = plan.writes(), plan.deletes()
    old_ci: list[str] = []
    if placement != record.placement:
        old_ci = [rel for rel in ours if is_ci_entry_point(rel)]
        kept = {rel: ours[rel] for rel in old_ci if rel not in deletes}
        writes = {**kept, **writes}
    dest_writes, root_writes = placement.split(writes)
    dest_writes.update(_record_writes(directory, new_record))
    dest_deletes, root_deletes = placement.split(dict.fromkeys(deletes, ""))
    old_dest, old_root = record.placement.split(dict.fromkeys(old_ci, ""))
    gone = record.legacy_files  # a record made before the bundle: its `base/` copies
    root = placement.root(directory) or record.placement.root(directory)
    changes = RootChanges(root, root_writes, [*root_deletes, *old_root]) if root else None
    apply_changes(directory, dest_writes, [*dest_deletes, *old_dest, *gone], root=changes)


def _register_conflicts(
    directory: Path,
    plan: UpdatePlan,
    record: Record,
    placement: Placement,
    ours: Mapping[str, str],
    theirs: Mapping[str, str],
) -> None:
    base, disk_path = record.base, placement.disk_path
    sides = {
        disk_path(c.path): ConflictSides(
            base.get(c.path), ours.get(c.path, ""), theirs.get(c.path, "")
        )
        for c in plan.conflicts
    }
    if register_unmerged(directory, sides):
        click.echo("the conflicted files are marked unmerged in git (see `git status`)", err=True)


def _asker(pack: Pack, recorded: Mapping[str, Any], options: UpdateOptions) -> Asker:
    from infrascaffold.answers.interview import make_asker

    ask = make_asker(make_environment(pack.search_roots))
    if not options.reask:
        return ask

    def reask(question: Question, default: Any, ctx: Mapping[str, Any], path: str) -> Any:
        return ask(question, recorded.get(question.key, default), ctx, path)

    return reask


def pack_ref_of(record: Record, directory: Path) -> str:
    """The pack reference to load for a record: built-in, entry point, git, or folder."""
    ref = pack_reference(record.pack_source, directory)
    if ref is None:
        raise InfrascaffoldError(record.pack_source, "the recorded pack is gone; pass --pack")
    return ref


def _recorded_request(record: Record) -> str | None:
    """The git ref recorded last time, so an update at the same commit keeps it."""
    git = record.pack_meta.get("git")
    if isinstance(git, Mapping) and git.get("url") and git.get("ref"):
        return f"git+{git['url']}@{git['ref']}"
    return None


def files_with_markers(directory: Path, record: Record) -> list[str]:
    """The generated files (paths relative to DIRECTORY) that hold conflict markers."""
    marked = []
    for rel in sorted(map(record.placement.disk_path, record.base)):
        path = directory / rel
        if path.is_file() and has_conflict_markers(
            path.read_text(encoding="utf-8", errors="replace")
        ):
            marked.append(rel)
    return marked


def refuse_unresolved_conflicts(marked: list[str]) -> None:
    """An earlier update's conflict markers must be resolved before the next update."""
    if marked:
        raise InfrascaffoldError(
            marked[0], "holds unresolved conflict markers; resolve them, then update again"
        )


def _report_markers(marked: list[str], output_format: str) -> int:
    if output_format == "json":
        click.echo(json.dumps({"status": "conflicts", "conflicted": marked}, indent=2))
    else:
        for rel in marked:
            click.echo(f"conflict      {rel}")
        click.echo("unresolved conflict markers: resolve them, then run `infrascaffold update`")
    return EXIT_FINDINGS


def read_files(
    directory: Path, paths: set[str], placement: Placement | None = None
) -> dict[str, str]:
    """The text of those of `paths` (render paths) that exist where `placement` puts them."""
    files = {}
    for rel in sorted(paths):
        path = directory / (placement.disk_path(rel) if placement else rel)
        if not path.is_file():
            continue
        try:
            files[rel] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InfrascaffoldError(str(path), "is not UTF-8 text; cannot merge it") from exc
    return files


def _record_writes(directory: Path, new_record: Mapping[str, str]) -> dict[str, str]:
    writes = {}
    for rel, text in new_record.items():
        path = directory / rel
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):  # byte for byte
            writes[rel] = text
    return writes


def _report(
    plan: UpdatePlan,
    pack: Pack,
    record: Record,
    options: UpdateOptions,
    findings: list[Finding],
) -> None:
    if options.output_format == "json":
        data = _summary(plan, pack, record)
        data["dry_run"] = options.dry_run
        data["findings"] = [f.as_dict() for f in findings]
        click.echo(json.dumps(data, indent=2))
        return
    _report_text(plan, pack, record, options.dry_run, findings)


def _report_text(
    plan: UpdatePlan, pack: Pack, record: Record, dry_run: bool, findings: list[Finding]
) -> None:
    for change in plan.changes:
        if change.action != "unchanged":
            extra = f" ({change.conflicts} conflict(s))" if change.conflicts else ""
            where = record.placement.disk_path(change.path)  # ../.gitlab-ci.yml at the root
            click.echo(f"{change.action:<13} {where}{extra}")
    counts = _counts(plan)
    summary = ", ".join(f"{n} {action}" for action, n in counts.items()) or "nothing to change"
    prefix = "dry run: " if dry_run else ""
    versions = f"{pack.name} {record.pack_version} to {pack.version}"
    click.echo(f"{prefix}update from {versions}: {summary}")
    for finding in findings:
        click.echo(finding.format_text())
    if plan.conflicts and dry_run:
        click.echo("dry run: the files above would get conflict markers; nothing was written.")
    elif plan.conflicts:
        click.echo(
            "Conflicts remain: resolve the <<<<<<< / >>>>>>> markers in the files above, "
            "then run `infrascaffold update` again.",
            err=True,
        )
    if any(f.severity == "error" for f in findings):
        click.echo("the merged files fail validation: fix the findings above", err=True)


def _report_check(
    plan: UpdatePlan, pack: Pack, record: Record, output_format: str, upgrade: Upgrade | None
) -> int:
    notice = upgrade.notice(pack.name, pack.version) if upgrade else None
    stale = [f"{c.action:<13} {record.placement.disk_path(c.path)}" for c in plan.changing]
    if pack.version != record.pack_version:
        stale.append(f"pack {pack.name} {record.pack_version} → {pack.version} is available")
    if notice:
        stale.append(notice)
    if output_format == "json":
        summary = _summary(plan, pack, record)
        summary["status"] = "stale" if stale else "up-to-date"
        summary["available"] = notice
        summary["newest"] = {"version": upgrade.version, "pack": upgrade.pack} if upgrade else None
        click.echo(json.dumps(summary, indent=2))
        return EXIT_FINDINGS if stale else EXIT_OK
    for line in stale:
        click.echo(line)
    click.echo("stale: run `infrascaffold update`" if stale else "up to date")
    return EXIT_FINDINGS if stale else EXIT_OK


def _summary(plan: UpdatePlan, pack: Pack, record: Record) -> dict[str, Any]:
    return {
        "pack": {"name": pack.name, "from": record.pack_version, "to": pack.version},
        "changes": [
            {
                "path": record.placement.disk_path(c.path),
                "action": c.action,
                "conflicts": c.conflicts,
            }
            for c in plan.changes
            if c.action != "unchanged"
        ],
        "counts": _counts(plan),
        "conflicts": len(plan.conflicts),
    }


def _counts(plan: UpdatePlan) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in plan.changes:
        if change.action != "unchanged":
            counts[change.action] = counts.get(change.action, 0) + 1
    return counts


def _print_diff(plan: UpdatePlan, ours: Mapping[str, str]) -> None:
    for change in plan.changing:
        before = ours.get(change.path, "")
        after = change.text if change.text is not None else ""
        diff = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{change.path}",
            f"b/{change.path}",
        )
        click.echo("".join(diff), nl=False)
