"""`message_after:`: the next steps a pack prints after `new`, rendered safely for a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.errors import PackError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.message import render_message_after
from tests.builders import build_file_tree, example_answers, pack_from, render_answers

PACK_YAML = (
    "name: hello\nversion: 1.0.0\nquestions: [{key: name, default: x}]\n"
    'context: {shout: "name | upper"}\n'
)


def small_pack(tmp_path: Path, message: str, extra: str = "") -> Path:
    text = PACK_YAML + extra + (f"message_after: {message}\n" if message else "")
    return build_file_tree(tmp_path / "pack", {"pack.yaml": text, "files/README.md": "hi\n"})


def test_the_message_sees_answers_context_values_and_dest(tmp_path: Path) -> None:
    pack = pack_from(small_pack(tmp_path, "'cd {{ dest }}: {{ name }} {{ shout }}'"))
    assert render_message_after(pack, {"name": "shop"}, "infra") == "cd infra: shop SHOP"


def test_an_answer_cannot_start_a_line_or_drive_the_terminal(tmp_path: Path) -> None:
    pack = pack_from(small_pack(tmp_path, '"a\\nb {{ name }}\\e[1m"'))
    hostile = "x\n::set-output name=a::b\x1b[2J\u2028\r"
    text = render_message_after(pack, {"name": hostile}, ".")
    # The pack's own line break stays; the answer's breaks and escapes, and the pack's own
    # escape character, are shown as text.
    assert text == "a\nb x\\n::set-output name=a::b\\x1b[2J\\u2028\\r\\x1b[1m"
    assert text.count("\n") == 1


def test_no_message_is_an_empty_one(tmp_path: Path) -> None:
    assert render_message_after(pack_from(small_pack(tmp_path, "")), {"name": "x"}, ".") == ""


def test_a_message_that_fails_names_the_manifest_key(tmp_path: Path) -> None:
    pack = pack_from(small_pack(tmp_path, "'{{ 1 // 0 }}'"))
    with pytest.raises(PackError, match=r"pack\.yaml: message_after: ZeroDivisionError"):
        render_message_after(pack, {"name": "x"}, ".")


def test_a_message_must_be_a_string(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="message_after: must be a string"):
        pack_from(small_pack(tmp_path, "[a, b]"))


def test_an_overlay_keeps_the_base_message_unless_it_has_its_own(tmp_path: Path) -> None:
    small_pack(tmp_path, "'from the base'")
    overlay = build_file_tree(
        tmp_path / "overlay", {"pack.yaml": "name: o\nversion: 1.0.0\nextends: ../pack\n"}
    )
    assert pack_from(overlay).message_after == "from the base"
    (overlay / "pack.yaml").write_text(
        "name: o\nversion: 1.0.0\nextends: ../pack\nmessage_after: mine\n"
    )
    assert pack_from(overlay).message_after == "mine"


@pytest.mark.parametrize("example", ["aws-containers", "gcp-kubernetes-canary", "azure-containers"])
def test_the_platform_next_steps_name_what_the_render_has(example: str) -> None:
    answers = example_answers(example)
    tree = render_answers(answers)
    text = render_message_after(load_pack("platform"), resolved(answers), "shop infra")
    first = answers["environments"][0]["name"]
    assert text.splitlines()[:2] == ["Next steps:", "  cd 'shop infra'"]
    assert f"make plan ENV={first}" in text and "plan:" in tree["Makefile"]
    assert "docs/runbooks/bootstrap.md" in text and "docs/runbooks/bootstrap.md" in tree
    assert f"Push to {answers['repository']}" in text


def test_the_platform_next_steps_skip_cd_into_the_current_folder() -> None:
    answers = resolved(example_answers("aws-containers"))
    text = render_message_after(load_pack("platform"), answers, ".")
    assert "cd " not in text and text.splitlines()[1].lstrip().startswith("git init")


def resolved(answers: dict[str, object]) -> dict[str, object]:
    """The answers with the pack's defaults (as `new` passes them)."""
    from infrascaffold.answers.layering import apply_overrides, resolve_answers
    from infrascaffold.templating.environment import make_environment

    pack = load_pack("platform")
    env = make_environment(pack.search_roots)
    return resolve_answers(pack, env, apply_overrides(pack, answers, []))[0]
