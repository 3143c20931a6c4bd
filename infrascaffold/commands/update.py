"""`infrascaffold update` (alias `regen`): re-render from the record and merge the team's edits."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from infrascaffold.answers import load_answers_file, parse_set_option, public_answers
from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK, InfrascaffoldError
from infrascaffold.generate import generate
from infrascaffold.merge import has_conflict_markers
from infrascaffold.migrations import migrate_answers
from infrascaffold.pack import Pack, load_pack
from infrascaffold.record import BASE_DIR, Record, load_record, record_files
from infrascaffold.update import UpdatePlan, plan_update
from infrascaffold.writer import apply_changes, clean_up


@dataclass(frozen=True)
class UpdateOptions:
    """The options of one `update` run."""

    pack_ref: str | None = None
    answers_file: Path | None = None
    sets: tuple[str, ...] = ()
    recreate_deleted: bool = False
    dry_run: bool = False
    show_diff: bool = False
    check: bool = False
    output_format: str = "text"


def run(directory: Path, options: UpdateOptions) -> int:
    """Update DIRECTORY; exit 1 when conflicts remain (or, with --check, when it is stale)."""
    if not directory.is_dir():
        raise InfrascaffoldError(str(directory), "no such folder")
    clean_up(directory)  # roll back a killed earlier run before reading the team's files
    record = load_record(directory)
    refuse_unresolved_conflicts(directory, record)
    pack = load_pack(options.pack_ref or pack_ref_of(record))
    provided = migrate_answers(record.answers, record.pack_version, pack.migrations)
    if options.answers_file:
        provided.update(load_answers_file(options.answers_file))
    overrides = [parse_set_option(item) for item in options.sets]
    result = generate(pack, provided, overrides, previous_decisions=record.decisions)
    ours = read_files(directory, set(record.base) | set(result.tree))
    plan = plan_update(record.base, ours, result.tree, recreate_deleted=options.recreate_deleted)
    new_record = record_files(
        pack, public_answers(pack, result.answers), result.tree, result.decisions
    )
    if options.check:
        return _report_check(plan, pack, record)
    _report(plan, pack, record, options.output_format)
    if options.show_diff:
        _print_diff(plan, ours)
    if not options.dry_run:
        writes = {**plan.writes(), **_record_writes(directory, new_record)}
        deletes = plan.deletes() + [f"{BASE_DIR}/{p}" for p in record.base if p not in result.tree]
        apply_changes(directory, writes, deletes)
    return EXIT_FINDINGS if plan.conflicts else EXIT_OK


def pack_ref_of(record: Record) -> str:
    """The pack reference to load for a record: a built-in name or the recorded folder."""
    if record.pack_source.startswith("builtin:"):
        return record.pack_source.removeprefix("builtin:")
    if not Path(record.pack_source).is_dir():
        raise InfrascaffoldError(record.pack_source, "the recorded pack is gone; pass --pack")
    return record.pack_source


def refuse_unresolved_conflicts(directory: Path, record: Record) -> None:
    """An earlier update's conflict markers must be resolved before the next update."""
    for rel in sorted(record.base):
        path = directory / rel
        if path.is_file() and has_conflict_markers(
            path.read_text(encoding="utf-8", errors="replace")
        ):
            raise InfrascaffoldError(
                str(path), "holds unresolved conflict markers; resolve them, then update again"
            )


def read_files(directory: Path, paths: set[str]) -> dict[str, str]:
    """The text of those of `paths` that exist under DIRECTORY."""
    files = {}
    for rel in sorted(paths):
        path = directory / rel
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
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            writes[rel] = text
    return writes


def _report(plan: UpdatePlan, pack: Pack, record: Record, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(_summary(plan, pack, record), indent=2))
        return
    for change in plan.changes:
        if change.action != "unchanged":
            extra = f" ({change.conflicts} conflict(s))" if change.conflicts else ""
            click.echo(f"{change.action:<13} {change.path}{extra}")
    counts = _counts(plan)
    summary = ", ".join(f"{n} {action}" for action, n in counts.items()) or "nothing to change"
    click.echo(f"update from {pack.name} {record.pack_version} to {pack.version}: {summary}")
    if plan.conflicts:
        click.echo(
            "Conflicts remain: resolve the <<<<<<< / >>>>>>> markers in the files above, "
            "then run `infrascaffold update` again.",
            err=True,
        )


def _report_check(plan: UpdatePlan, pack: Pack, record: Record) -> int:
    stale = [f"{c.action:<13} {c.path}" for c in plan.changing]
    if pack.version != record.pack_version:
        stale.append(f"pack {pack.name} {record.pack_version} → {pack.version} is available")
    for line in stale:
        click.echo(line)
    click.echo("stale: run `infrascaffold update`" if stale else "up to date")
    return EXIT_FINDINGS if stale else EXIT_OK


def _summary(plan: UpdatePlan, pack: Pack, record: Record) -> dict[str, Any]:
    return {
        "pack": {"name": pack.name, "from": record.pack_version, "to": pack.version},
        "changes": [
            {"path": c.path, "action": c.action, "conflicts": c.conflicts}
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
