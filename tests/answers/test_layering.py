"""Answer layering: defaults < answers file < --set; resolution of defaults and conditions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import (
    apply_overrides,
    load_answers_file,
    parse_set_option,
    public_answers,
    raise_problems,
    resolve_answers,
)
from infrascaffold.errors import AnswerError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.untrusted_yaml import plain
from infrascaffold.templating.environment import make_environment
from tests.builders import build_file_tree, pack_from

PACK = load_pack("platform")
ENV = make_environment(PACK.search_roots)


# AWS (the default cloud) needs an account per environment and one for the state: no default.
AWS_ACCOUNTS = (
    "environments.0.account_id=111111111111",
    "environments.1.account_id=222222222222",
    "environments.2.account_id=333333333333",
    "aws_state_account_id=999999999999",
)


def resolve(provided: dict[str, Any], *sets: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    layered = apply_overrides(PACK, provided, [parse_set_option(s) for s in sets])
    return resolve_answers(PACK, ENV, layered)


def test_defaults_fill_everything_but_the_required_project_name() -> None:
    answers, problems = resolve({})
    # The repository the CI identities trust is never guessed; AWS accounts have no default.
    assert problems[0] == ("project_name", "is required and has no default")
    assert {path for path, _ in problems[1:]} == {
        "repository", "environments[0].account_id", "environments[1].account_id",
        "environments[2].account_id", "aws_state_account_id",
    }  # fmt: skip
    assert answers["cloud"] == "aws"
    assert [e["name"] for e in answers["environments"]] == ["dev", "staging", "prod"]


def test_region_default_follows_the_chosen_cloud() -> None:
    answers, _ = resolve({"project_name": "shop", "cloud": "gcp"})
    assert {e["region"] for e in answers["environments"]} == {"europe-west1"}
    assert answers["environments"][0]["project_id"] == "shop-dev"
    answers, _ = resolve({"project_name": "shop", "cloud": "azure"})
    assert answers["environments"][0]["region"] == "westeurope"
    assert "project_id" not in answers["environments"][0]


def test_jinja_default_uses_earlier_answers() -> None:
    answers, _ = resolve({"project_name": "shop", "cloud": "gcp", "owner": "Web Team"})
    assert answers["environments"][2]["project_id"] == "shop-prod"
    # No default is guessed for the repository from the owner and project.
    assert "repository" not in answers


def test_when_skips_questions_that_do_not_apply() -> None:
    answers, _ = resolve({"project_name": "site", "compute": "static-site", "ci": "none"})
    assert "database" not in answers and "cache" not in answers and "repository" not in answers


def test_layers_file_then_set(tmp_path: Path) -> None:
    path = (
        build_file_tree(
            tmp_path,
            {"a.yml": "project_name: shop\ncloud: aws\nowner: one\nrepository: acme/shop\n"},
        )
        / "a.yml"
    )
    provided = load_answers_file(path)
    answers, problems = resolve(
        provided, "owner=two", "environments.1.region=eu-west-3", *AWS_ACCOUNTS
    )
    assert problems == []
    assert answers["owner"] == "two"
    assert answers["environments"][1]["region"] == "eu-west-3"
    assert answers["environments"][0]["region"] == "eu-west-1"


def test_set_can_append_a_record() -> None:
    answers, problems = resolve(
        {"project_name": "shop", "repository": "acme/shop"},
        "environments.3.name=qa",
        "environments.3.cidr=10.40.0.0/16",
        "environments.3.account_id=444444444444",
        *AWS_ACCOUNTS,
    )
    assert problems == []
    assert answers["environments"][3] == {
        "name": "qa",
        "region": "eu-west-1",
        "cidr": "10.40.0.0/16",
        "size": "small",
        "protected": False,
        "runner": "",
        "account_id": "444444444444",
        "monthly_budget": 300,  # the small size's default budget
    }


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("a=1", (["a"], 1)),
        ("a=true", (["a"], True)),
        ("a=x y", (["a"], "x y")),
        ("a.0.b=", (["a", 0, "b"], "")),
        ("a=[1, 2]", (["a"], "[1, 2]")),
        ("a=null", (["a"], None)),
        ("a={x: 1}", (["a"], "{x: 1}")),
        ("a=10.0.0.0/16", (["a"], "10.0.0.0/16")),
    ],
)
def test_parse_set_option(item: str, expected: tuple[list[Any], Any]) -> None:
    parts, value = parse_set_option(item)
    assert (parts, plain(value)) == expected


def test_set_option_keeps_the_text_a_string_question_gets() -> None:
    _, value = parse_set_option("a=0012")
    assert str(value) == "0012" and plain(value) == 10


@pytest.mark.parametrize("item", ["novalue", "=1", ".a=1", "0.a=1"])
def test_parse_set_option_rejects_malformed(item: str) -> None:
    with pytest.raises(AnswerError):
        parse_set_option(item)


def test_set_past_the_end_of_a_list_is_an_error() -> None:
    with pytest.raises(AnswerError, match="past the end"):
        resolve({"project_name": "shop"}, "environments.7.name=x")


def test_unknown_keys_and_wrong_types_are_reported_together() -> None:
    _, problems = resolve(
        {"project_name": "shop", "colud": "aws", "environments": [{"name": 3, "zone": 1}]}
    )
    assert ("colud", "not a question of pack platform (did you mean cloud?)") in problems
    assert ("environments[0].zone", "unknown field") in problems  # nothing close to it
    assert ("environments[0].cidr", "is required and has no default") in problems
    assert any(path == "environments[0].name" for path, _ in problems) is False  # 3 becomes "3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "must be a YAML mapping"),
        ("a: [\n", "invalid YAML"),
    ],
)
def test_load_answers_file_errors_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "answers.yml"
    path.write_text(text)
    with pytest.raises(AnswerError, match=message) as info:
        load_answers_file(path)
    assert info.value.problems[0][0].startswith(str(path))  # then :line:column for YAML errors


def test_missing_answers_file() -> None:
    with pytest.raises(AnswerError, match="No such file"):
        load_answers_file(Path("/nonexistent/answers.yml"))


def test_public_answers_drop_secrets(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "pack.yaml": "name: p\nversion: 1.0.0\nquestions:\n"
            "  - {key: user, default: u}\n  - {key: token, secret: true, default: t}\n",
            "files/x.txt": "x\n",
        },
    )
    pack = pack_from(tmp_path)
    answers, _ = resolve_answers(pack, make_environment(pack.search_roots), {})
    assert answers == {"user": "u", "token": "t"}
    assert public_answers(pack, answers) == {"user": "u"}


slugs = st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True)


@given(file_owner=slugs, set_owner=st.one_of(st.none(), slugs), project=slugs)
@settings(max_examples=50, deadline=None)
def test_later_layers_always_win(file_owner: str, set_owner: str | None, project: str) -> None:
    sets = [f"owner={set_owner}"] if set_owner else []
    answers, problems = resolve(
        {"project_name": project, "owner": file_owner, "repository": "acme/shop"},
        *sets,
        *AWS_ACCOUNTS,
    )
    assert problems == []
    assert answers["owner"] == (set_owner or file_owner)
    assert answers["project_name"] == project


def answer_problems(provided: dict[str, Any], *sets: str) -> list[tuple[str, str]]:
    """What `new` reports: resolution's problems, then the checks', as raise_problems orders them."""
    answers, problems = resolve(provided, *sets)
    with pytest.raises(AnswerError) as info:
        raise_problems(problems + check_answers(PACK, ENV, answers))
    return info.value.problems


EXAMPLE = {"project_name": "shop", "repository": "acme/shop-infra", "domain": "shop.example.com"}


def test_a_wrong_choice_is_one_problem_not_one_per_default_built_on_it() -> None:
    # The region defaults read data.regions[cloud]: not computed from 'aw', so not reported.
    problems = answer_problems({**EXAMPLE, "alert_email": "ops@example.com"}, "cloud=aw")
    assert problems == [("cloud", "'aw' is not one of: aws, gcp, azure (did you mean aws?)")]


def test_a_wrong_answer_comes_before_the_missing_ones() -> None:
    problems = answer_problems({}, "cloud=azur")
    assert problems[0] == ("cloud", "'azur' is not one of: aws, gcp, azure (did you mean azure?)")
    assert {reason for _, reason in problems[1:]} <= {"is required and has no default"} | {
        reason for _, reason in problems if "protected" in reason
    }


def test_no_project_id_is_derived_from_a_wrong_project_name() -> None:
    given = {**EXAMPLE, "alert_email": "ops@example.com", "project_name": "Shop", "cloud": "gcp"}
    answers, _ = resolve(given)
    assert all("project_id" not in env for env in answers["environments"])
    assert "gcp_state_project_id" not in answers
    assert [path for path, _ in answer_problems(given)] == ["project_name"]


def test_a_wrong_record_field_is_not_built_on_within_its_record() -> None:
    given = {**EXAMPLE, "alert_email": "ops@example.com", "cloud": "gcp"}
    given["environments"] = [{"name": "Dev", "cidr": "10.10.0.0/16"}]
    answers, _ = resolve(given)
    assert "project_id" not in answers["environments"][0]  # not "shop-Dev"
    assert [path for path, _ in answer_problems(given)] == ["environments[0].name"]


def test_a_check_reading_a_wrong_answer_is_not_run() -> None:
    # environments[0].region's check reads data.regions[cloud]: it waits for a valid cloud.
    given = {**EXAMPLE, "alert_email": "ops@example.com", "cloud": "mars"}
    given["environments"] = [{"name": "dev", "cidr": "10.10.0.0/16", "region": "eu-west-1"}]
    assert [path for path, _ in answer_problems(given)] == ["cloud"]


def test_unknown_fields_and_choices_get_a_guess() -> None:
    _, problems = resolve({"project_name": "shop", "environments": [{"nmae": "dev"}]})
    assert ("environments[0].nmae", "unknown field (did you mean name?)") in problems


@pytest.mark.parametrize(
    "item", ["environments[0].region=x", "environments.0.region=x", "environments[0][region]=x"]
)
def test_set_takes_list_indexes_in_brackets(item: str) -> None:
    if "][" in item:
        with pytest.raises(AnswerError, match="dotted path"):
            parse_set_option(item)
        return
    assert parse_set_option(item)[0] == ["environments", 0, "region"]


def test_the_problem_path_of_a_record_field_is_one_set_takes() -> None:
    problems = answer_problems({**EXAMPLE, "alert_email": "ops@example.com"}, "cloud=gcp",
                               "environments.1.cidr=10.10.0.0/16")  # fmt: skip
    assert [path for path, _ in problems] == ["environments[1].cidr"]
    assert parse_set_option(f"{problems[0][0]}=10.40.0.0/16")[0] == ["environments", 1, "cidr"]


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("a: [\n", ":2:1", "invalid YAML: did not find expected node content"),
        ("a: 1\n  b: 2\n", ":2:4", "invalid YAML: mapping values are not allowed in this context"),
    ],
)
def test_a_yaml_error_names_line_and_column(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    path = tmp_path / "answers.yml"
    path.write_text(text)
    with pytest.raises(AnswerError) as info:
        load_answers_file(path)
    assert info.value.problems == [(f"{path}{where}", reason)]


def test_a_question_with_ask_false_is_never_asked_and_takes_its_default() -> None:
    asked: list[str] = []

    def ask(question: Any, default: Any, ctx: Any, path: str) -> Any:
        asked.append(question.key)
        return default

    overrides = [parse_set_option(item) for item in AWS_ACCOUNTS]
    provided = apply_overrides(PACK, {"project_name": "shop"}, overrides)
    answers, problems = resolve_answers(PACK, ENV, provided, ask)
    assert "estimate" not in asked
    assert answers["estimate"] == []
    assert not [p for p in problems if p[0].startswith("estimate")]
