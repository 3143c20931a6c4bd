"""`--estimate FILE`: expected load per service, turned into the `estimate` answer.

The file is a YAML mapping::

    services:                       # every environment
      api: {rps: 200, payload_kb: 16}
    environments:                   # optional: one environment's own figures win
      prod:
        api: {rps: 900}

It becomes the list answer `estimate` (one record per service and environment, `environment`
empty for "every environment"), recorded with the other answers so `update` re-applies it;
`update --estimate FILE` replaces it. Which services exist is the pack's check (the answer's
validators); this module checks the file's own shape, naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infrascaffold.errors import AnswerError
from infrascaffold.pack.untrusted_yaml import read_yaml_file

_TOP_KEYS = ("services", "environments")
_FIGURES = ("rps", "payload_kb")
_MAX_RPS = 1_000_000
_MAX_PAYLOAD_KB = 102_400  # 100 MiB: more is a file upload, not a request size


def load_estimate(path: Path) -> list[dict[str, Any]]:
    """Read an estimate file into the records of the `estimate` answer."""

    def fail(reason: str) -> AnswerError:
        return AnswerError([(str(path), reason)])

    raw = read_yaml_file(path, fail)
    return estimate_records(raw, str(path))


def estimate_records(raw: Any, where: str) -> list[dict[str, Any]]:
    """The `estimate` records of an estimate file's content (`where` names it in errors)."""
    if not isinstance(raw, Mapping):
        raise AnswerError([(where, "an estimate file must be a YAML mapping (services: ...)")])
    for key in raw:
        if key not in _TOP_KEYS:
            raise _problem(where, str(key), f"unknown key (expected {' or '.join(_TOP_KEYS)})")
    records = _services(raw.get("services") or {}, "", where, "services")
    environments = raw.get("environments") or {}
    if not isinstance(environments, Mapping):
        raise _problem(where, "environments", "must be a mapping of environment names")
    for env_name, services in environments.items():
        records += _services(services or {}, str(env_name), where, f"environments.{env_name}")
    return records


def _services(raw: Any, environment: str, where: str, key: str) -> list[dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise _problem(where, key, "must be a mapping of service names")
    records = []
    for name, figures in raw.items():
        at = f"{key}.{name}"
        if not isinstance(figures, Mapping):
            raise _problem(where, at, "must be a mapping (rps, payload_kb)")
        for figure in figures:
            if figure not in _FIGURES:
                raise _problem(where, f"{at}.{figure}", "unknown key (expected rps or payload_kb)")
        if "rps" not in figures:
            raise _problem(where, f"{at}.rps", "missing: expected requests per second")
        rps = _number(figures["rps"], where, f"{at}.rps", 0, _MAX_RPS)
        payload = _number(
            figures.get("payload_kb", 16), where, f"{at}.payload_kb", 1, _MAX_PAYLOAD_KB
        )
        records.append(
            {"service": str(name), "environment": environment, "rps": rps, "payload_kb": payload}
        )
    return records


def _number(value: Any, where: str, key: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _problem(where, key, f"{value!r} is not a whole number from {low} to {high}")
    return value


def _problem(where: str, key: str, reason: str) -> AnswerError:
    return AnswerError([(f"{where}: {key}", reason)])


def in_estimate_file(
    exc: AnswerError, path: Path | None, records: list[dict[str, Any]]
) -> AnswerError:
    """`exc` with the problems of the `estimate` answer named by the file and its key.

    The pack checks the records against the services and environments; its `estimate[N].field`
    becomes `FILE: services.NAME` (or `environments.ENV.NAME`), where the team wrote it.
    """
    if path is None:
        return exc
    problems = [(_file_key(where, path, records), reason) for where, reason in exc.problems]
    return exc if problems == exc.problems else AnswerError(problems)


def _file_key(where: str, path: Path, records: list[dict[str, Any]]) -> str:
    if where != "estimate" and not where.startswith("estimate["):
        return where
    index = where[len("estimate[") :].split("]", 1)[0]
    if not index.isdigit() or int(index) >= len(records):
        return f"{path}: {where}"
    record = records[int(index)]
    env_name = record.get("environment")
    key = f"environments.{env_name}." if env_name else "services."
    return f"{path}: {key}{record.get('service')}"
