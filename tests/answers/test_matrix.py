"""The pairwise answer matrix of `template lint`."""

from __future__ import annotations

from itertools import combinations

from infrascaffold.answers.matrix import closest_base, matrix_questions, pairwise_sets, values_of
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.questions import Question, Validator


def test_every_value_and_every_pair_is_covered() -> None:
    questions = [
        Question("a", "choice", choices=(1, 2, 3)),
        Question("b", "choice", choices=("x", "y")),
        Question("c", "bool"),
    ]
    sets = pairwise_sets(questions, limit=50)
    for q1, q2 in combinations(questions, 2):
        for v1 in values_of(q1):
            for v2 in values_of(q2):
                assert any(s[q1.key] == v1 and s[q2.key] == v2 for s in sets)
    assert len(sets) <= 9  # far fewer than the 12 combinations


def test_cap_still_covers_every_value_first() -> None:
    pack = load_pack("platform")
    questions = matrix_questions(pack.questions, {"cloud": "aws"})
    assert "cloud" not in {q.key for q in questions}
    # 5: sops and vault are both built on AWS containers only, so they need two containers sets
    # beside the other three compute kinds (vault engineer; 4 again once both reach more kinds).
    sets = pairwise_sets(questions, limit=5)
    assert len(sets) == 5
    for q in questions:
        assert {s[q.key] for s in sets} == set(values_of(q))


def test_sets_the_packs_own_checks_refuse_are_never_built() -> None:
    # platform: `delivery: gitops` needs a CI system; a set pairing it with `ci: none` is refused
    # at answer time and would fail every render of the matrix.
    questions = [
        Question("ci", "choice", choices=("github", "none")),
        Question("delivery", "choice", choices=("push", "gitops"),
                 validators=(Validator("expr", "value != 'gitops' or ci != 'none'"),)),
        Question("c", "bool"),
    ]  # fmt: skip
    sets = pairwise_sets(questions, limit=50)
    assert not [s for s in sets if s["ci"] == "none" and s["delivery"] == "gitops"]
    assert {s["delivery"] for s in sets} == {"push", "gitops"}
    assert len(sets) < 50  # the refused pair does not keep the cover running to its cap


def test_the_checks_read_the_answers_a_pack_pins() -> None:
    # an extending pack pins `cloud: aws` (not varied): `secrets: sops` is refused beside
    # kubernetes there, and the cover must know the pinned cloud to leave that pair out.
    questions = [
        Question("compute", "choice", choices=("containers", "kubernetes")),
        Question("secrets", "choice", choices=("cloud", "sops"),
                 validators=(Validator("expr", "value != 'sops' or (cloud == 'aws' and compute == 'containers')"),)),
    ]  # fmt: skip
    sets = pairwise_sets(questions, limit=10, fixed={"cloud": "aws"})
    assert {(s["compute"], s["secrets"]) for s in sets} == {
        ("containers", "cloud"), ("containers", "sops"), ("kubernetes", "cloud")
    }  # fmt: skip


def test_the_platform_matrix_renders_no_refused_delivery() -> None:
    pack = load_pack("platform")
    fixed = {**pack.fixed, "cloud": "aws"}
    sets = pairwise_sets(matrix_questions(pack.questions, fixed), 24, fixed)
    assert not [s for s in sets if s.get("ci") == "none" and s.get("delivery") == "gitops"]


def test_no_questions_means_one_render() -> None:
    assert pairwise_sets([], 5) == [{}]


def test_closest_base_agrees_on_the_earliest_questions_first() -> None:
    aws = {"cloud": "aws", "database": "postgres", "project_name": "a"}
    gcp = {"cloud": "gcp", "database": "none", "project_name": "g"}
    gcp_pg = {"cloud": "gcp", "database": "postgres", "project_name": "p"}
    chosen = {"cloud": "gcp", "database": "postgres"}
    assert closest_base([aws, gcp, gcp_pg], chosen) is gcp_pg
    # the cloud outweighs any number of later agreements
    assert closest_base([aws, gcp], chosen) is gcp
    assert closest_base([aws, gcp], {"cloud": "azure", "database": "none"}) is gcp
    assert closest_base([], chosen) == {}


def test_sample_answers_are_the_questions_examples() -> None:
    from infrascaffold.answers.matrix import sample_answers
    from infrascaffold.pack.questions import parse_questions

    questions = parse_questions(
        [
            {"key": "secrets", "type": "choice", "choices": ["cloud", "vault"], "default": "cloud"},
            {"key": "vault_address", "when": "secrets == 'vault'", "example": "https://v.example"},
            {"key": "owner"},
        ],
        "pack.yaml",
    )
    assert sample_answers(questions) == {"vault_address": "https://v.example"}
