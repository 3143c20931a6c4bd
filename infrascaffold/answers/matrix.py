"""Answer sets for `template lint`: every choice value at least once, pairs across questions.

A greedy all-pairs cover over the pack's choice and bool questions: each new set takes, question
by question, the value that covers the most pairs not yet covered. Capped, since every set is a
full render and validation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from itertools import combinations
from typing import TYPE_CHECKING, Any

from infrascaffold.pack.questions import MISSING, Question
from infrascaffold.templating.environment import EVALUATION_ERRORS, evaluate, make_environment

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

Pair = tuple[str, Any, str, Any]


def matrix_questions(questions: Sequence[Question], fixed: Mapping[str, Any]) -> list[Question]:
    """The questions the matrix varies: choice and bool ones the pack does not fix."""
    return [q for q in questions if q.type in ("choice", "bool") and q.key not in fixed]


def values_of(question: Question) -> list[Any]:
    """The values a varied question can take."""
    return list(question.choices) if question.type == "choice" else [False, True]


@cache
def _check_environment() -> SandboxedEnvironment:
    """One sandbox for every cover's `expr` checks (they read answers only, no templates)."""
    return make_environment()


def _admissible(question: Question, chosen: Mapping[str, Any]) -> list[Any]:
    """The values of `question` its own `expr` checks accept beside the answers chosen so far.

    A set the pack refuses at answer time (`delivery: gitops` with `ci: none`) renders nothing,
    so the cover never builds one. A check that reads an answer not chosen yet (or fails to
    evaluate) does not exclude a value; when no value passes, every value stays a candidate.
    """
    checks = [v for v in question.validators if v.kind == "expr"]
    if not checks:
        return values_of(question)
    env = _check_environment()

    def passes(value: Any) -> bool:
        for check in checks:
            try:
                if not evaluate(env, str(check.arg), {**chosen, "value": value}):
                    return False
            except EVALUATION_ERRORS:
                continue
        return True

    return [v for v in values_of(question) if passes(v)] or values_of(question)


def pairwise_sets(
    questions: Sequence[Question], limit: int, fixed: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Up to `limit` answer sets covering every value, then as many value pairs as fit.

    `fixed`: the answers a pack pins (not varied), which the questions' checks may read."""
    if not questions:
        return [{}]
    uncovered = _all_pairs(questions)
    unseen = {(q.key, v) for q in questions for v in values_of(q)}
    sets: list[dict[str, Any]] = []
    while (uncovered or unseen) and len(sets) < limit:
        chosen = _next_set(questions, uncovered, unseen, fixed or {})
        covered = _pairs_of(chosen, questions) & uncovered
        if sets and not covered and not set(chosen.items()) & unseen:
            break  # what is left, the pack's own checks refuse (see _admissible)
        sets.append(chosen)
        unseen -= set(chosen.items())
        uncovered -= covered
    return sets


def _all_pairs(questions: Sequence[Question]) -> set[Pair]:
    return {
        (a.key, va, b.key, vb)
        for a, b in combinations(questions, 2)
        for va in values_of(a)
        for vb in values_of(b)
    }


def _pairs_of(chosen: Mapping[str, Any], questions: Sequence[Question]) -> set[Pair]:
    return {(a.key, chosen[a.key], b.key, chosen[b.key]) for a, b in combinations(questions, 2)}


def _next_set(
    questions: Sequence[Question],
    uncovered: set[Pair],
    unseen: set[tuple[str, Any]],
    fixed: Mapping[str, Any],
) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for question in questions:

        def gain(value: Any, q: Question = question) -> tuple[bool, int, int]:
            new_pairs = sum(
                (key, picked, q.key, value) in uncovered or (q.key, value, key, picked) in uncovered
                for key, picked in chosen.items()
            )
            potential = sum(
                (a, va) == (q.key, value) or (b, vb) == (q.key, value) for a, va, b, vb in uncovered
            )
            return ((q.key, value) in unseen, new_pairs, potential)

        chosen[question.key] = max(_admissible(question, {**fixed, **chosen}), key=gain)
    return chosen


def sample_answers(questions: Sequence[Question]) -> dict[str, Any]:
    """The questions' `example` answers: what a matrix set takes for a required answer that
    neither it nor its base gives (an answer asked only for one choice, such as a Vault address)."""
    return {q.key: q.example for q in questions if q.example is not MISSING}


def closest_base(
    bases: Sequence[Mapping[str, Any]], chosen: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The base answer set closest to a matrix set, to fill what the matrix does not vary.

    Closest agrees on the earliest varied questions first (in the pack's order, so the cloud
    before the database), then on the most of them; ties go to the first base. No bases: `{}`.
    """
    if not bases:
        return {}

    def agreement(base: Mapping[str, Any]) -> tuple[bool, ...]:
        return tuple(base.get(key) == value for key, value in chosen.items())

    return max(bases, key=lambda base: (agreement(base), sum(agreement(base))))
