"""How a repository tunes `validate`: the `validate:` table of `.infrascaffold.yaml`.

```yaml
validate:
  select: [references, hcl-syntax]   # check ids or check groups (`--list-checks`); default all
  ignore: [variable-description]     # check ids or groups never reported
  exclude: ["legacy/**"]             # path globs (fnmatch, from the file's folder) not validated
  include: ["tests/fixtures/good/**"]  # re-include paths skipped as tests or fixtures
  severity: {secret: warning, output-description: error}
  tfvars: {"config/*.tfvars": stacks/app}  # tfvars glob → the module folder it configures
  environments: ["environments/*.tfvars"]  # the environment files CIDR overlaps are checked among
```

Flags (`--select`, `--ignore`, `--exclude`) add to the file's lists. An unknown key or a value
of the wrong shape is an error naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from infrascaffold.errors import InfrascaffoldError

CONFIG_FILE = ".infrascaffold.yaml"
_LISTS = ("select", "ignore", "exclude", "include", "environments")
_MAPS = ("severity", "tfvars")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Settings:
    """The tuning of one run; the defaults report everything, as the checks define it."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    tfvars: Mapping[str, str] = field(default_factory=dict)
    # tfvars globs of the known environments; None: only the recorded ones (`.infrascaffold/`)
    environments: tuple[str, ...] | None = None
    environment_names: tuple[str, ...] = ()  # from a generated record or the render's answers

    def with_flags(
        self, select: Sequence[str], ignore: Sequence[str], exclude: Sequence[str]
    ) -> Settings:
        """These settings with the command line's lists added."""
        return replace(
            self,
            select=(*self.select, *select),
            ignore=(*self.ignore, *ignore),
            exclude=(*self.exclude, *exclude),
        )


def load_settings(root: Path) -> Settings:
    """The settings of the repository at `root`: its `.infrascaffold.yaml` and its record."""
    settings = _from_file(root / CONFIG_FILE)
    names = _recorded_environments(root / ".infrascaffold" / "answers.yaml")
    return replace(settings, environment_names=names) if names else settings


def _from_file(path: Path) -> Settings:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise InfrascaffoldError(str(path), f"cannot be read: {exc}") from exc
    import yaml  # only for a folder that has the file

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InfrascaffoldError(str(path), f"is not valid YAML: {exc}") from exc
    table = data.get("validate", {}) if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise InfrascaffoldError(str(path), "validate: must be a mapping")
    return settings_from(table, str(path))


def settings_from(table: Mapping[str, Any], where: str) -> Settings:
    """Settings from a `validate:` mapping; `where` names the file in errors."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _LISTS:
            values[key] = _strings(value, f"validate.{key}", where)
        elif key in _MAPS:
            values[key] = _string_map(value, f"validate.{key}", where)
        else:
            known = ", ".join((*_LISTS, *_MAPS))
            raise InfrascaffoldError(where, f"validate.{key}: unknown setting (known: {known})")
    for check, severity in values.get("severity", {}).items():
        if severity not in SEVERITIES:
            raise InfrascaffoldError(
                where, f"validate.severity.{check}: must be error or warning, not {severity!r}"
            )
    return Settings(**values)


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InfrascaffoldError(where, f"{key}: must be a list of strings")
    return tuple(value)


def _string_map(value: Any, key: str, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InfrascaffoldError(where, f"{key}: must map strings to strings")
    return dict(value)


def _recorded_environments(path: Path) -> tuple[str, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    import yaml  # only for a folder with a record

    try:
        answers = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    return environment_names(answers.get("environments") if isinstance(answers, dict) else None)


def environment_names(environments: Any) -> tuple[str, ...]:
    """The names of an answers file's `environments` list."""
    if not isinstance(environments, list):
        return ()
    return tuple(
        str(env["name"]) for env in environments if isinstance(env, dict) and "name" in env
    )
