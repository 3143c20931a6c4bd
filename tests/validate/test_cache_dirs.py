"""The cache files' JSON reads and atomic writes (`validate/cache_dirs.py`), which the parse,
YAML and CI-schema caches share."""

from __future__ import annotations

from pathlib import Path

from infrascaffold.validate.cache_dirs import load_json, store_json


def test_a_stored_json_file_reads_back_and_a_damaged_one_reads_as_none(tmp_path: Path) -> None:
    entry = tmp_path / "ab" / "entry.json"
    assert load_json(entry) is None  # absent
    assert store_json(entry, {"k": [1, "two"]})
    assert load_json(entry) == {"k": [1, "two"]}
    assert [p.name for p in entry.parent.iterdir()] == ["entry.json"]  # no partial left
    entry.write_text('{"k": [1,', encoding="utf-8")
    assert load_json(entry) is None


def test_storing_into_a_folder_that_cannot_be_made_only_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert store_json(blocker / "entry.json", [1]) is False
    assert store_json(tmp_path / "missing" / "entry.json", [1], make_folder=False) is False
