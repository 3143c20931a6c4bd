"""Overlays: a pack that `extends:` another adds to it and overrides parts of it.

- files: the overlay's `files/` and `partials/` are searched first, so a file at the same path
  replaces the base's; other files are added; file rules are appended.
- questions: a question with a new key is added; one with an existing key overrides the fields it
  gives (`{key: owner, default: acme-platform}` changes only the default).
- `fixed:` answers are set by the pack and cannot be changed by the user.
- `validators:` adds validators to existing questions, by key (`environments.region` for a field).
- data, context and decisions are merged (overlay wins); the overlay's name, version and
  migrations are the pack's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from infrascaffold.errors import PackError
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question, Validator, parse_question, parse_validators


def apply_overlay(base: Pack, overlay: Pack, raw: Mapping[str, Any], where: str) -> Pack:
    """The pack `overlay` (loaded from its own manifest `raw`) laid over the pack `base`."""
    questions = _merge_questions(base.questions, raw.get("questions") or [], f"{where}: questions")
    questions = _add_validators(questions, raw.get("validators") or {}, f"{where}: validators")
    decisions = {d.key: d for d in base.decisions} | {d.key: d for d in overlay.decisions}
    return dataclasses.replace(
        overlay,
        roots=(*overlay.roots, *base.roots),
        questions=questions,
        rules=(*base.rules, *overlay.rules),
        data=MappingProxyType({**base.data, **overlay.data}),
        context=(*base.context, *overlay.context),
        decisions=tuple(decisions.values()),
        fixed=MappingProxyType({**base.fixed, **overlay.fixed}),
        tasks=(*base.tasks, *overlay.tasks),
        extends=base.source,
        message_after=overlay.message_after or base.message_after,
    )


def _merge_questions(base: tuple[Question, ...], raw: Any, where: str) -> tuple[Question, ...]:
    if not isinstance(raw, list):
        raise PackError(where, "must be a list of questions")
    merged = {q.key: q for q in base}
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or "key" not in item:
            raise PackError(f"{where}[{i}]", "a question must be a mapping with a `key`")
        key = str(item["key"])
        if key in merged:
            base_raw = _overridden(merged[key], item)
            merged[key] = parse_question({**base_raw, **item}, f"{where}[{i}]")
        else:
            merged[key] = parse_question(item, f"{where}[{i}]")
    return tuple(merged.values())


def _add_validators(questions: tuple[Question, ...], raw: Any, where: str) -> tuple[Question, ...]:
    if not isinstance(raw, Mapping):
        raise PackError(where, "must map answer keys to lists of validators")
    by_key = {q.key: q for q in questions}
    for dotted, items in raw.items():
        key, _, field = str(dotted).partition(".")
        if key not in by_key:
            raise PackError(f"{where}.{dotted}", "names no question of the pack")
        extra = parse_validators(items, f"{where}.{dotted}")
        by_key[key] = _with_validators(by_key[key], field, extra, f"{where}.{dotted}")
    return tuple(by_key.values())


def _with_validators(
    question: Question, field: str, extra: tuple[Validator, ...], where: str
) -> Question:
    if not field:
        return dataclasses.replace(question, validators=(*question.validators, *extra))
    fields = {f.key: f for f in question.fields}
    if field not in fields:
        raise PackError(where, f"{question.key} has no field {field!r}")
    fields[field] = dataclasses.replace(
        fields[field], validators=(*fields[field].validators, *extra)
    )
    return dataclasses.replace(question, fields=tuple(fields.values()))


def _overridden(question: Question, item: Mapping[str, Any]) -> dict[str, Any]:
    """The base question in manifest form, under an override `item` (new choices keep only
    their own labels)."""
    raw = question_to_raw(question)
    choices = item.get("choices")
    if isinstance(choices, list) and "labels" not in item and "labels" in raw:
        raw["labels"] = {k: v for k, v in raw["labels"].items() if k in map(str, choices)}
    return raw


def question_to_raw(question: Question) -> dict[str, Any]:
    """A question back in manifest form (for overriding some of its fields)."""
    raw: dict[str, Any] = {"key": question.key, "type": question.type, "help": question.help}
    if question.has_default:
        raw["default"] = question.default
    if question.choices:
        raw["choices"] = list(question.choices)
    if question.when:
        raw["when"] = question.when
    if question.validators:
        raw["validators"] = [
            {v.kind: v.arg, **({"message": v.message} if v.message else {})}
            for v in question.validators
        ]
    if question.secret:
        raw["secret"] = True
    if question.fields:
        raw["fields"] = [question_to_raw(f) for f in question.fields]
    optional = {
        "min_items": question.min_items or None,
        "max_items": question.max_items,
        "labels": dict(question.labels) or None,
        "options": question.options,
    }
    raw.update((key, value) for key, value in optional.items() if value is not None)
    return raw
