"""Reading YAML that a user or a pack supplies: bounded in size, depth and alias expansion.

An answers file or a pack file is untrusted input: it may be binary, huge (`/dev/zero`), nested a
thousand levels deep, or an alias bomb (a few hundred bytes that expand to millions of values).
Each is refused with one line naming the file, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from infrascaffold.errors import one_line

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_BYTES = 1024 * 1024  # 1 MiB: the built-in pack's largest file is a tenth of that
MAX_DEPTH = 64
MAX_VALUES = 200_000  # values after alias expansion

Fail = Callable[[str], Exception]


class PlainScalar(str):
    """An unquoted YAML scalar that YAML reads as a number or boolean, keeping its text.

    A string question takes the text as written (`account_id: 012345678901`, `owner: 1234`,
    `name: no`, `project_name: .nan`); a number, boolean or choice question takes `value`.
    """

    value: Any

    def __new__(cls, text: str, value: Any) -> PlainScalar:
        scalar = super().__new__(cls, text)
        scalar.value = value
        return scalar

    def __reduce__(self) -> tuple[Any, ...]:
        return (PlainScalar, (str(self), self.value))


class _AnswersLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, with numbers and booleans read as `PlainScalar`."""


def _keep_text(loader: Any, node: yaml.ScalarNode) -> PlainScalar:
    typed = loader.yaml_constructors_typed[node.tag](loader, node)
    return PlainScalar(str(node.value), typed)


_AnswersLoader.yaml_constructors = dict(_AnswersLoader.yaml_constructors)
_AnswersLoader.yaml_constructors_typed = {}
for _tag in ("bool", "int", "float"):
    _full = f"tag:yaml.org,2002:{_tag}"
    _AnswersLoader.yaml_constructors_typed[_full] = _AnswersLoader.yaml_constructors[_full]
    _AnswersLoader.yaml_constructors[_full] = _keep_text


def plain(value: Any) -> Any:
    """The typed value of a `PlainScalar` (any other value as it is)."""
    return value.value if isinstance(value, PlainScalar) else value


def read_text_bounded(path: Path, fail: Fail, max_bytes: int = MAX_YAML_BYTES) -> str:
    """The UTF-8 text of `path`, or `fail(reason)` raised: not readable, too big, not UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except IsADirectoryError as exc:
        raise fail("is a folder, not a file") from exc
    except OSError as exc:
        raise fail(exc.strerror or "cannot be read") from exc
    if len(data) > max_bytes:
        raise fail(f"is larger than {max_bytes // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def load_yaml_text(text: str, fail: Fail, *, keep_text: bool = False) -> Any:
    """Parse YAML text, refusing what would exhaust the stack or memory.

    With `keep_text`, unquoted numbers and booleans are `PlainScalar`s (answers files).
    """
    try:
        value = yaml.load(text, Loader=_AnswersLoader if keep_text else _SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise fail(f"invalid YAML: {yaml_problem(exc)}") from exc
    except RecursionError as exc:
        raise fail(f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from exc
    except (ValueError, OverflowError, TypeError) as exc:  # e.g. an int of 5000 digits
        raise fail(f"invalid YAML: {one_line(str(exc), 120)}") from exc
    _check_shape(value, fail)
    return value


def read_yaml_file(path: Path, fail: Fail, *, keep_text: bool = False) -> Any:
    """`read_text_bounded` then `load_yaml_text`."""
    return load_yaml_text(read_text_bounded(path, fail), fail, keep_text=keep_text)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """One line saying what is wrong and where (line, column)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return one_line(f"{exc.problem}{where}")
    return one_line((str(exc).splitlines() or ["unreadable"])[0])


def _check_shape(value: Any, fail: Fail) -> None:
    """Walk the value as its users will (aliases expanded), stopping at the first excess."""
    budget = [MAX_VALUES]
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            raise fail(f"expands to more than {MAX_VALUES} values (YAML aliases?)")
        if depth > MAX_DEPTH and isinstance(item, dict | list):
            raise fail(f"is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth + 1) for k in item)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
