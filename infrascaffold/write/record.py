"""The record kept in `DEST/.infrascaffold/`: which pack made the folder, with which answers,
and the pristine render (the base of `update`'s 3-way merge). Plain YAML and plain file copies,
so the record reads well in git diffs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infrascaffold import __version__
from infrascaffold.errors import InfrascaffoldError
from infrascaffold.pack.decisions import Decision, decisions_from_records
from infrascaffold.pack.model import Pack
from infrascaffold.pack.releases import git_details, recorded_source
from infrascaffold.write.ci_root import IN_DEST, RECORD_KEY, Placement, placement_from_record

RECORD_DIR = ".infrascaffold"
BASE_DIR = f"{RECORD_DIR}/base"
PACK_FILE = f"{RECORD_DIR}/pack.yaml"
ANSWERS_FILE = f"{RECORD_DIR}/answers.yaml"
DECISIONS_FILE = f"{RECORD_DIR}/decisions.yaml"


@dataclass(frozen=True)
class Record:
    """What a previous `new` or `update` left in DEST/.infrascaffold/."""

    pack_name: str
    pack_version: str
    pack_source: str
    tool_version: str
    answers: Mapping[str, Any]
    base: Mapping[str, str]
    decisions: tuple[Decision, ...] = ()
    pack_meta: Mapping[str, Any] = field(default_factory=dict)
    placement: Placement = IN_DEST  # where the CI files are (the repository root, or DEST)


def record_files(
    pack: Pack,
    answers: Mapping[str, Any],
    tree: Mapping[str, str],
    decisions: Sequence[Decision] = (),
    *,
    dest: Path | None = None,
    requested: str | None = None,
    placement: Placement = IN_DEST,
) -> dict[str, str]:
    """The record's files, as tree entries to be written with the render.

    With `dest`, a folder pack is recorded relative to it; `requested` (the `--pack` value) gives
    a git pack's ref, recorded with the commit it resolved to. The base keeps every file under
    its render path; `placement` records where the CI files went.
    """
    meta: dict[str, Any] = {
        "pack": pack.name,
        "version": pack.version,
        "source": recorded_source(pack.source, dest),
        "infrascaffold_version": __version__,
    }
    git = git_details(pack.source, requested)
    if git is not None:
        meta["git"] = git
    if placement.at_root:
        meta[RECORD_KEY] = placement.as_record()
    files = {
        PACK_FILE: _dump(meta),
        ANSWERS_FILE: "# Answers recorded by infrascaffold (secrets are never recorded).\n"
        + _dump(dict(answers)),
    }
    if decisions:
        files[DECISIONS_FILE] = _dump([d.as_dict() for d in decisions])
    files.update({f"{BASE_DIR}/{path}": text for path, text in tree.items()})
    return files


def load_record(dest: Path) -> Record:
    """Read the record of a generated folder."""
    meta = _load_yaml(dest / PACK_FILE)
    answers = _load_yaml(dest / ANSWERS_FILE) or {}
    if not isinstance(meta, dict) or not isinstance(answers, dict):
        raise InfrascaffoldError(str(dest / RECORD_DIR), "the record is damaged")
    base_root = dest / BASE_DIR
    base = {
        p.relative_to(base_root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(base_root.rglob("*"))
        if p.is_file()
    }
    return Record(
        pack_name=str(meta.get("pack", "")),
        pack_version=str(meta.get("version", "")),
        pack_source=str(meta.get("source", "")),
        tool_version=str(meta.get("infrascaffold_version", "")),
        answers=answers,
        base=base,
        decisions=tuple(_load_decisions(dest)),
        pack_meta=meta,
        placement=placement_from_record(meta),
    )


def _load_decisions(dest: Path) -> list[Decision]:
    path = dest / DECISIONS_FILE
    return decisions_from_records(_load_yaml(path)) if path.is_file() else []


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InfrascaffoldError(
            str(path), "not found: this folder was not made by infrascaffold"
        ) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise InfrascaffoldError(str(path), f"cannot be read: {exc}") from exc
