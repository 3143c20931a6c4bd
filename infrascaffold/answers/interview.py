"""The interactive interview: one prompt per question, invalid answers re-asked with the reason.

Only `make_asker` is used by the rest of the package; it returns the `Asker` callback that
`answers.resolve_answers` calls for every question that has no answer yet.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping
from typing import Any

import click
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.checks import check_value
from infrascaffold.answers.layering import Asker, default_value
from infrascaffold.errors import PackError, escaped
from infrascaffold.pack.questions import MISSING, Question
from infrascaffold.templating.environment import (
    EVALUATION_ERRORS,
    evaluate,
    failure_text,
    render_string,
)

_DONE = "Done"


def make_asker(env: SandboxedEnvironment) -> Asker:
    """An `Asker` that prompts on the terminal (questionary menus and text prompts)."""

    def ask(question: Question, default: Any, ctx: Mapping[str, Any], path: str) -> Any:
        if question.type == "list":
            return _ask_records(env, question, default, ctx, path)
        return _ask_value(env, question, default, ctx, path)

    return ask


def _ask_value(
    env: SandboxedEnvironment, question: Question, default: Any, ctx: Mapping[str, Any], path: str
) -> Any:
    import questionary  # imported on first prompt only: it is slow to import

    title = f"{question.help or question.key} ({path})"
    if question.type == "choice":
        choices = _labelled_choices(env, question, ctx, path)
        initial = str(default) if default is not MISSING else None
        menu = [questionary.Choice(line, value=value) for value, line in choices]
        picked = questionary.select(title, choices=menu, default=initial).unsafe_ask()
        return question.choices[[value for value, _ in choices].index(picked)]
    if question.type == "multichoice":
        chosen = default if isinstance(default, list) else []
        boxes = [questionary.Choice(str(c), value=c, checked=c in chosen) for c in question.choices]
        return questionary.checkbox(title, choices=boxes).unsafe_ask()
    if question.type == "bool":
        return questionary.confirm(
            title, default=bool(default) if default is not MISSING else False
        ).unsafe_ask()

    def validate(text: str) -> bool | str:
        value = _parse_text(question, text)
        if value is None:
            return "enter a whole number" if question.type == "int" else "an answer is required"
        problems = check_value(env, question, value, ctx, path)
        return problems[0][1] if problems else True

    initial_text = "" if default is MISSING or default is None else str(default)
    options = _options(env, question, ctx, path)
    if options and not question.secret:  # free text, completed from the pack's list
        text = questionary.autocomplete(
            title, choices=options, default=initial_text, validate=validate, match_middle=True
        ).unsafe_ask()
        return _parse_text(question, text)
    prompt = questionary.password if question.secret else questionary.text
    text = prompt(title, default=initial_text, validate=validate).unsafe_ask()
    return _parse_text(question, text)


def _options(
    env: SandboxedEnvironment, question: Question, ctx: Mapping[str, Any], path: str
) -> list[str]:
    """The answers `options:` offers to complete (the regions of the chosen cloud)."""
    if not question.options:
        return []
    try:
        found = evaluate(env, question.options, ctx)
    except EVALUATION_ERRORS as exc:
        raise PackError(f"question {path}: options", failure_text(exc)) from exc
    if not isinstance(found, list | tuple):
        raise PackError(f"question {path}: options", "must give a list")
    return [escaped(str(option)) for option in found]


def _labelled_choices(
    env: SandboxedEnvironment, question: Question, ctx: Mapping[str, Any], path: str
) -> list[tuple[str, str]]:
    """(value, menu line) per choice: `containers — ECS Fargate behind an ALB`."""
    labels = dict(question.labels)
    lines = []
    for choice in question.choices:
        value = str(choice)
        try:
            label = render_string(env, labels[value], ctx).strip() if value in labels else ""
        except EVALUATION_ERRORS as exc:
            raise PackError(f"question {path}: labels.{value}", failure_text(exc)) from exc
        lines.append((value, f"{value} — {escaped(label)}" if label else value))
    return lines


def _parse_text(question: Question, text: str) -> Any:
    text = text.strip()
    if question.type == "int":
        return int(text) if text.lstrip("-").isdigit() else None
    return text if text or question.has_default else None


def _ask_records(
    env: SandboxedEnvironment, question: Question, default: Any, ctx: Mapping[str, Any], path: str
) -> list[dict[str, Any]]:
    """Edit a list of records (environments): add, edit, rename, remove, then Done."""
    import questionary

    records: list[dict[str, Any]] = copy.deepcopy(default) if isinstance(default, list) else []
    records = [_fill_record(env, question, r, ctx, f"{path}[{i}]") for i, r in enumerate(records)]
    while True:
        click.echo(_summary(question, records))
        action = questionary.select(
            f"{question.help or question.key}: edit the list or choose Done",
            choices=_actions(records, question),
        ).unsafe_ask()
        if action == _DONE:
            problems = check_value(env, question, records, ctx, path)
            if not problems:
                return records
            for where, reason in problems:
                click.echo(f"  ✗ {where}: {reason}")
            continue
        verb, _, index = action.partition(" #")
        records = _apply_action(env, question, records, verb, index, ctx, path)


def _actions(records: list[dict[str, Any]], question: Question) -> list[str]:
    actions = [_DONE]
    if question.max_items is None or len(records) < question.max_items:
        actions.append("Add")
    for i, record in enumerate(records):
        label = escaped(str(record.get("name", i)))
        actions += [f"Edit #{i} {label}", f"Rename #{i} {label}", f"Remove #{i} {label}"]
        if i:  # the list is the promotion order
            actions.append(f"Move #{i} {label} up")
    return actions


def _apply_action(
    env: SandboxedEnvironment,
    question: Question,
    records: list[dict[str, Any]],
    verb: str,
    index: str,
    ctx: Mapping[str, Any],
    path: str,
) -> list[dict[str, Any]]:
    import questionary

    if verb == "Add":
        start = _free_networks(question, records)
        new = _fill_record(env, question, start, ctx, f"{path}[{len(records)}]", ask_all=True)
        return [*records, new]
    i = int(index.split()[0])
    if verb == "Remove":
        name = escaped(str(records[i].get("name", i)))
        if not questionary.confirm(
            f"Remove {name} from {question.key}?", default=False
        ).unsafe_ask():
            return records
        return records[:i] + records[i + 1 :]
    if verb == "Move":
        return [*records[: i - 1], records[i], records[i - 1], *records[i + 1 :]]
    if verb == "Rename":
        name_field = next(f for f in question.fields if f.key == "name")
        records[i]["name"] = _ask_value(
            env, name_field, records[i].get("name", MISSING), ctx, f"{path}[{i}].name"
        )
        return records
    if verb == "Edit":
        records[i] = _fill_record(env, question, records[i], ctx, f"{path}[{i}]", ask_all=True)
        return records
    questionary.print(f"unknown action {verb}")
    return records


def _free_networks(question: Question, records: list[dict[str, Any]]) -> dict[str, Any]:
    """A new record's suggested network: for each `disjoint:` field, the first /16 of
    10.0.0.0/8 that overlaps no other record's (offered as the default, still checked)."""
    start: dict[str, Any] = {}
    for validator in question.validators:
        if validator.kind != "disjoint":
            continue
        taken = []
        for record in records:
            try:
                taken.append(ipaddress.ip_network(str(record.get(validator.arg)), strict=False))
            except ValueError:
                continue
        free = next(
            (n for n in ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=16)
             if not any(n.overlaps(t) for t in taken)),
            None,
        )  # fmt: skip
        if free is not None:
            start[str(validator.arg)] = str(free)
    return start


