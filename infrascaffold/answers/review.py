"""After the interview: the summary, `Write N files to DEST? [Y/n/edit]`, and changing an
earlier answer (what depends on it is asked again, the rest is kept).

`interview_answers` and `revise_answer` never return answers with problems: an answer that no
longer passes its checks (a region of the old cloud after `cloud` changed) is asked again.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import click
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import (
    REQUIRED,
    Asker,
    answer_context,
    default_value,
    raise_problems,
    resolve_answers,
)
from infrascaffold.answers.value_checks import Problem
from infrascaffold.errors import escaped
from infrascaffold.pack.model import Pack
from infrascaffold.pack.questions import Question
from infrascaffold.templating.environment import EVALUATION_ERRORS

WRITE, CANCEL = "write", "cancel"
_ROUNDS = 5  # asking again what changed answers invalidate settles in one or two rounds
_PATH = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>[0-9]+)\](?:\.(?P<field>\w+))?)?"
)


def interview_answers(
    pack: Pack, env: SandboxedEnvironment, provided: Mapping[str, Any], ask: Asker
) -> dict[str, Any]:
    """Ask every question `provided` does not answer; a given answer that fails is asked again
    (before anything that depends on it).

    Problems no question can fix (an unknown key in the answers file) are raised at once,
    before the first question.
    """
    answers, problems = resolve_answers(pack, env, provided)  # what is given, asking nothing
    problems += check_answers(pack, env, answers)
    return _settle(pack, env, _without(pack, provided, problems), ask)


def revise_answer(
    pack: Pack, env: SandboxedEnvironment, answers: Mapping[str, Any], key: str, ask: Asker
) -> dict[str, Any]:
    """Ask `key` again (its answer is the default), then what the new answer invalidates."""
    question = next(q for q in pack.questions if q.key == key)
    given = copy.deepcopy(dict(answers))
    given[key] = ask(question, given.get(key), answer_context(pack, answers), key)
    return _settle(pack, env, _following(pack, env, answers, given), ask)


def _following(
    pack: Pack, env: SandboxedEnvironment, old: Mapping[str, Any], new: dict[str, Any]
) -> dict[str, Any]:
    """`new` without the answers left at a default that the change moves: they follow it
    (`project_id`, `shop-dev`, after `project_name` became `web`), asked with the new default."""
    old_ctx, new_ctx = answer_context(pack, old), answer_context(pack, new)
    for q in pack.questions:
        value = new.get(q.key)
        if q.type == "list" and isinstance(value, list):
            before = old.get(q.key)
            for i, record in enumerate(value):
                was = before[i] if isinstance(before, list) and i < len(before) else {}
                old_item, new_item = {**old_ctx, "item": was}, {**new_ctx, "item": record}
                for field in q.fields:
                    if field.key in record and _moved(env, field, record, old_item, new_item):
                        del record[field.key]
        elif q.key in new and _moved(env, q, new, old_ctx, new_ctx):
            del new[q.key]
    return new


def _moved(
    env: SandboxedEnvironment,
    question: Question,
    answers: Mapping[str, Any],
    old_ctx: Mapping[str, Any],
    new_ctx: Mapping[str, Any],
) -> bool:
    """Whether `answers[question.key]` is the question's old default and the default moved."""
    value = answers[question.key]
    if not question.has_default:
        return False
    try:
        before, after = default_value(env, question, old_ctx), default_value(env, question, new_ctx)
    except EVALUATION_ERRORS:  # a default that cannot follow: the answer stays
        return False
    return bool(value == before != after)


def _settle(
    pack: Pack, env: SandboxedEnvironment, given: dict[str, Any], ask: Asker
) -> dict[str, Any]:
    """Resolve with the interview until no answer has a problem (asking again what has one)."""
    for _ in range(_ROUNDS):
        answers, problems = resolve_answers(pack, env, given, ask)
        problems += check_answers(pack, env, answers)
        if not problems:
            return answers
        given = _without(pack, answers, problems)
    raise_problems(problems)
    return given  # pragma: no cover - raise_problems raised


def review(pack: Pack, answers: Mapping[str, Any], files: int, dest: str) -> str:
    """Print the answers, ask `Write N files to DEST? [Y/n/edit]`: WRITE, CANCEL or a key."""
    click.echo(summary(pack, answers))
    reply = click.prompt(
        f"Write {files} files to {escaped(dest)}? [Y/n/edit]",
        default="y",
        show_default=False,
        type=click.Choice(["y", "yes", "n", "no", "e", "edit"], case_sensitive=False),
        show_choices=False,
    ).lower()
    if reply in ("y", "yes"):
        return WRITE
    if reply in ("n", "no"):
        return CANCEL
    import questionary  # slow to import: only when asked

    keys = [q.key for q in pack.questions if q.key in answers and q.key not in pack.fixed]
    labels = [f"{key}: {_brief(pack, key, answers[key])}" for key in keys]
    picked = questionary.select("Change which answer?", choices=labels).unsafe_ask()
    return keys[labels.index(picked)]


def summary(pack: Pack, answers: Mapping[str, Any]) -> str:
    """Every answer, one per line, in question order (secrets hidden, records one per line)."""
    lines = ["Your answers:"]
    for q in pack.questions:
        if q.key not in answers:
            continue
        value = answers[q.key]
        if q.type != "list":
            lines.append(f"  {q.key}: {_shown(value, secret=q.secret)}")
            continue
        lines.append(f"  {q.key}:")
        secret = {f.key for f in q.fields if f.secret}
        for i, record in enumerate(value):
            fields = ", ".join(
                f"{k}={_shown(v, secret=k in secret)}" for k, v in record.items() if k != "name"
            )
            lines.append(f"    #{i} {_shown(record.get('name', i))}: {fields}")
    return "\n".join(lines)


def _shown(value: Any, *, secret: bool = False) -> str:
    if secret:
        return "********"
    return escaped(value if isinstance(value, str) else str(value)) or '""'


def _brief(pack: Pack, key: str, value: Any) -> str:
    """An answer in a menu line: a list of records by their names."""
    question = next(q for q in pack.questions if q.key == key)
    if question.type == "list" and isinstance(value, list):
        return ", ".join(_shown(r.get("name", i)) for i, r in enumerate(value)) or "(none)"
    return _shown(value, secret=question.secret)


def _without(pack: Pack, answers: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """`answers` without the values the problems are about, to be asked again.

    A missing answer is asked anyway. A problem about no question (an unknown key or field) is
    raised: asking cannot fix it.
    """
    kept = copy.deepcopy(dict(answers))
    fields = {q.key: {f.key for f in q.fields} for q in pack.questions}
    unfixable = [p for p in problems if not _drop(kept, fields, p[0]) and p[1] != REQUIRED]
    if unfixable:
        raise_problems(unfixable)
    return kept


def _drop(answers: dict[str, Any], fields: Mapping[str, set[str]], path: str) -> bool:
    """Remove the value at `path` (`key` or `key[i].field`); False when it names no answer."""
    match = _PATH.fullmatch(path)
    if not match or match["key"] not in fields:
        return False
    key, index, field = match["key"], match["index"], match["field"]
    if field and field not in fields[key]:
        return False
    if not field:
        answers.pop(key, None)
        return True
    records = answers.get(key)
    if not isinstance(records, list) or int(index) >= len(records):
        return True  # a record that is not there any more
    record = records[int(index)]
    return isinstance(record, dict) and record.pop(field, _ABSENT) is not _ABSENT


_ABSENT = object()
