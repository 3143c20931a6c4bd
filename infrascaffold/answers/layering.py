"""Answers: reading them, layering them, and resolving every question of a pack.

Layers, lowest first: question defaults < answers file (`--answers`) < `--set KEY=VALUE` <
the interview. Resolution walks the questions in order, so a default may be a Jinja expression
over earlier answers, and a `when` condition may skip a question.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.errors import AnswerError, PackError, shown
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question
from infrascaffold.pack.sources import MANIFEST
from infrascaffold.pack.untrusted_yaml import PlainScalar, load_yaml_text, plain, read_yaml_file
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

Problem = tuple[str, str]
# ask(question, default or MISSING, context, key path) -> the answer
Asker = Callable[[Question, Any, Mapping[str, Any], str], Any]


def load_answers_file(path: Path) -> dict[str, Any]:
    """Read an answers YAML file: a mapping of question keys to values (at most 1 MiB)."""

    def fail(reason: str) -> AnswerError:
        return AnswerError([(str(path), reason)])

    raw = read_yaml_file(path, fail, keep_text=True)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AnswerError([(str(path), "an answers file must be a YAML mapping")])
    return raw


def parse_set_option(item: str) -> tuple[list[str | int], Any]:
    """Parse one `--set KEY=VALUE`: dotted key with list indexes, value as a YAML scalar."""
    key, sep, raw_value = item.partition("=")
    if not sep or not key.strip():
        raise AnswerError([(item, "expected KEY=VALUE, e.g. environments.1.region=eu-west-3")])
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    if not isinstance(parts[0], str) or any(p == "" for p in parts):
        raise AnswerError([(key, "a key is a dotted path such as environments.0.cidr")])
    try:
        value = load_yaml_text(raw_value, ValueError, keep_text=True) if raw_value.strip() else ""
    except ValueError:
        value = raw_value
    if isinstance(value, dict | list) or value is None and raw_value.strip() not in ("null", "~"):
        value = raw_value  # only scalars are parsed; anything else stays the literal text
    return parts, value


def apply_overrides(
    pack: Pack, provided: Mapping[str, Any], overrides: list[tuple[list[str | int], Any]]
) -> dict[str, Any]:
    """Apply `--set` overrides on top of the provided answers, returning a new mapping.

    A list index into a list answer that was not provided first materialises the question's
    default list, so `--set environments.1.region=...` edits the default environments.
    """
    result = copy.deepcopy(dict(provided))
    by_key = {q.key: q for q in pack.questions}
    for parts, value in overrides:
        head = str(parts[0])
        if len(parts) > 1 and head not in result and head in by_key:
            default = by_key[head].default
            result[head] = copy.deepcopy(default) if isinstance(default, list) else []
        _set_path(result, parts, value)
    return result


def _set_path(target: Any, parts: list[str | int], value: Any) -> None:
    dotted = ".".join(str(p) for p in parts)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(target, list) and isinstance(part, int):
            if part > len(target):
                raise AnswerError([(dotted, f"index {part} is past the end of the list")])
            if part == len(target):
                target.append({} if not last else None)
            if last:
                target[part] = value
                return
            target = target[part]
        elif isinstance(target, dict):
            if last:
                target[str(part)] = value
                return
            target = target.setdefault(str(part), [] if isinstance(parts[i + 1], int) else {})
        else:
            raise AnswerError([(dotted, "does not name a field of the answers")])


def answer_context(pack: Pack, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What defaults, `when` conditions and validators may refer to (unanswered keys are none)."""
    return {**{q.key: None for q in pack.questions}, **answers, "data": pack.data}


