"""Questions of a pack: their values, and parsing them from a manifest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infrascaffold.errors import PackError, shown

QUESTION_TYPES = ("str", "int", "bool", "choice", "multichoice", "list")
VALIDATOR_KINDS = ("regex", "min", "max", "cidr", "expr", "unique", "disjoint", "name", "path")


class _Missing:
    """Marks a question without a default (distinct from a default of None)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> _Missing:
        return self


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Validator:
    """One check on an answer: `kind` is one of VALIDATOR_KINDS, `arg` its parameter."""

    kind: str
    arg: Any
    message: str | None = None


@dataclass(frozen=True)
class Question:
    """A question of a pack. `fields` are the per-record questions of a `list` question."""

    key: str
    type: str = "str"
    help: str = ""
    default: Any = MISSING
    choices: tuple[Any, ...] = ()
    when: str | None = None
    validators: tuple[Validator, ...] = ()
    secret: bool = False
    fields: tuple[Question, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    # choice -> what it means, shown beside it in the menu (a template over earlier answers)
    labels: tuple[tuple[str, str], ...] = ()
    # an expression: the answers the interview offers to complete (`data.regions[cloud].names`)
    options: str | None = None
    # False: never asked in the interview (given in the answers file, --set or a command option,
    # such as `estimate` by --estimate FILE); its default otherwise
    asked: bool = True
    # a sample answer (`https://vault.example.com`) for a question without a default: the lint
    # matrix renders with it when no base answer set gives one
    example: Any = MISSING

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


_QUESTION_KEYS = {
    "key",
    "type",
    "help",
    "default",
    "choices",
    "when",
    "validators",
    "secret",
    "fields",
    "min_items",
    "max_items",
    "labels",
    "options",
    "ask",
    "example",
}


def parse_questions(raw: Any, where: str) -> tuple[Question, ...]:
    """Parse the `questions:` list of a manifest; `where` names it in errors."""
    if not isinstance(raw, list):
        raise PackError(where, "must be a list of questions")
    questions = tuple(parse_question(item, f"{where}[{i}]") for i, item in enumerate(raw))
    keys = [q.key for q in questions]
    for key in keys:
        if keys.count(key) > 1:
            raise PackError(where, f"question {key!r} is declared twice")
    return questions


def parse_question(raw: Any, where: str) -> Question:
    """Parse one question mapping of a manifest."""
    if not isinstance(raw, Mapping):
        raise PackError(where, "a question must be a mapping")
    unknown = set(raw) - _QUESTION_KEYS
    if unknown:
        raise PackError(where, f"unknown question field {sorted(unknown)[0]!r}")
    key = raw.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        raise PackError(where, "`key` must be an identifier")
    where = f"{where} ({key})"
    qtype = raw.get("type", "str")
    if qtype not in QUESTION_TYPES:
        raise PackError(where, f"type must be one of {', '.join(QUESTION_TYPES)}")
    choices = _choices(raw.get("choices"), where)
    if qtype in ("choice", "multichoice") and not choices:
        raise PackError(where, f"a {qtype} question needs `choices`")
    fields = parse_questions(raw["fields"], f"{where}.fields") if "fields" in raw else ()
    if qtype == "list" and not fields:
        raise PackError(where, "a list question needs `fields`")
    return Question(
        key=key,
        type=qtype,
        help=str(raw.get("help", "")),
        default=raw.get("default", MISSING),
        choices=choices,
        when=_optional_str(raw, "when", where),
        validators=parse_validators(raw.get("validators") or [], f"{where}.validators"),
        secret=bool(raw.get("secret", False)),
        fields=fields,
        min_items=_count(raw.get("min_items", 0), f"{where}.min_items"),
        max_items=_count(raw["max_items"], f"{where}.max_items")
        if raw.get("max_items") is not None
        else None,
        labels=_labels(raw.get("labels"), choices, f"{where}.labels"),
        options=_optional_str(raw, "options", where),
        asked=_flag(raw.get("ask", True), f"{where}.ask"),
        example=raw.get("example", MISSING),
    )


def _flag(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise PackError(where, "must be true or false")
    return raw


def _labels(raw: Any, choices: tuple[Any, ...], where: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    names = {str(c) for c in choices}
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise PackError(where, "must map choices to their labels (strings)")
    unknown = [str(k) for k in raw if str(k) not in names]
    if unknown:
        raise PackError(where, f"{shown(unknown[0])} is not one of the choices")
    return tuple((str(k), v) for k, v in raw.items())


def _choices(raw: Any, where: str) -> tuple[Any, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str | int | bool) for c in raw):
        raise PackError(f"{where}.choices", "must be a list of strings, numbers or booleans")
    return tuple(raw)


def _count(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise PackError(where, f"must be a whole number of at least 0, got {shown(raw)}")
    return raw


def parse_validators(raw: Any, where: str) -> tuple[Validator, ...]:
    """Parse a `validators:` list: each item one `kind: arg` pair and an optional message."""
    if not isinstance(raw, list):
        raise PackError(where, "must be a list")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise PackError(f"{where}[{i}]", "a validator must be a mapping")
        kinds = [k for k in item if k != "message"]
        if len(kinds) != 1 or kinds[0] not in VALIDATOR_KINDS:
            raise PackError(f"{where}[{i}]", f"name exactly one of {', '.join(VALIDATOR_KINDS)}")
        message = item.get("message")
        _check_validator_arg(kinds[0], item[kinds[0]], f"{where}[{i}].{kinds[0]}")
        out.append(Validator(kinds[0], item[kinds[0]], str(message) if message else None))
    return tuple(out)


def _check_validator_arg(kind: str, arg: Any, where: str) -> None:
    """Refuse, when the pack loads, a validator that could never run."""
    if kind == "regex":
        try:
            re.compile(str(arg))
        except re.error as exc:
            raise PackError(where, f"{shown(arg)} is not a regular expression: {exc}") from exc
    elif kind in ("min", "max") and (isinstance(arg, bool) or not isinstance(arg, int | float)):
        raise PackError(where, f"must be a number, got {shown(arg)}")
    elif kind == "cidr" and not isinstance(arg, Mapping | bool):
        raise PackError(where, "must be a mapping (private, min_prefix, max_prefix) or true")
    elif kind in ("expr", "unique", "disjoint") and not isinstance(arg, str):
        raise PackError(where, f"must be a string, got {shown(arg)}")


def _optional_str(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PackError(where, f"`{name}` must be a string")
    return value
