"""Every validator with good and bad values, and whole-file reporting."""

from __future__ import annotations

from typing import Any

import pytest

from infrascaffold.answers.checks import check_answers, check_value
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.questions import Question, Validator
from infrascaffold.templating.environment import make_environment

ENV = make_environment()


def problems(validator: Validator, value: Any, qtype: str = "str") -> list[tuple[str, str]]:
    question = Question(key="k", type=qtype, validators=(validator,))
    return check_value(ENV, question, value, {"cloud": "aws"}, "k")


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (Validator("regex", "^[a-z]+$"), "abc", "ABC"),
        (Validator("min", 3), 3, 2),
        (Validator("max", 3), 3, 4),
        (Validator("min", 3), "abc", "ab"),
        (Validator("max", 3), "abc", "abcd"),
        (
            Validator("cidr", {"private": True, "min_prefix": 16, "max_prefix": 24}),
            "10.0.0.0/16",
            "8.8.0.0/16",
        ),
        (Validator("cidr", {"min_prefix": 16, "max_prefix": 24}), "10.0.0.0/24", "10.0.0.0/8"),
        (Validator("cidr", {}), "192.168.0.0/16", "10.0.0.1/16"),
        (Validator("cidr", {}), "172.16.0.0/12", "not-a-cidr"),
        (Validator("expr", "value in ['a', 'b']"), "a", "c"),
        (Validator("name", True), "platform-team", 'x"y'),
        (Validator("name", True), "ok", "a${b}"),
        (Validator("name", True), "ok", "a%{b}"),
        (Validator("name", True), "ok", "two\nlines"),
    ],
)
def test_validator_accepts_good_and_rejects_bad(validator: Validator, good: Any, bad: Any) -> None:
    qtype = "int" if isinstance(good, int) else "str"
    assert problems(validator, good, qtype) == []
    found = problems(validator, bad, qtype)
    assert len(found) == 1 and found[0][0] == "k"


def test_validator_message_is_rendered_with_the_value() -> None:
    validator = Validator("expr", "value == 'x'", "{{ value }} is not x in {{ cloud }}")
    assert problems(validator, "y") == [("k", "y is not x in aws")]


def test_unique_and_disjoint_name_the_record_paths() -> None:
    question = Question(
        key="envs",
        type="list",
        fields=(Question(key="name"), Question(key="cidr")),
        validators=(Validator("unique", "name"), Validator("disjoint", "cidr")),
    )
    records = [
        {"name": "a", "cidr": "10.10.0.0/16"},
        {"name": "b", "cidr": "10.20.0.0/16"},
        {"name": "a", "cidr": "10.10.128.0/17"},
    ]
    assert check_value(ENV, question, records, {}, "envs") == [
        ("envs[2].name", "'a' is already used by envs[0]"),
        ("envs[2].cidr", "overlaps envs[0].cidr 10.10.0.0/16"),
    ]


def test_choice_and_multichoice() -> None:
    choice = Question(key="c", type="choice", choices=("a", "b"))
    assert check_value(ENV, choice, "a", {}, "c") == []
    assert check_value(ENV, choice, "z", {}, "c") == [("c", "'z' is not one of: a, b")]
    multi = Question(key="m", type="multichoice", choices=("a", "b"))
    assert check_value(ENV, multi, ["a", "b"], {}, "m") == []
    assert len(check_value(ENV, multi, ["a", "z"], {}, "m")) == 1


def test_list_item_counts() -> None:
    question = Question(
        key="l", type="list", fields=(Question(key="name"),), min_items=1, max_items=2
    )
    assert check_value(ENV, question, [], {}, "l") == [("l", "needs at least 1 item(s)")]
    assert check_value(ENV, question, [{"name": "a"}] * 3, {}, "l")[0][1].startswith(
        "allows at most 2"
    )


def valid_answers() -> dict[str, Any]:
    return {
        "project_name": "shop",
        "owner": "platform-team",
        "cloud": "aws",
        "compute": "containers",
        "database": "postgres",
        "cache": "none",
        "ci": "github-actions",
        "repository": "acme/shop",
        "deploy_strategy": "rolling",
        # prod is protected: production needs a domain (HTTPS) and an alert e-mail.
        "domain": "shop.example.com",
        "alert_email": "oncall@example.com",
        "environments": [
            {
                "name": "dev",
                "region": "eu-west-1",
                "cidr": "10.10.0.0/16",
                "size": "small",
                "protected": False,
            },
            {
                "name": "prod",
                "region": "eu-west-1",
                "cidr": "10.30.0.0/16",
                "size": "large",
                "protected": True,
            },
        ],
    }


def test_builtin_pack_accepts_valid_answers() -> None:
    pack = load_pack("platform")
    assert check_answers(pack, make_environment(pack.search_roots), valid_answers()) == []


def test_builtin_pack_reports_every_problem_with_its_key_path() -> None:
    pack = load_pack("platform")
    answers = valid_answers()
    answers["project_name"] = "Shop!"
    answers["environments"][1].update(region="europe-west1", cidr="10.10.0.0/20")
    answers["environments"].append(
        {
            "name": "dev",
            "region": "eu-west-1",
            "cidr": "8.8.8.0/24",
            "size": "small",
            "protected": False,
        }
    )
    found = dict(check_answers(pack, make_environment(pack.search_roots), answers))
    assert set(found) == {
        "project_name",
        "environments[1].region",
        "environments[2].cidr",
        "environments[2].name",
        "environments[1].cidr",
    }
    assert found["environments[1].region"] == (
        "europe-west1 is not a aws region (e.g. eu-west-1, us-east-1, us-east-2, us-west-1,"
        " us-west-2)"
    )
    assert found["environments[1].cidr"] == "overlaps environments[0].cidr 10.10.0.0/16"


@pytest.mark.parametrize("owner", ['team"; evil', "a${x}", "a%{x}", "multi\nline"])
def test_builtin_pack_rejects_names_that_could_inject(owner: str) -> None:
    pack = load_pack("platform")
    answers = {**valid_answers(), "owner": owner}
    assert any(
        path == "owner"
        for path, _ in check_answers(pack, make_environment(pack.search_roots), answers)
    )
