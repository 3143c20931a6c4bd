"""Validating answers against their questions' validators.

Each function returns problems as (key path, reason) pairs so that every problem of an answers
file is reported at once, e.g. `environments[2].cidr: overlaps environments[0].cidr 10.10.0.0/16`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.layering import AnswerFailed, answer_context
from infrascaffold.answers.value_checks import (
    Problem,
    choice_problems,
    has_declared_type,
    intrinsic_problems,
    pure_problems,
)
from infrascaffold.errors import PackError, one_line, shown
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question, Validator
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

UNCHECKABLE = "cannot be checked"


def check_answers(
    pack: Pack, env: SandboxedEnvironment, answers: Mapping[str, Any]
) -> list[Problem]:
    """Every problem of the resolved answers, in question order.

    An answer with a problem is a `failed_answer` to the checks of the answers after it: a
    check that reads it is not run (its problem is that answer's, already reported).
    """
    problems: list[Problem] = []
    failed: list[str] = []
    for q in pack.questions:
        if q.key in answers:
            ctx = answer_context(pack, answers, failed)
            found = check_value(env, q, answers[q.key], ctx, q.key)
            problems += found
            if found or intrinsic_problems(q, answers[q.key], q.key):
                failed.append(q.key)
    independent = [p for p in problems if not p[1].startswith(UNCHECKABLE)]
    # A check that cannot run because an earlier answer is wrong adds nothing to that answer's
    # own problem; alone, it points at a broken validator and is reported.
    return independent or problems


def check_value(
    env: SandboxedEnvironment, question: Question, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    """Problems of one answer: its type constraints, choices, validators and record fields.

    A value without its declared type was already reported when it was read, and no validator
    ever sees it (a validator may assume a `str` question's value is a string).
    """
    if not has_declared_type(question, value):
        return []
    problems = choice_problems(question, value, path)
    if question.type == "list" and isinstance(value, list):
        problems += _check_records(env, question, value, ctx, path)
    for validator in question.validators:
        problems += _run_validator(env, validator, value, ctx, path)
    return problems


def _check_records(
    env: SandboxedEnvironment,
    question: Question,
    records: list[Any],
    ctx: Mapping[str, Any],
    path: str,
) -> list[Problem]:
    problems: list[Problem] = []
    if len(records) < question.min_items:
        problems.append((path, f"needs at least {question.min_items} item(s)"))
    if question.max_items is not None and len(records) > question.max_items:
        problems.append((path, f"allows at most {question.max_items} items, got {len(records)}"))
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            continue
        item_ctx = {**ctx, "item": record}
        for field in question.fields:
            if field.key in record and has_declared_type(field, record[field.key]):
                where = f"{path}[{i}].{field.key}"
                problems += check_value(env, field, record[field.key], item_ctx, where)
    return problems


def _run_validator(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    if validator.kind == "expr":
        return _expression(env, validator, value, ctx, path)
    found = pure_problems(validator, value, path)
    message = _message(env, validator, value, ctx) if found else None
    return [(where, message or reason) for where, reason in found]


def _message(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any]
) -> str | None:
    """A validator's message; `value` is shown truncated and escaped, as every echoed answer.

    None without one, or when it reads a failed answer (the check's own wording is used).
    """
    if not validator.message:
        return None
    text = shown(value)
    scope = {**ctx, "value": text[1:-1] if isinstance(value, str) and text.endswith("'") else text}
    try:
        return one_line(render_string(env, str(validator.message), scope), 300)
    except AnswerFailed:
        return None
    except EVALUATION_ERRORS as exc:
        raise PackError(
            f"validator message {shown(validator.message)}", f"fails: {failure_text(exc)}"
        ) from exc


def _expression(
    env: SandboxedEnvironment, validator: Validator, value: Any, ctx: Mapping[str, Any], path: str
) -> list[Problem]:
    scope = {**ctx, "value": value}
    try:
        if evaluate(env, str(validator.arg), scope):
            return []
    except AnswerFailed:  # it reads an answer that failed: that answer's problem is the cause
        return []
    except jinja2.TemplateSyntaxError as exc:
        raise PackError(
            f"validator expr: {shown(validator.arg)} of {path}", failure_text(exc)
        ) from exc
    except EVALUATION_ERRORS as exc:
        return [(path, f"{UNCHECKABLE}: {failure_text(exc)}")]
    message = _message(env, validator, value, ctx)
    return [(path, message or f"fails the check `{one_line(str(validator.arg), 100)}`")]
