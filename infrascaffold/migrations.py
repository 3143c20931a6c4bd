"""Pack migrations: answer renames and new defaults a pack version declares for older records.

In `pack.yaml`:

    migrations:
      - version: 0.2.0          # applies to records made with a pack version older than this
        rename: {size_class: size}
        defaults: {cache: none} # set when the recorded answers lack the key
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infrascaffold.errors import PackError
from infrascaffold.versions import version_tuple


@dataclass(frozen=True)
class Migration:
    """Answer changes for records older than `version`."""

    version: str
    rename: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)


def parse_migrations(raw: Any, where: str) -> tuple[Migration, ...]:
    """Parse the manifest's `migrations:` list, sorted by version."""
    if not isinstance(raw, list):
        raise PackError(where, "must be a list of {version, rename, defaults}")
    migrations = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or "version" not in item:
            raise PackError(f"{where}[{i}]", "a migration needs a `version`")
        rename, defaults = item.get("rename") or {}, item.get("defaults") or {}
        if not isinstance(rename, Mapping) or not isinstance(defaults, Mapping):
            raise PackError(f"{where}[{i}]", "`rename` and `defaults` must be mappings")
        migrations.append(Migration(str(item["version"]), dict(rename), dict(defaults)))
    return tuple(sorted(migrations, key=lambda m: version_tuple(m.version)))


def migrate_answers(
    answers: Mapping[str, Any], recorded_version: str, migrations: Sequence[Migration]
) -> dict[str, Any]:
    """Apply, in version order, every migration newer than the recorded pack version."""
    result = copy.deepcopy(dict(answers))
    for migration in migrations:
        if version_tuple(migration.version) <= version_tuple(recorded_version):
            continue
        for old, new in migration.rename.items():
            if old in result and new not in result:
                result[new] = result.pop(old)
        for key, value in migration.defaults.items():
            result.setdefault(key, copy.deepcopy(value))
    return result
