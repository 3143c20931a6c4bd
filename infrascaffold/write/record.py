"""The record kept in `DEST/.infrascaffold/`: which pack made the folder, with which answers,
and the pristine render (the base of `update`'s 3-way merge). Plain YAML, and the render in one
line-oriented bundle (`base.txt`, see `base_bundle`), so the record reads well in git diffs.

Records made before the bundle kept one copy per file under `base/`; `load_record` reads them
too and lists those files in `Record.legacy_files`, which the next `update` removes (in the same
journaled write that creates `base.txt`)."""

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
from infrascaffold.write.base_bundle import BundleError, dump_bundle, parse_bundle
from infrascaffold.write.ci_root import IN_DEST, RECORD_KEY, Placement, placement_from_record

RECORD_DIR = ".infrascaffold"
BASE_FILE = f"{RECORD_DIR}/base.txt"
LEGACY_BASE_DIR = f"{RECORD_DIR}/base"  # one copy per file, before the bundle
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
    legacy_files: tuple[str, ...] = ()  # the old `base/` copies (DEST-relative), to remove


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
    a git pack's ref, recorded with the commit it resolved to. The base bundle keeps every file
    under its render path; `placement` records where the CI files went.
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
    files[BASE_FILE] = dump_bundle(tree)
    return files


def load_record(dest: Path) -> Record:
    """Read the record of a generated folder."""
    meta = _load_yaml(dest / PACK_FILE)
    answers = _load_yaml(dest / ANSWERS_FILE) or {}
    if not isinstance(meta, dict) or not isinstance(answers, dict):
        raise InfrascaffoldError(str(dest / RECORD_DIR), "the record is damaged")
    legacy = _legacy_base(dest)
    bundle = dest / BASE_FILE
    base = _load_bundle(bundle) if bundle.is_file() else legacy
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
        legacy_files=tuple(f"{LEGACY_BASE_DIR}/{path}" for path in legacy),
    )


def _load_bundle(path: Path) -> dict[str, str]:
    """The base bundle's files, each read as `Path.read_text` reads a file (universal newlines:
    the team's files are read so, and the merge compares the two)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            files = parse_bundle(handle.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise InfrascaffoldError(str(path), f"cannot be read: {exc}") from exc
    except BundleError as exc:
        raise InfrascaffoldError(
            f"{path}:{exc.line}", f"the base bundle is damaged: {exc.reason}"
        ) from exc
    return {rel: text.replace("\r\n", "\n").replace("\r", "\n") for rel, text in files.items()}


def _legacy_base(dest: Path) -> dict[str, str]:
    """The base of a record made before the bundle: a copy per file under `base/`."""
    root = dest / LEGACY_BASE_DIR
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


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


def recorded_services(folder: Path) -> tuple[Mapping[str, Any], ...]:
    """The services of the answers infrascaffold recorded in `folder` (`.infrascaffold/
    answers.yaml`), or none when it has no readable record."""
    try:
        recorded = yaml.safe_load((folder / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        return ()
    services = recorded.get("services") if isinstance(recorded, dict) else None
    if not isinstance(services, list):
        return ()
    return tuple(s for s in services if isinstance(s, dict))