def resolve_answers(
    pack: Pack,
    env: SandboxedEnvironment,
    provided: Mapping[str, Any],
    ask: Asker | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Answer every applicable question from `provided`, the interview `ask`, or defaults.

    Returns the answers and the problems found while coercing them or finding them missing.
    """
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    known = {q.key for q in pack.questions}
    problems += [
        (_key_text(k), f"not a question of pack {pack.name}") for k in provided if k not in known
    ]
    for q in pack.questions:
        ctx = answer_context(pack, answers)
        if q.when and not condition_holds(env, pack, q, ctx):
            continue
        if q.key in pack.fixed:
            answers[q.key] = copy.deepcopy(pack.fixed[q.key])
            problems += _fixed_problem(pack, q, provided)
            continue
        if q.key in provided:
            value, found = coerce(q, provided[q.key], q.key)
            problems += found
            if found:  # the wrong type, reported once; its records are not read
                answers[q.key] = value
                continue
        elif ask is not None:
            value = ask(q, default_value(env, q, ctx), ctx, q.key)
        elif q.has_default:
            value, found = _default_or_problem(env, q, ctx, q.key, problems)
            if found:
                problems += found
                continue
        else:
            problems.append((q.key, "is required and has no default"))
            continue
        if q.type == "list":
            value, found = resolve_records(env, q, value, ctx, ask)
            problems += found
        answers[q.key] = value
    return answers, problems


def resolve_records(
    env: SandboxedEnvironment,
    question: Question,
    value: Any,
    ctx: Mapping[str, Any],
    ask: Asker | None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Fill each record of a list answer: its fields' values or defaults, coerced."""
    if not isinstance(value, list):
        return [], [(question.key, "must be a list")]
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, raw in enumerate(value):
        where = f"{question.key}[{i}]"
        if not isinstance(raw, Mapping):
            problems.append((where, "must be a mapping of fields"))
            continue
        record, found = _resolve_record(env, question, raw, ctx, where, ask)
        records.append(record)
        problems += found
    return records, problems


def _resolve_record(
    env: SandboxedEnvironment,
    question: Question,
    raw: Mapping[str, Any],
    ctx: Mapping[str, Any],
    where: str,
    ask: Asker | None,
) -> tuple[dict[str, Any], list[Problem]]:
    known = {f.key for f in question.fields}
    problems = [(f"{where}.{_key_text(k)}", "unknown field") for k in raw if k not in known]
    record: dict[str, Any] = {}
    for field in question.fields:
        field_ctx = {**ctx, "item": {**raw, **record}}
        if field.when and not condition_holds(env, None, field, field_ctx, question.key):
            continue
        path = f"{where}.{field.key}"
        if field.key in raw:
            record[field.key], found = coerce(field, raw[field.key], path)
            problems += found
        elif ask is not None:
            record[field.key] = ask(field, default_value(env, field, field_ctx), field_ctx, path)
        elif field.has_default:
            value, found = _default_or_problem(env, field, field_ctx, path, problems)
            if found:
                problems += found
                continue
            record[field.key] = value
        else:
            problems.append((path, "is required and has no default"))
    return record, problems


def _fixed_problem(pack: Pack, question: Question, provided: Mapping[str, Any]) -> list[Problem]:
    fixed = pack.fixed[question.key]
    if question.key in provided and coerce(question, provided[question.key], "")[0] != fixed:
        return [(question.key, f"is fixed to {shown(fixed)} by pack {pack.name}")]
    return []


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) and key.isidentifier() else shown(key)


def condition_holds(
    env: SandboxedEnvironment,
    pack: Pack | None,
    question: Question,
    ctx: Mapping[str, Any],
    parent: str = "",
) -> bool:
    """Evaluate a question's `when`; a condition that fails to evaluate is a pack error."""
    try:
        return bool(evaluate(env, str(question.when), ctx))
    except EVALUATION_ERRORS as exc:
        name = f"{parent}.{question.key}" if parent else question.key
        where = f"{pack.root / MANIFEST}: " if pack else ""
        raise PackError(
            f"{where}question {name}", f"`when: {question.when}` fails: {failure_text(exc)}"
        ) from exc


def _default_or_problem(
    env: SandboxedEnvironment,
    question: Question,
    ctx: Mapping[str, Any],
    path: str,
    earlier: list[Problem],
) -> tuple[Any, list[Problem]]:
    """The default, or a problem when it cannot be computed (silent if caused by an earlier one)."""
    try:
        return default_value(env, question, ctx), []
    except jinja2.UndefinedError as exc:
        return None, [] if earlier else [(path, f"its default cannot be computed: {exc.message}")]
    except EVALUATION_ERRORS as exc:
        if earlier:  # most likely caused by an earlier answer's problem
            return None, []
        reason = f"its default cannot be computed: {failure_text(exc)}"
        raise PackError(f"question {path}", reason) from exc


