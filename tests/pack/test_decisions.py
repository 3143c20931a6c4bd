"""The decision log: numbered records, superseded when a regeneration changes a choice."""

from __future__ import annotations

import pytest

from infrascaffold.errors import PackError
from infrascaffold.pack.decisions import (
    Decision,
    DecisionSpec,
    decisions_from_records,
    log_decisions,
    parse_decision_specs,
)
from infrascaffold.templating.environment import make_environment

ENV = make_environment()
SPECS = (
    DecisionSpec("cloud", "Cloud", "{{ cloud }}"),
    DecisionSpec("strategy", "Strategy", "{{ s }}"),
)


def test_first_render_numbers_each_decision() -> None:
    log = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"})
    assert [(d.number, d.key, d.value, d.status) for d in log] == [
        (1, "cloud", "aws", "accepted"),
        (2, "strategy", "rolling", "accepted"),
    ]


def test_unchanged_answers_keep_the_log() -> None:
    log = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"})
    assert log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"}, log) == log


def test_changed_answer_supersedes_and_keeps_the_old_record() -> None:
    first = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"})
    second = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "canary"}, first)
    assert second[1] == Decision(2, "strategy", "Strategy", "rolling", "superseded", None, 3)
    assert second[2] == Decision(3, "strategy", "Strategy", "canary", "accepted", 2, None)
    third = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"}, second)
    assert [d.status for d in third] == ["accepted", "superseded", "superseded", "accepted"]
    assert third[3].supersedes == 3


def test_round_trip_through_records() -> None:
    log = log_decisions(SPECS, ENV, {"cloud": "aws", "s": "rolling"})
    assert decisions_from_records([d.as_dict() for d in log]) == log
    assert decisions_from_records("garbage") == []


def test_bad_specs() -> None:
    with pytest.raises(PackError, match="needs `key`"):
        parse_decision_specs([{"key": "x"}], "pack.yaml: decisions")
    with pytest.raises(PackError, match="must be a list"):
        parse_decision_specs({}, "pack.yaml: decisions")
