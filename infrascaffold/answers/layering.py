"""Answers: reading them, layering them, and resolving every question of a pack.

Layers, lowest first: question defaults < answers file (`--answers`) < `--set KEY=VALUE` <
the interview. Resolution walks the questions in order, so a default may be a Jinja expression
over earlier answers, and a `when` condition may skip a question.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.value_checks import (
    Problem,
    coerce,
    intrinsic_problems,
)
from infrascaffold.errors import AnswerError, PackError, did_you_mean, one_line, shown
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import MISSING, Question
from infrascaffold.pack.sources import MANIFEST
from infrascaffold.pack.untrusted_yaml import load_yaml_text, read_yaml_file
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

# ask(question, default or MISSING, context, key path) -> the answer
Asker = Callable[[Question, Any, Mapping[str, Any], str], Any]


def load_answers_file(path: Path) -> dict[str, Any]:
    """Read an answers YAML file: a mapping of question keys to values (at most 1 MiB)."""

    def fail(reason: str) -> AnswerError:
        return AnswerError([(str(path), reason)])

    try:
        raw = read_yaml_file(path, fail, keep_text=True)
    except AnswerError as exc:
        raise _located(path, exc) from exc
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AnswerError([(str(path), "an answers file must be a YAML mapping")])
    return raw


def _located(path: Path, exc: AnswerError) -> AnswerError:
    """A YAML syntax error as `FILE:LINE:COLUMN: invalid YAML: problem` (as compilers say it)."""
    cause = exc.__cause__
    if not isinstance(cause, yaml.MarkedYAMLError) or not cause.problem_mark or not cause.problem:
        return exc
    mark = cause.problem_mark
    where = f"{path}:{mark.line + 1}:{mark.column + 1}"
    return AnswerError([(where, f"invalid YAML: {one_line(cause.problem)}")])


_INDEX = re.compile(r"\[([0-9]+)\]")


def parse_set_option(item: str) -> tuple[list[str | int], Any]:
    """Parse one `--set KEY=VALUE`: dotted key with list indexes, value as a YAML scalar.

    An index is written either way problems are printed: `environments.0.region` or
    `environments[0].region`.
    """
    key, sep, raw_value = item.partition("=")
    if not sep or not key.strip():
        raise AnswerError([(item, "expected KEY=VALUE, e.g. environments.1.region=eu-west-3")])
    dotted = _INDEX.sub(r".\1", key.strip())
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    if not isinstance(parts[0], str) or any(
        p == "" or "[" in str(p) or "]" in str(p) for p in parts
    ):
        raise AnswerError(
            [(key, "a key is a dotted path such as environments.0.cidr or environments[0].cidr")]
        )
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


class AnswerFailed(jinja2.UndefinedError):
    """An expression read an answer that failed its own checks (that answer's problem says why)."""


def failed_answer(name: str) -> jinja2.StrictUndefined:
    """What expressions see in place of an answer that failed its own checks.

    Reading it raises `AnswerFailed`, so no default, condition or check built on a wrong answer
    is computed or reported: one root cause, one problem (`--set cloud=aw` says so once, not
    once per region default).
    """
    return jinja2.StrictUndefined(hint=f"{name} is invalid", name=name, exc=AnswerFailed)


def answer_context(
    pack: Pack, answers: Mapping[str, Any], failed: Collection[str] = ()
) -> dict[str, Any]:
    """What defaults, `when` conditions and validators may refer to (unanswered keys are none,
    `failed` ones a `failed_answer`)."""
    ctx = {**{q.key: None for q in pack.questions}, **answers, "data": pack.data}
    ctx.update((key, failed_answer(key)) for key in failed)
    return ctx


REQUIRED = "is required and has no default"


def resolve_answers(
    pack: Pack,
    env: SandboxedEnvironment,
    provided: Mapping[str, Any],
    ask: Asker | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Answer every applicable question from `provided`, the interview `ask`, or defaults.

    Returns the answers and the problems found while coercing them or finding them missing.
    An answer that fails its own checks (`intrinsic_problems`, reported by `check_answers`) is
    a `failed_answer` to the questions after it: what depends on it is neither computed nor
    reported.
    """
    answers: dict[str, Any] = {}
    known = [q.key for q in pack.questions]
    problems: list[Problem] = [
        (_key_text(k), f"not a question of pack {pack.name}{did_you_mean(k, known)}")
        for k in provided
        if k not in known
    ]
    failed: set[str] = set()
    for q in pack.questions:
        ctx = answer_context(pack, answers, failed)
        if q.when and not condition_holds(env, pack, q, ctx):
            continue
        step = _resolve_question(env, pack, q, provided, ctx, ask)
        problems += step.problems
        if step.value is not MISSING:
            answers[q.key] = step.value
        if step.failed or step.value is not MISSING and intrinsic_problems(q, step.value, q.key):
            failed.add(q.key)
    return answers, problems


@dataclass(frozen=True)
class _Step:
    """One question resolved: its value (MISSING: none), its problems, whether it failed."""

    value: Any
    problems: list[Problem]
    failed: bool = False


def _resolve_question(
    env: SandboxedEnvironment,
    pack: Pack,
    q: Question,
    provided: Mapping[str, Any],
    ctx: Mapping[str, Any],
    ask: Asker | None,
) -> _Step:
    if q.key in pack.fixed:
        return _Step(copy.deepcopy(pack.fixed[q.key]), _fixed_problem(pack, q, provided))
    if q.key in provided:
        value, found = coerce(q, provided[q.key], q.key)
        if found:  # the wrong type, reported once; its records are not read
            return _Step(value, found, failed=True)
    elif ask is not None and q.asked:
        value = ask(q, _default_or_missing(env, q, ctx), ctx, q.key)
    elif q.has_default:
        value, found = _default_or_problem(env, q, ctx, q.key)
        if found or value is MISSING:
            return _Step(MISSING, found, failed=True)
    else:
        return _Step(MISSING, [(q.key, REQUIRED)], failed=True)
    if q.type != "list":
        return _Step(value, [])
    records, found, failed_records = _resolve_records(env, q, value, ctx, ask)
    return _Step(records, found, failed=bool(found or failed_records))


def resolve_records(
    env: SandboxedEnvironment,
    question: Question,
    value: Any,
    ctx: Mapping[str, Any],
    ask: Asker | None,
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Fill each record of a list answer: its fields' values or defaults, coerced."""
    records, problems, _ = _resolve_records(env, question, value, ctx, ask)
    return records, problems


def _resolve_records(
    env: SandboxedEnvironment,
    question: Question,
    value: Any,
    ctx: Mapping[str, Any],
    ask: Asker | None,
) -> tuple[list[dict[str, Any]], list[Problem], bool]:
    """The records, their problems, and whether a field failed its own checks."""
    if not isinstance(value, list):
        return [], [(question.key, "must be a list")], True
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    any_failed = False
    for i, raw in enumerate(value):
        where = f"{question.key}[{i}]"
        if not isinstance(raw, Mapping):
            problems.append((where, "must be a mapping of fields"))
            continue
        record, found, failed = _resolve_record(env, question, raw, ctx, where, ask)
        records.append(record)
        problems += found
        any_failed = any_failed or failed
    return records, problems, any_failed


def _resolve_record(
    env: SandboxedEnvironment,
    question: Question,
    raw: Mapping[str, Any],
    ctx: Mapping[str, Any],
    where: str,
    ask: Asker | None,
) -> tuple[dict[str, Any], list[Problem], bool]:
    known = [f.key for f in question.fields]
    problems = [
        (f"{where}.{_key_text(k)}", f"unknown field{did_you_mean(k, known)}")
        for k in raw
        if k not in known
    ]
    record: dict[str, Any] = {}
    failed: set[str] = set()
    for field in question.fields:
        item = {**raw, **record, **{key: failed_answer(f"{where}.{key}") for key in failed}}
        field_ctx = {**ctx, "item": item}
        if field.when and not condition_holds(env, None, field, field_ctx, question.key):
            continue
        path = f"{where}.{field.key}"
        step = _resolve_field(env, field, raw, field_ctx, path, ask)
        problems += step.problems
        if step.value is not MISSING:
            record[field.key] = step.value
        if step.failed or step.value is not MISSING and intrinsic_problems(field, step.value, path):
            failed.add(field.key)
    return record, problems, bool(failed)


def _resolve_field(
    env: SandboxedEnvironment,
    field: Question,
    raw: Mapping[str, Any],
    field_ctx: Mapping[str, Any],
    path: str,
    ask: Asker | None,
) -> _Step:
    if field.key in raw:
        value, found = coerce(field, raw[field.key], path)
        return _Step(value, found, failed=bool(found))
    if ask is not None:
        return _Step(ask(field, _default_or_missing(env, field, field_ctx), field_ctx, path), [])
    if field.has_default:
        value, found = _default_or_problem(env, field, field_ctx, path)
        return _Step(value, found, failed=bool(found) or value is MISSING)
    return _Step(MISSING, [(path, REQUIRED)], failed=True)


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
    """Evaluate a question's `when`; a condition that fails to evaluate is a pack error.

    A condition that reads a failed answer does not hold: the question waits for that answer.
    """
    try:
        return bool(evaluate(env, str(question.when), ctx))
    except AnswerFailed:
        return False
    except EVALUATION_ERRORS as exc:
        name = f"{parent}.{question.key}" if parent else question.key
        where = f"{pack.root / MANIFEST}: " if pack else ""
        raise PackError(
            f"{where}question {name}", f"`when: {question.when}` fails: {failure_text(exc)}"
        ) from exc


def _default_or_problem(
    env: SandboxedEnvironment, question: Question, ctx: Mapping[str, Any], path: str
) -> tuple[Any, list[Problem]]:
    """The default; MISSING when it reads a failed answer; a problem when it cannot be computed."""
    try:
        return default_value(env, question, ctx), []
    except AnswerFailed:
        return MISSING, []
    except jinja2.UndefinedError as exc:
        return MISSING, [(path, f"its default cannot be computed: {exc.message}")]
    except EVALUATION_ERRORS as exc:
        reason = f"its default cannot be computed: {failure_text(exc)}"
        raise PackError(f"question {path}", reason) from exc


def _default_or_missing(
    env: SandboxedEnvironment, question: Question, ctx: Mapping[str, Any]
) -> Any:
    """The default to offer in the interview: MISSING when it reads a failed answer."""
    try:
        return default_value(env, question, ctx)
    except AnswerFailed:
        return MISSING


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
    """Raise one AnswerError listing every problem, if there are any.

    Answers that were given and are wrong come first, missing ones last: the wrong answer is
    the cause to fix first (`--set cloud=aw` opens the report).
    """
    if problems:
        raise AnswerError(sorted(problems, key=lambda problem: problem[1] == REQUIRED))