def default_value(env: SandboxedEnvironment, question: Question, ctx: Mapping[str, Any]) -> Any:
    """The question's default, rendered when it is a Jinja template string."""
    default = question.default
    if isinstance(default, str) and ("{{" in default or "{%" in default):
        default = render_string(env, default, ctx)
        if question.type == "int":
            return int(default) if default.strip().lstrip("-").isdigit() else default
        if question.type == "bool":
            return default.strip().lower() in ("true", "yes", "1")
    return copy.deepcopy(default)


def coerce(question: Question, value: Any, path: str) -> tuple[Any, list[Problem]]:
    """Convert a provided value to the question's declared type, or report why it cannot be.

    Strings are strings: a string question takes an unquoted number or boolean of an answers
    file as the text written (`owner: 1234`, `name: no`), never a float's repr (`.nan`).
    """
    qtype = question.type
    if qtype == "str":
        return _as_string(value, path)
    if qtype == "choice":
        value = _as_choice(question, value)
    elif qtype == "multichoice" and isinstance(value, list):
        value = [_as_choice(question, v) for v in value]
    else:
        value = plain(value)
    if qtype == "int" and isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        value = int(value)
    if qtype == "int" and isinstance(value, int) and abs(value) > _INT_LIMIT:
        return value, [(path, f"must be a whole number of at most {len(str(_INT_LIMIT))} digits")]
    if not _has_type(qtype, value):
        return value, [(path, f"must be a {_TYPE_NAMES[qtype]}, got {_got(value)}")]
    return value, []


def _as_string(value: Any, path: str) -> tuple[Any, list[Problem]]:
    if isinstance(value, str):
        return str(value), []
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), []  # given by a program (not a file): ints have one spelling
    hint = "; quote it" if isinstance(value, bool | float) else ""
    return value, [(path, f"must be a string, got {_got(value)}{hint}")]


def _as_choice(question: Question, value: Any) -> Any:
    if isinstance(value, PlainScalar):
        return str(value) if str(value) in question.choices else value.value
    return value


def _has_type(qtype: str, value: Any) -> bool:
    if qtype in ("int", "choice") and isinstance(value, bool):
        return qtype == "choice" and value in (True, False)
    return isinstance(value, _EXPECTED[qtype])


def _got(value: Any) -> str:
    return "null" if value is None else f"{_kind(value)} {shown(value)}"


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", dict: "a mapping"}
    kinds |= {list: "a list", str: "a string"}
    return kinds.get(type(value), f"a {type(value).__name__}")


_INT_TEXT = re.compile(r"-?[0-9]{1,30}")
_INT_LIMIT = 10**30
_EXPECTED: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "choice": (str, int, bool),
    "int": int,
    "bool": bool,
    "multichoice": list,
    "list": list,
}
_TYPE_NAMES = {
    "str": "string",
    "choice": "string",
    "int": "whole number",
    "bool": "boolean (true or false)",
    "multichoice": "list of choices",
    "list": "list",
}


def has_declared_type(question: Question, value: Any) -> bool:
    """Whether a resolved answer has its question's type (validators only see those)."""
    return _has_type(question.type, value)


def public_answers(pack: Pack, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers without secret questions (and secret record fields): what may be recorded."""
    out: dict[str, Any] = {}
    for q in pack.questions:
        if q.key not in answers or q.secret:
            continue
        value = answers[q.key]
        if q.type == "list":
            secret_fields = {f.key for f in q.fields if f.secret}
            value = [{k: v for k, v in r.items() if k not in secret_fields} for r in value]
        out[q.key] = value
    return out


def raise_problems(problems: list[Problem]) -> None:
    """Raise one AnswerError listing every problem, if there are any."""
    if problems:
        raise AnswerError(problems)
