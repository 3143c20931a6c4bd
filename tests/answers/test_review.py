"""The review after the interview: the summary, and what is asked again when answers change."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from infrascaffold.answers.review import interview_answers, revise_answer, summary
from infrascaffold.errors import AnswerError, PackError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.questions import Question
from infrascaffold.templating.environment import make_environment
from tests.builders import build_file_tree, example_answers, pack_from

PACK = load_pack("platform")
ENV = make_environment(PACK.search_roots)


class Recorder:
    """An asker answering from a script by key path (else the default), recording each path."""

    def __init__(self, script: Mapping[str, Any] | None = None) -> None:
        self.script = dict(script or {})
        self.asked: list[str] = []

    def __call__(self, question: Question, default: Any, ctx: Mapping[str, Any], path: str) -> Any:
        self.asked.append(path)
        return self.script.get(path, default)


def test_a_given_answer_that_fails_is_asked_again_before_what_depends_on_it() -> None:
    given = example_answers("aws-containers") | {"cloud": "aw"}
    ask = Recorder({"cloud": "aws"})
    answers = interview_answers(PACK, ENV, given, ask)
    assert ask.asked[0] == "cloud" and answers["cloud"] == "aws"
    assert [e["region"] for e in answers["environments"]] == ["eu-west-1"] * 3


def test_an_unknown_key_is_reported_before_any_question() -> None:
    ask = Recorder()
    with pytest.raises(AnswerError) as info:
        interview_answers(PACK, ENV, {"colud": "aws"}, ask)
    assert info.value.problems == [
        ("colud", "not a question of pack platform (did you mean cloud?)")
    ]
    assert ask.asked == []


def test_changing_the_cloud_asks_what_it_invalidates_and_keeps_the_rest() -> None:
    given = example_answers("aws-containers")
    answers = interview_answers(PACK, ENV, given, Recorder())
    ask = Recorder({"cloud": "gcp", "environments[1].region": "europe-west4"})
    revised = revise_answer(PACK, ENV, answers, "cloud", ask)
    assert ask.asked[0] == "cloud"
    assert set(ask.asked[1:]) == {
        *(f"environments[{i}].project_id" for i in range(3)),
        *(f"environments[{i}].region" for i in range(3)),
        "gcp_state_project_id",
        "gcp_billing_account",  # the budgets' billing account (empty: each project's own)
        "gcp_enforce_locations",  # the resourceLocations org policy
    }
    assert [e["region"] for e in revised["environments"]] == [
        "europe-west1", "europe-west4", "europe-west1",
    ]  # fmt: skip
    assert all("account_id" not in e for e in revised["environments"])
    kept = ["project_name", "owner", "compute", "domain", "repository"]
    assert {k: revised[k] for k in kept} == {k: answers[k] for k in kept}


def test_the_summary_lists_every_answer_one_per_line_escaped() -> None:
    answers = interview_answers(
        PACK, ENV, example_answers("aws-containers") | {"owner": "ops"}, Recorder()
    )
    answers["owner"] = "ops\x1b[2J\nfake: line"  # as a hostile pack's question could allow
    lines = summary(PACK, answers).splitlines()
    assert lines[0] == "Your answers:"
    assert "  owner: ops\\x1b[2J\\nfake: line" in lines
    assert lines[lines.index("  environments:") + 1].startswith("    #0 dev: region=eu-west-1")
    assert (
        lines[lines.index("  services:") + 1]
        == "    #0 app: kind=http, path=/, runtime=container, port=8080, health_path=/"
    )
    records = len(answers["environments"]) + len(answers["services"])
    assert len(lines) == 1 + len(answers) + records


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("{a: A, z: Z}", "'z' is not one of the choices"),
        ("[a]", "must map choices to their labels"),
    ],
)
def test_labels_name_choices(tmp_path: Path, labels: str, message: str) -> None:
    manifest = f"name: p\nversion: 1.0.0\nquestions: [{{key: k, type: choice, choices: [a, b], labels: {labels}}}]\n"
    build_file_tree(tmp_path, {"pack.yaml": manifest})
    with pytest.raises(PackError, match=message):
        pack_from(tmp_path)


def test_an_overlay_narrowing_the_choices_keeps_their_labels(tmp_path: Path) -> None:
    overlay = "name: o\nversion: 1.0.0\nextends: platform\nquestions: [{key: compute, choices: [containers, kubernetes]}]\n"
    build_file_tree(tmp_path, {"pack.yaml": overlay})
    compute = next(q for q in pack_from(tmp_path).questions if q.key == "compute")
    assert [value for value, _ in compute.labels] == ["containers", "kubernetes"]


def test_answers_left_at_a_default_follow_the_answer_it_was_built_on() -> None:
    given = example_answers("gcp-containers")
    for env in given["environments"]:
        del env["project_id"]  # left at the default: shop-<env>
    given["environments"][2]["project_id"] = "acme-prod"  # typed: kept
    answers = interview_answers(PACK, ENV, given, Recorder())
    ask = Recorder({"project_name": "web"})
    revised = revise_answer(PACK, ENV, answers, "project_name", ask)
    assert [e["project_id"] for e in revised["environments"]] == [
        "web-dev",
        "web-staging",
        "acme-prod",
    ]
    assert ask.asked == ["project_name", "environments[0].project_id", "environments[1].project_id"]