def _fill_record(
    env: SandboxedEnvironment,
    question: Question,
    record: Mapping[str, Any],
    ctx: Mapping[str, Any],
    path: str,
    *,
    ask_all: bool = False,
) -> dict[str, Any]:
    """Give every field a value: ask for each (`ask_all`), or take defaults for missing ones."""
    out: dict[str, Any] = dict(record)
    before = {**ctx, "item": dict(record)}
    for field in question.fields:
        field_ctx = {**ctx, "item": out}
        if field.when and not evaluate(env, field.when, field_ctx):
            continue
        current = out.get(field.key, MISSING)
        if ask_all and current is not MISSING:
            current = following_default(env, field, current, before, field_ctx)
        if current is MISSING and field.has_default:
            current = default_value(env, field, field_ctx)
        if ask_all or current is MISSING:
            current = _ask_value(env, field, current, field_ctx, f"{path}.{field.key}")
        out[field.key] = current
    return out


def following_default(
    env: SandboxedEnvironment,
    field: Question,
    current: Any,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> Any:
    """`current`, or the field's default in `after` when `current` is its default in `before`:
    a field left at its default follows an edit of the fields it depends on (a service's runtime
    changed from python to node offers node's version, not python's)."""
    if not field.has_default:
        return current
    try:
        if current != default_value(env, field, before):
            return current
        return default_value(env, field, after)
    except EVALUATION_ERRORS:  # a default that cannot be computed now: keep the answer
        return current


def _summary(question: Question, records: list[dict[str, Any]]) -> str:
    if not records:
        return f"{question.key}: (none yet)"
    lines = [f"{question.key}:"]
    for i, record in enumerate(records):
        fields = ", ".join(f"{k}={v}" for k, v in record.items() if k != "name")
        lines.append(f"  #{i} {record.get('name', '?')}: {fields}")
    return "\n".join(lines)
