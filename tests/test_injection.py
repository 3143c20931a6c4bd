"""Escaping does not depend on validators: 25 injection payloads through a validator-free overlay.

The overlay drops the `repository` validators (docs/authoring.md allows it). Each payload, given
as `repository` and rendered for one cloud and CI system, must stay data:

- every YAML file re-parses to the same structure as a benign render's (no injected job or key);
- the render validates as the benign one does (HCL parses, CI schemas hold);
- in shell (`.sh` files, Markdown shell blocks, CI `run:`/`script:` steps) every occurrence of
  the payload's marker sits inside single quotes, `$'…'` or a comment: never live;
- no HCL interpolation and no GitHub Actions expression holds the marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from infrascaffold.pack.manifest import load_pack_from
from infrascaffold.pack.model import Pack
from infrascaffold.validate import validate_tree
from tests.builders import build_file_tree, example_answers, render_answers

MARK = "PWN"
PAYLOADS = [
    f'acme/x"{MARK}',
    f"acme/x'{MARK}",
    f"acme/x\\{MARK}",
    f"acme/x\n{MARK}",
    f'acme/x\ninjected-job:\n  script: ["touch {MARK}"]\n#',
    f"acme/${{{MARK}}}",
    f"acme/${{var.{MARK}}}",
    f"acme/%{{ if true }}{MARK}%{{ endif }}",
    f"acme/$(touch {MARK})",
    f"acme/`touch {MARK}`",
    f"acme/x; touch {MARK}",
    f"acme/x && touch {MARK} || true",
    f"acme/x | tee {MARK}",
    f"acme/{MARK}*",
    f"acme/x: {MARK}",
    f"acme/x #{MARK}",
    f"acme/[{MARK}]",
    f"acme/{{{MARK}: 1}}",
    f"acme/&{MARK} *{MARK}",
    f"acme/!!python/object {MARK}",
    f"acme/{{{{ 7 * 7 }}}}{MARK}",
    f"acme/${{{{ secrets.{MARK} }}}}",
    f"acme/x\r\n{MARK}: z",
    f"acme/x\u2028{MARK}\x85",
    f"acme/x'\"; touch {MARK}; echo \"'",
]
CASES = [("aws", "aws-containers"), ("gcp", "gcp-containers"), ("azure", "azure-containers")]
CIS = ["github-actions", "gitlab-ci"]
STRIPPED = """\
name: stripped
version: 1.0.0
extends: platform
questions:
  - {key: repository, validators: []}
"""


@pytest.fixture(scope="module")
def stripped(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = build_file_tree(tmp_path_factory.mktemp("stripped"), {"pack.yaml": STRIPPED})
    return load_pack_from(root, str(root))


def answers(example: str, ci: str, repository: str) -> dict[str, Any]:
    return {**example_answers(example), "ci": ci, "repository": repository}


_BASELINES: dict[tuple[str, str], tuple[dict[str, str], set[str]]] = {}


def baseline(pack: Pack, example: str, ci: str) -> tuple[dict[str, str], set[str]]:
    """The benign render of a combination and its validation errors."""
    if (example, ci) not in _BASELINES:
        tree = render_answers(answers(example, ci, "acme/shop"), pack)
        _BASELINES[example, ci] = tree, _errors(tree)
    return _BASELINES[example, ci]


def _errors(tree: dict[str, str]) -> set[str]:
    return {f"{f.check} {f.path}" for f in validate_tree(tree) if f.severity == "error"}


def shape(value: Any) -> Any:
    """The structure of parsed YAML: keys and nesting, scalars reduced to their type."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def live_marks(script: str) -> list[int]:
    """Offsets of MARK in `script` that are not single-quoted, `$'…'`-quoted or commented."""
    live, state, i = [], "plain", 0
    while i < len(script):
        if script.startswith(MARK, i) and state in ("plain", "double"):
            live.append(i)
        state, i = _step(script, i, state)
    return live


def _step(script: str, i: int, state: str) -> tuple[str, int]:
    """A POSIX shell quoting state machine: the state after script[i] and the next index."""
    ch = script[i]
    if state == "plain":
        starts = {"'": "single", '"': "double"}
        if ch == "\\":
            return state, i + 2
        if script.startswith("$'", i):
            return "ansi", i + 2
        if ch == "#" and (i == 0 or script[i - 1] in " \t\n;"):
            return "comment", i + 1
        return starts.get(ch, state), i + 1
    ends = {"single": "'", "comment": "\n", "double": '"', "ansi": "'"}
    if ch == "\\" and state in ("double", "ansi"):
        return state, i + 2
    return ("plain" if ch == ends[state] else state), i + 1


_FENCE = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.M | re.S)
_SCRIPT_KEYS = {"run", "script", "before_script", "after_script"}


def shell_fragments(tree: dict[str, str]) -> Iterator[tuple[str, str]]:
    for path, text in tree.items():
        if path.endswith(".sh"):
            yield path, text
        elif path.endswith(".md"):
            for match in _FENCE.finditer(text):
                yield path, match.group(1)
        elif path.endswith((".yml", ".yaml")):
            for script in _scripts(yaml.safe_load(text)):
                yield path, script


def _scripts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _SCRIPT_KEYS and isinstance(item, str | list):
                yield from (
                    s for s in (item if isinstance(item, list) else [item]) if isinstance(s, str)
                )
            else:
                yield from _scripts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scripts(item)


_LIVE_HCL = re.compile(rf"(?<![$%])[$%]\{{[^}}\n]*{MARK}")
_LIVE_GITHUB = re.compile(rf"\$\{{\{{(?:(?!\}}\}}).)*{MARK}", re.S)


def _yaml_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _yaml_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _yaml_strings(item)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_payload_stays_data_without_validators(stripped: Pack, index: int) -> None:
    payload = PAYLOADS[index]
    _, example = CASES[index % len(CASES)]
    ci = CIS[index % len(CIS)]
    benign, benign_errors = baseline(stripped, example, ci)
    tree = render_answers(answers(example, ci, payload), stripped)

    assert set(tree) == set(benign)
    for path, text in tree.items():
        if path.endswith((".yml", ".yaml")):
            parsed = yaml.safe_load(text)
            assert shape(parsed) == shape(yaml.safe_load(benign[path])), path
            if path.startswith(".github/"):
                assert not any(_LIVE_GITHUB.search(s) for s in _yaml_strings(parsed)), path
        if path.endswith((".tf", ".tfvars", ".hcl")):
            assert not _LIVE_HCL.search(text), (path, _LIVE_HCL.search(text))
    assert _errors(tree) <= benign_errors
    live = [(path, script) for path, script in shell_fragments(tree) if live_marks(script)]
    assert not live, live[0]


def test_the_live_check_sees_an_unescaped_word() -> None:
    assert live_marks(f'echo "s3://$(touch {MARK})"') and live_marks(f"echo {MARK}")
    assert not live_marks(f"echo '{MARK}' $'x\\n{MARK}' # {MARK}")


def test_the_overlay_really_drops_the_validators(stripped: Pack) -> None:
    repository = next(q for q in stripped.questions if q.key == "repository")
    assert repository.validators == ()


def test_payload_count() -> None:
    assert len(PAYLOADS) == 25 and Path(__file__).name == "test_injection.py"
