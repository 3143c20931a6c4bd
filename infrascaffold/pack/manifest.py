"""Template packs: loading a manifest (and the pack it extends) into a `Pack` value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from infrascaffold import __version__
from infrascaffold.errors import PackError, shown
from infrascaffold.pack.decisions import parse_decision_specs
from infrascaffold.pack.migrations import parse_migrations
from infrascaffold.pack.model import FileRule, Pack
from infrascaffold.pack.overlay import apply_overlay
from infrascaffold.pack.questions import parse_questions
from infrascaffold.pack.sources import GIT_PREFIX, MANIFEST, resolve_source
from infrascaffold.pack.untrusted_yaml import read_yaml_file
from infrascaffold.templating.containment import contained
from infrascaffold.versions import version_tuple

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
    "extends",
    "fixed",
    "validators",
    "tasks",
    "message_after",
}


def load_pack(ref: str, relative_to: Path | None = None, *, trusted: bool = False) -> Pack:
    """Find and load a pack: built-in name, folder, git+URL@REF or installed entry point.

    Only a `trusted` pack (`--trust`) may extend a remote (git) pack: cloning runs with the
    user's git credentials.
    """
    return _load(ref, relative_to, trusted=trusted, chain=())


def _load(ref: str, relative_to: Path | None, *, trusted: bool, chain: tuple[str, ...]) -> Pack:
    source = resolve_source(ref, relative_to)
    return load_pack_from(
        source.root, source.label, builtin=source.builtin, trusted=trusted, _chain=chain
    )


def load_pack_from(
    root: Path,
    source: str,
    *,
    builtin: bool = False,
    trusted: bool = False,
    _chain: tuple[str, ...] = (),
) -> Pack:
    """Load and check the manifest of the pack in `root`, laid over its base if it extends one."""
    manifest_path = root / MANIFEST
    chain = _extend_chain(_chain, root)
    raw = _read_yaml(contained(manifest_path, root))
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
    pack = Pack(
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
        roots=(root,),
        fixed=MappingProxyType(_mapping(_section(raw, "fixed", {}), f"{where}: fixed")),
        tasks=_parse_tasks(_section(raw, "tasks", []), f"{where}: tasks"),
        builtin=builtin,
        message_after=_optional_str(raw, "message_after", where),
    )
    if raw.get("extends"):
        extends = _extends_ref(
            raw["extends"], where, trusted=trusted or builtin or _installed(source)
        )
        base = _load(extends, root, trusted=trusted, chain=chain)
        return apply_overlay(base, pack, raw, where)
    if raw.get("validators"):
        raise PackError(
            f"{where}: validators", "only a pack that `extends:` another adds validators"
        )
    return pack


def _extend_chain(chain: tuple[str, ...], root: Path) -> tuple[str, ...]:
    """The chain of packs being loaded, with `root`; an `extends:` cycle is an error."""
    here = str(root.resolve())
    if here in chain:
        loop = " → ".join(Path(p).name or p for p in (*chain[chain.index(here) :], here))
        raise PackError(
            f"{here}/{MANIFEST}: extends", f"packs extend each other in a cycle: {loop}"
        )
    if len(chain) >= MAX_EXTENDS:
        raise PackError(
            f"{here}/{MANIFEST}: extends", f"more than {MAX_EXTENDS} packs extend each other"
        )
    return (*chain, here)


MAX_EXTENDS = 16


def _extends_ref(value: Any, where: str, *, trusted: bool) -> str:
    if not isinstance(value, str):
        raise PackError(f"{where}: extends", "must be a pack reference (a string)")
    if value.startswith(GIT_PREFIX) and not trusted:
        raise PackError(
            f"{where}: extends",
            f"names a remote pack ({shown(value)}); cloning it uses your git credentials, "
            "so it needs --trust",
        )
    return value


def _installed(source: str) -> bool:
    return source.startswith(("builtin:", "entrypoint:"))


def _section(raw: Mapping[str, Any], key: str, empty: Any) -> Any:
    """A manifest section; absent or null means empty, any other value is checked as given."""
    value = raw.get(key)
    return empty if value is None else value


def _read_yaml(path: Path) -> Any:
    # Bounded: a pack is untrusted input (size, encoding, depth, alias expansion).
    def fail(reason: str) -> PackError:
        return PackError(str(path), reason)

    return read_yaml_file(path, fail)


def _required_str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise PackError(f"{where}: {key}", "is required and must be a string")
    return value


def _optional_str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key) or ""
    if not isinstance(value, str):
        raise PackError(f"{where}: {key}", "must be a string (a template)")
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
        data[str(name)] = _read_yaml(contained(root / str(rel), root))
    return data


def _mapping(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise PackError(where, "must be a mapping")
    return dict(raw)


def _parse_tasks(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        raise PackError(where, "must be a list of commands")
    return tuple(raw)


def _parse_context(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, Mapping):
        raise PackError(where, "must map names to Jinja expressions")
    return tuple((str(k), str(v)) for k, v in raw.items())
