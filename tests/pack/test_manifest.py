"""Loading packs: built-in and local, and one clear error per malformed manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.errors import PackError
from infrascaffold.pack.manifest import load_pack
from infrascaffold.pack.sources import builtin_packs_root, resolve_source
from tests.builders import build_file_tree

GOOD = "name: p\nversion: 1.2.3\nquestions: [{key: a, default: 1, type: int}]\n"


def test_builtin_pack_loads() -> None:
    pack = load_pack("platform")
    assert pack.name == "platform"
    assert pack.source == "builtin:platform"
    assert pack.root == builtin_packs_root() / "platform"
    assert {q.key for q in pack.questions} >= {"project_name", "cloud", "environments"}
    assert set(pack.data) == {
        "regions", "sizes", "adr", "gcp_iam", "cost", "prices", "residency", "runtimes",
        "resources", "k8s_resources",
    }  # fmt: skip
    assert [d.key for d in pack.decisions] == [
        "cloud",
        "state_backend",
        "environment_layout",
        "ci",
        "deploy_strategy",
        "regions",
    ]


def test_local_pack_by_path(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"pack.yaml": GOOD, "files/x": ""})
    source = resolve_source(str(tmp_path))
    assert source.root == tmp_path.resolve() and source.label == str(tmp_path.resolve())
    assert load_pack(str(tmp_path)).questions[0].type == "int"


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("- a\n", "the manifest must be a mapping"),
        ("name: p\nversion: 1.0\n", "is not a semantic version"),
        ("version: 1.0.0\n", "name: is required"),
        ("name: p\nversion: 1.0.0\nextra: 1\n", "unknown manifest key 'extra'"),
        ("name: p\nversion: 1.0.0\nrequires: '>=99.0.0'\n", "needs infrascaffold >= 99.0.0"),
        ("name: p\nversion: 1.0.0\nquestions: {}\n", "must be a list of questions"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: a}, {key: a}]\n", "declared twice"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: 1a}]\n", "must be an identifier"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: a, type: float}]\n", "type must be one of"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: a, type: choice}]\n", "needs `choices`"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: a, type: list}]\n", "needs `fields`"),
        ("name: p\nversion: 1.0.0\nquestions: [{key: a, colour: red}]\n", "unknown question field"),
        (
            "name: p\nversion: 1.0.0\nquestions: [{key: a, validators: [{regex: x, min: 1}]}]\n",
            "exactly one",
        ),
        ("name: p\nversion: 1.0.0\nfiles: [{to: x}]\n", "a file rule is a mapping with a `path`"),
        ("name: p\nversion: 1.0.0\nfiles: [{path: ../x}]\n", "must stay inside files/"),
        ("name: p\nversion: 1.0.0\ndata: {x: ../../etc/passwd}\n", "outside the pack"),
        ("name: p\nversion: 1.0.0\nquestions: [\n", "invalid YAML"),
    ],
)
def test_malformed_manifest_is_one_clear_error(tmp_path: Path, manifest: str, message: str) -> None:
    build_file_tree(tmp_path, {"pack.yaml": manifest})
    with pytest.raises(PackError, match=message) as info:
        load_pack(str(tmp_path))
    assert "pack.yaml" in str(info.value) or str(tmp_path) in str(info.value)


def test_unknown_pack() -> None:
    with pytest.raises(PackError, match="unknown pack"):
        load_pack("no-such-pack")
