"""The render pipeline's use of the parse cache (issue 22): a cold render stores one bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.pack.manifest import load_pack
from infrascaffold.render.pipeline import generate, parse_key
from infrascaffold.validate import parse_cache
from tests.builders import example_answers


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.is_file())


def test_a_cold_render_stores_one_parse_bundle_and_the_next_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(parse_cache, "_SEEN", {})  # nothing parsed in this process yet
    pack = load_pack("platform")
    tree = generate(pack, example_answers("aws-containers")).tree
    stored = cache_files(tmp_path / "infrascaffold" / "parse")
    # one HCL bundle for 60-odd parsed .tf and .tfvars (and the YAML verdicts' own file)
    assert [p.parent.name for p in stored if p.parts[-3].startswith("hcl-")] == ["trees"]
    assert all(p.parent.name == "trees" for p in stored)
    assert sum(path.endswith(".tf") for path in tree) > 50

    parsed: list[int] = []
    real = parse_cache._parse_many
    monkeypatch.setattr(parse_cache, "_SEEN", {})
    monkeypatch.setattr(parse_cache, "_parse_many", lambda m: parsed.append(len(m)) or real(m))
    generate(pack, example_answers("aws-containers"))
    assert sum(parsed) == 0  # every parse came from the bundle
    assert cache_files(tmp_path / "infrascaffold" / "parse") == stored


def test_the_bundle_is_named_after_the_pack() -> None:
    pack = load_pack("platform")
    assert parse_key(pack) == f"render:{pack.root}"
