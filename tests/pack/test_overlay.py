"""Overlays: a pack extending another overrides files, adds questions, fixes answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.answers.checks import check_answers
from infrascaffold.answers.layering import resolve_answers
from infrascaffold.errors import PackError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.context import build_context
from infrascaffold.render.files import render_pack
from infrascaffold.templating.environment import make_environment
from tests.builders import build_file_tree

BASE = """\
name: base
version: 1.0.0
questions:
  - {key: cloud, type: choice, choices: [aws, gcp], default: aws}
  - {key: owner, default: team, help: Owner}
  - key: envs
    type: list
    default: [{name: dev, region: eu-west-1}]
    fields: [{key: name}, {key: region}]
data: {sizes: data/sizes.yaml}
files:
  - {path: aws, to: ., when: "cloud == 'aws'"}
"""

OVERLAY = """\
name: acme
version: 2.0.0
extends: ../base
questions:
  - {key: cost_center, default: cc-0001}
  - {key: owner, default: acme-platform}
fixed: {cloud: aws}
validators:
  owner:
    - regex: "acme-.*"
      message: "owners start with acme-"
  envs.region:
    - expr: "value in ['eu-west-1']"
      message: "{{ value }} is not approved"
"""


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    build_file_tree(
        tmp_path / "base",
        {
            "pack.yaml": BASE,
            "data/sizes.yaml": "small: 1\n",
            "files/aws/main.tf.j2": "# base {{ owner }}\n",
            "files/aws/keep.txt": "kept\n",
            "partials/p.j2": "base partial",
        },
    )
    build_file_tree(
        tmp_path / "acme",
        {
            "pack.yaml": OVERLAY,
            "files/aws/main.tf.j2": "# acme {{ owner }} {{ cost_center }} {% include 'partials/p.j2' %}\n",
            "files/CONVENTIONS.md": "ours\n",
        },
    )
    return tmp_path / "acme"


def render(
    pack_dir: Path, provided: dict[str, object]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    pack = load_pack(str(pack_dir))
    env = make_environment(pack.search_roots)
    answers, problems = resolve_answers(pack, env, provided)
    problems += check_answers(pack, env, answers)
    return render_pack(pack, env, build_context(pack, env, answers)), problems


def test_overlay_overrides_adds_and_keeps(packs: Path) -> None:
    pack = load_pack(str(packs))
    assert (pack.name, pack.version) == ("acme", "2.0.0")
    assert [q.key for q in pack.questions] == ["cloud", "owner", "envs", "cost_center"]
    owner = next(q for q in pack.questions if q.key == "owner")
    assert owner.default == "acme-platform" and owner.help == "Owner"
    assert pack.extends is not None and pack.extends.endswith("base")
    tree, problems = render(packs, {})
    assert problems == []
    assert tree == {
        "CONVENTIONS.md": "ours\n",
        "keep.txt": "kept\n",
        "main.tf": "# acme acme-platform cc-0001 base partial",  # trim_blocks eats the newline
    }


def test_fixed_answer_cannot_be_changed(packs: Path) -> None:
    _, problems = render(packs, {"cloud": "gcp"})
    assert ("cloud", "is fixed to 'aws' by pack acme") in problems


def test_extra_validators_apply_to_answers_and_fields(packs: Path) -> None:
    _, problems = render(packs, {"owner": "bob", "envs": [{"name": "dev", "region": "us-east-1"}]})
    assert ("owner", "owners start with acme-") in problems
    assert ("envs[0].region", "us-east-1 is not approved") in problems


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            "name: x\nversion: 1.0.0\nextends: ../base\nvalidators: {nope: [{regex: a}]}\n",
            "names no question",
        ),
        (
            "name: x\nversion: 1.0.0\nextends: ../base\nvalidators: {envs.zone: [{regex: a}]}\n",
            "has no field 'zone'",
        ),
        ("name: x\nversion: 1.0.0\nvalidators: {a: [{regex: a}]}\n", "only a pack that `extends:`"),
        ("name: x\nversion: 1.0.0\nextends: ../missing\n", "unknown pack"),
    ],
)
def test_bad_overlays(packs: Path, overlay: str, message: str) -> None:
    (packs / "pack.yaml").write_text(overlay)
    with pytest.raises(PackError, match=message):
        load_pack(str(packs))
