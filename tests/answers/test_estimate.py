"""`--estimate FILE` → the `estimate` answer; a bad file names itself and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infrascaffold.answers.estimate import estimate_records, in_estimate_file, load_estimate
from infrascaffold.errors import AnswerError


def test_shared_and_per_environment_figures_become_records(tmp_path: Path) -> None:
    path = tmp_path / "estimate.yml"
    path.write_text(
        "services:\n  api: {rps: 200}\nenvironments:\n  prod:\n    api: {rps: 900, payload_kb: 64}\n",
        encoding="utf-8",
    )
    assert load_estimate(path) == [
        {"service": "api", "environment": "", "rps": 200, "payload_kb": 16},
        {"service": "api", "environment": "prod", "rps": 900, "payload_kb": 64},
    ]


@pytest.mark.parametrize(
    ("raw", "where", "reason"),
    [
        ([1], "est.yml", "an estimate file must be a YAML mapping (services: ...)"),
        ({"service": {}}, "est.yml: service", "unknown key (expected services or environments)"),
        ({"services": {"api": {"rps": -1}}}, "est.yml: services.api.rps",
         "-1 is not a whole number from 0 to 1000000"),
        ({"services": {"api": {"rps": True}}}, "est.yml: services.api.rps",
         "True is not a whole number from 0 to 1000000"),
        ({"services": {"api": {}}}, "est.yml: services.api.rps",
         "missing: expected requests per second"),
        ({"services": {"api": {"rps": 1, "kb": 2}}}, "est.yml: services.api.kb",
         "unknown key (expected rps or payload_kb)"),
        ({"environments": {"prod": {"api": {"rps": 1, "payload_kb": 0}}}},
         "est.yml: environments.prod.api.payload_kb", "0 is not a whole number from 1 to 102400"),
        ({"environments": ["prod"]}, "est.yml: environments",
         "must be a mapping of environment names"),
    ],
)  # fmt: skip
def test_a_bad_file_names_the_file_and_the_key(raw: Any, where: str, reason: str) -> None:
    with pytest.raises(AnswerError) as caught:
        estimate_records(raw, "est.yml")
    assert caught.value.problems == [(where, reason)]


def test_the_pack_s_problems_are_named_where_the_file_has_them() -> None:
    records = [
        {"service": "api", "environment": "", "rps": 1, "payload_kb": 16},
        {"service": "worker", "environment": "prod", "rps": 1, "payload_kb": 16},
    ]
    exc = AnswerError([("estimate[1].service", "not http"), ("services[0].cpu", "bad")])
    named = in_estimate_file(exc, Path("est.yml"), records)
    assert named.problems == [("est.yml: environments.prod.worker", "not http"),
                              ("services[0].cpu", "bad")]  # fmt: skip
    assert in_estimate_file(exc, None, records) is exc
