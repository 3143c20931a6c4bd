"""Template packs: finding one by name or path, and loading its manifest into a `Pack` value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from infrascaffold import __version__
from infrascaffold.decisions import DecisionSpec, parse_decision_specs
from infrascaffold.errors import PackError
from infrascaffold.migrations import Migration, parse_migrations
from infrascaffold.questions import Question, parse_questions
from infrascaffold.versions import version_tuple

MANIFEST = "pack.yaml"
BUILTIN_PACKS = ("platform",)
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")
_MANIFEST_KEYS = {
    "name",
    "version",
    "description",
    "requires",
    "questions",
    "data",
    "context",
    "files",
    "decisions",
    "migrations",
}


@dataclass(frozen=True)
class FileRule:
    """Selects a part of the pack's `files/` tree: condition, repetition and destination."""

    path: str
    to: str | None = None
    when: str | None = None
    for_each: str | None = None
    as_name: str = "item"


@dataclass(frozen=True)
class Pack:
    """A loaded template pack."""

    name: str
    version: str
    description: str
    root: Path
    source: str
    requires: str = "0.0.0"
    questions: tuple[Question, ...] = ()
    rules: tuple[FileRule, ...] = ()
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    context: tuple[tuple[str, str], ...] = ()
    decisions: tuple[DecisionSpec, ...] = ()
    migrations: tuple[Migration, ...] = ()

    @property
    def files_root(self) -> Path:
        return self.root / "files"


def builtin_packs_root() -> Path:
    """Where the built-in packs live: inside the wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "templates"
    return inside if inside.is_dir() else here.parent / "templates"


def resolve_pack_root(ref: str) -> tuple[Path, str]:
    """Return (folder, source label) for a built-in pack name or a local folder path."""
    if ref in BUILTIN_PACKS:
        return builtin_packs_root() / ref, f"builtin:{ref}"
    path = Path(ref).expanduser()
    if not (path / MANIFEST).is_file():
        known = ", ".join(BUILTIN_PACKS)
        raise PackError(
            ref, f"unknown pack: not a built-in pack ({known}) nor a folder with {MANIFEST}"
        )
    return path.resolve(), str(path.resolve())


def load_pack(ref: str) -> Pack:
    """Find and load a pack by built-in name or folder path."""
    root, source = resolve_pack_root(ref)
    return load_pack_from(root, source)


def load_pack_from(root: Path, source: str) -> Pack:
    """Load and check the manifest of the pack in `root`."""
    manifest_path = root / MANIFEST
    raw = _read_yaml(manifest_path)
    if not isinstance(raw, Mapping):
        raise PackError(str(manifest_path), "the manifest must be a mapping")
    where = str(manifest_path)
    unknown = set(raw) - _MANIFEST_KEYS
    if unknown:
        raise PackError(where, f"unknown manifest key {sorted(unknown)[0]!r}")
    version = str(raw.get("version", ""))
    if not _SEMVER.match(version):
        raise PackError(f"{where}: version", f"{version!r} is not a semantic version (1.2.3)")
    requires = str(raw.get("requires", "0.0.0")).lstrip(">=")
    if version_tuple(requires) > version_tuple(__version__):
        raise PackError(where, f"needs infrascaffold >= {requires} (this is {__version__})")
    return Pack(
        name=_required_str(raw, "name", where),
        version=version,
        description=str(raw.get("description", "")),
        root=root,
        source=source,
        requires=requires,
        questions=parse_questions(_section(raw, "questions", []), f"{where}: questions"),
        rules=_parse_rules(_section(raw, "files", []), f"{where}: files"),
        data=MappingProxyType(_load_data(root, _section(raw, "data", {}), f"{where}: data")),
        context=_parse_context(_section(raw, "context", {}), f"{where}: context"),
        decisions=parse_decision_specs(_section(raw, "decisions", []), f"{where}: decisions"),
        migrations=parse_migrations(_section(raw, "migrations", []), f"{where}: migrations"),
    )


def _section(raw: Mapping[str, Any], key: str, empty: Any) -> Any:
    """A manifest section; absent or null means empty, any other value is checked as given."""
    value = raw.get(key)
    return empty if value is None else value


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackError(str(path), exc.strerror or "cannot be read") from exc
    except yaml.YAMLError as exc:
        raise PackError(str(path), f"invalid YAML: {str(exc).splitlines()[0]}") from exc


def _required_str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise PackError(f"{where}: {key}", "is required and must be a string")
    return value


def _parse_rules(raw: Any, where: str) -> tuple[FileRule, ...]:
    if not isinstance(raw, list):
        raise PackError(where, "must be a list of file rules")
    rules = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("path"), str):
            raise PackError(f"{where}[{i}]", "a file rule is a mapping with a `path`")
        unknown = set(item) - {"path", "to", "when", "for_each", "as"}
        if unknown:
            raise PackError(f"{where}[{i}]", f"unknown file rule key {sorted(unknown)[0]!r}")
        path = item["path"].strip("/")
        if path.startswith("..") or "/../" in f"/{path}/":
            raise PackError(f"{where}[{i}]", "a rule path must stay inside files/")
        rules.append(
            FileRule(
                path=path,
                to=str(item["to"]).strip("/") if item.get("to") is not None else None,
                when=item.get("when"),
                for_each=item.get("for_each"),
                as_name=str(item.get("as", "item")),
            )
        )
    return tuple(rules)


def _load_data(root: Path, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise PackError(where, "must map names to YAML files of the pack")
    data = {}
    for name, rel in raw.items():
        path = (root / str(rel)).resolve()
        if not path.is_relative_to(root.resolve()):
            raise PackError(f"{where}.{name}", "a data file must be inside the pack")
        data[str(name)] = _read_yaml(path)
    return data


def _parse_context(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Mapping):
        raise PackError(where, "must map names to Jinja expressions")
    return tuple((str(k), str(v)) for k, v in raw.items())
