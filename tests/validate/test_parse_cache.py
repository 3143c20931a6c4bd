"""The parse cache (by content hash) and the process pool for many uncached files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infrascaffold.validate import parse_cache as cache_module
from infrascaffold.validate.cache_dirs import default_parse_cache, parser_fingerprint
from infrascaffold.validate.hcl_doc import doc_to_rows
from infrascaffold.validate.parse_cache import parse_all

TEXTS = {
    "main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = var.cidr\n}\n',
    "copy/main.tf": 'resource "aws_vpc" "main" {\n  cidr_block = var.cidr\n}\n',
    "bad.tf": "a = \n",
}


def entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def test_entries_are_keyed_by_content_and_parser(parse_cache: Path) -> None:
    docs = parse_all(TEXTS, parse_cache)
    assert set(docs) == set(TEXTS)
    assert len(entries(parse_cache)) == 2  # identical texts share one entry
    # one flat folder: no subfolder to create per entry
    assert {p.parent.name for p in entries(parse_cache)} == {
        f"hcl-{parser_fingerprint()}-v{cache_module.CACHE_FORMAT}"
    }


def test_a_warm_run_parses_nothing(parse_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = parse_all(TEXTS, parse_cache)
    cache_module._SEEN.clear()  # a new process: only the disk cache is left

    def no_parse(texts: object) -> dict[str, list[object]]:
        raise AssertionError(f"parsed again: {texts}")

    monkeypatch.setattr(cache_module, "_parse_many", lambda texts: no_parse(texts) if texts else {})
    warm = parse_all(TEXTS, parse_cache)
    assert {p: doc_to_rows(d) for p, d in warm.items()} == {
        p: doc_to_rows(d) for p, d in cold.items()
    }


def test_a_damaged_entry_is_parsed_again(parse_cache: Path) -> None:
    parse_all({"main.tf": TEXTS["main.tf"]}, parse_cache)
    (entry,) = entries(parse_cache)
    entry.write_text("{not json", encoding="utf-8")
    cache_module._SEEN.clear()  # a new process
    docs = parse_all({"main.tf": TEXTS["main.tf"]}, parse_cache)
    assert docs["main.tf"].body.blocks[0].labels == ["aws_vpc", "main"]
    assert entry.read_text(encoding="utf-8").startswith("[")


def test_a_text_parsed_once_in_a_process_is_not_read_again(
    parse_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`new` parses the render's Terraform for the diagram, then validates the same files."""
    from infrascaffold.validate.parse_cache import parse_text

    first = parse_text(TEXTS["main.tf"], parse_cache)
    monkeypatch.setattr(cache_module, "_load", lambda folder, digest: None)
    monkeypatch.setattr(cache_module, "_parse_many", lambda texts: {} if not texts else 1 / 0)
    again = parse_all({"main.tf": TEXTS["main.tf"]}, parse_cache)
    assert doc_to_rows(again["main.tf"]) == doc_to_rows(first)


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, hcl_parser_warm: None) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    docs = parse_all(TEXTS, blocker / "cache")
    assert docs["bad.tf"].problems[0].check == "hcl-syntax"


def test_many_files_parse_in_a_pool_with_the_same_results(
    parse_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {f"m{i}/main.tf": f'variable "v{i}" {{\n  default = {i}\n}}\n' for i in range(12)}
    serial = parse_all(texts, tmp_path / "serial")
    monkeypatch.setattr(cache_module, "_worker_count", lambda files, size: 2)
    pooled = parse_all(texts, parse_cache)
    assert {p: doc_to_rows(d) for p, d in pooled.items()} == {
        p: doc_to_rows(d) for p, d in serial.items()
    }


def test_default_cache_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_parse_cache() == tmp_path / "infrascaffold" / "parse"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_parse_cache() == tmp_path / "home" / ".cache" / "infrascaffold" / "parse"


def bundles(cache: Path) -> list[Path]:
    return sorted(cache.glob("hcl-*/trees/*.json"))


def test_a_named_tree_is_one_bundle_read_whole_on_a_warm_run(
    parse_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = parse_all(TEXTS, parse_cache, tree_key="/repo")
    (bundle,) = bundles(parse_cache)
    assert entries(parse_cache) == [bundle]  # no entry per file
    cache_module._SEEN.clear()  # a new process
    monkeypatch.setattr(cache_module, "_parse_many", lambda texts: {} if not texts else 1 / 0)
    warm = parse_all(TEXTS, parse_cache, tree_key="/repo")
    assert {p: doc_to_rows(d) for p, d in warm.items()} == {
        p: doc_to_rows(d) for p, d in cold.items()
    }


def test_an_edited_file_of_a_bundle_is_the_only_one_parsed_again(
    parse_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse_all(TEXTS, parse_cache, tree_key="/repo")
    cache_module._SEEN.clear()
    parsed: list[str] = []
    real = cache_module._parse_many

    def counting(texts: dict[str, str]) -> dict[str, list[object]]:
        parsed.extend(texts.values())
        return real(texts)

    monkeypatch.setattr(cache_module, "_parse_many", counting)
    edited = {**TEXTS, "bad.tf": "a = 1\n"}
    docs = parse_all(edited, parse_cache, tree_key="/repo")
    assert parsed == ["a = 1\n"]
    assert docs["bad.tf"].problems == []
    (bundle,) = bundles(parse_cache)
    assert len(json.loads(bundle.read_bytes())) == 2  # the old text's rows are dropped


def test_a_damaged_bundle_is_parsed_again(parse_cache: Path) -> None:
    parse_all(TEXTS, parse_cache, tree_key="/repo")
    (bundle,) = bundles(parse_cache)
    bundle.write_text("[not a bundle", encoding="utf-8")
    cache_module._SEEN.clear()
    docs = parse_all(TEXTS, parse_cache, tree_key="/repo")
    assert docs["main.tf"].body.blocks[0].labels == ["aws_vpc", "main"]
    assert isinstance(json.loads(bundle.read_bytes()), dict)


def test_validate_dir_keeps_one_bundle_per_folder(parse_cache: Path, tmp_path: Path) -> None:
    from infrascaffold.validate.validation import validate_dir

    tree = tmp_path / "tree"
    for path, text in TEXTS.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text, encoding="utf-8")
    first = validate_dir(tree, cache_dir=parse_cache)
    cache_module._SEEN.clear()
    assert validate_dir(tree, cache_dir=parse_cache) == first
    assert len(bundles(parse_cache)) == 1
    assert [f.check for f in first if f.path == "bad.tf"] == ["hcl-syntax"]
