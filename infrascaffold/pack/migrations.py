"""Pack migrations: the answer changes a pack version declares for folders made by older ones.

In `pack.yaml`:

    migrations:
      - version: 0.2.0          # applies to records made with a pack version older than this
        rename: {size_class: size}
        remove: [cost_center]   # a question the pack dropped
        map: {tier: {small: s, large: l}}   # choice values renamed
        defaults: {cache: none} # set when the recorded answers lack the key
        records:                # the same, inside each record of a list answer
          environments:
            rename: {zone: region}
            remove: [legacy]
            map: {size: {small: s}}
            defaults: {runner: ""}

Within one migration the steps run in that order (rename, remove, map, defaults, records);
migrations run in version order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infrascaffold.errors import PackError
from infrascaffold.versions import version_tuple


@dataclass(frozen=True)
class AnswerChanges:
    """Renames, removals, value maps and defaults over one mapping of answers."""

    rename: Mapping[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    map: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def apply(self, answers: dict[str, Any]) -> None:
        """Change `answers` in place."""
        for old, new in self.rename.items():
            if old in answers and new not in answers:
                answers[new] = answers.pop(old)
        for key in self.remove:
            answers.pop(key, None)
        for key, values in self.map.items():
            current = answers.get(key)
            if _hashable(current) and current in values:
                answers[key] = copy.deepcopy(values[current])
        for key, value in self.defaults.items():
            answers.setdefault(key, copy.deepcopy(value))


@dataclass(frozen=True)
class Migration:
    """Answer changes for records older than `version`; `records` per list answer."""

    version: str
    rename: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    map: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)
    records: Mapping[str, AnswerChanges] = field(default_factory=dict)

    @property
    def top(self) -> AnswerChanges:
        return AnswerChanges(self.rename, self.remove, self.map, self.defaults)


def parse_migrations(raw: Any, where: str) -> tuple[Migration, ...]:
    """Parse the manifest's `migrations:` list, sorted by version."""
    if not isinstance(raw, list):
        raise PackError(
            where, "must be a list of {version, rename, remove, map, defaults, records}"
        )
    migrations = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or "version" not in item:
            raise PackError(f"{where}[{i}]", "a migration needs a `version`")
        changes = _parse_changes(item, f"{where}[{i}]")
        records = item.get("records") or {}
        if not isinstance(records, Mapping):
            raise PackError(f"{where}[{i}].records", "must map list answers to changes")
        parsed = {
            str(key): _parse_changes(value, f"{where}[{i}].records.{key}")
            for key, value in records.items()
        }
        migrations.append(
            Migration(
                str(item["version"]),
                changes.rename,
                changes.defaults,
                changes.remove,
                changes.map,
                parsed,
            )
        )
    return tuple(sorted(migrations, key=lambda m: version_tuple(m.version)))


def _parse_changes(item: Any, where: str) -> AnswerChanges:
    if not isinstance(item, Mapping):
        raise PackError(where, "must be a mapping of rename, remove, map, defaults")
    rename, defaults = item.get("rename") or {}, item.get("defaults") or {}
    remove, value_map = item.get("remove") or [], item.get("map") or {}
    if not isinstance(rename, Mapping) or not isinstance(defaults, Mapping):
        raise PackError(where, "`rename` and `defaults` must be mappings")
    if not isinstance(remove, list) or not all(isinstance(k, str) for k in remove):
        raise PackError(f"{where}.remove", "must be a list of answer keys")
    if not isinstance(value_map, Mapping) or not all(
        isinstance(v, Mapping) for v in value_map.values()
    ):
        raise PackError(f"{where}.map", "must map answer keys to {old value: new value}")
    return AnswerChanges(
        {str(k): str(v) for k, v in rename.items()},
        tuple(remove),
        {str(k): dict(v) for k, v in value_map.items()},
        dict(defaults),
    )


def migrate_answers(
    answers: Mapping[str, Any], recorded_version: str, migrations: Sequence[Migration]
) -> dict[str, Any]:
    """Apply, in version order, every migration newer than the recorded pack version."""
    result = copy.deepcopy(dict(answers))
    for migration in migrations:
        if version_tuple(migration.version) <= version_tuple(recorded_version):
            continue
        migration.top.apply(result)
        for key, changes in migration.records.items():
            for record in result.get(key) or []:
                if isinstance(record, dict):
                    changes.apply(record)
    return result


def _hashable(value: Any) -> bool:
    return not isinstance(value, dict | list)
