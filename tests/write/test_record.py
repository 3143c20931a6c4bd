"""The record in .infrascaffold/: round trip, secrets excluded, damaged records."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.errors import InfrascaffoldError
from infrascaffold.pack.decisions import Decision
from infrascaffold.pack.manifest import load_pack
from infrascaffold.write.base_bundle import parse_bundle
from infrascaffold.write.record import (
    ANSWERS_FILE,
    BASE_FILE,
    LEGACY_BASE_DIR,
    load_record,
    record_files,
)
from tests.builders import build_file_tree


def test_record_round_trip(tmp_path: Path) -> None:
    pack = load_pack("platform")
    tree = {"main.tf": "x\n", "environments/dev.tfvars": "a = 1\n"}
    decisions = (Decision(1, "cloud", "Cloud", "aws"),)
    files = record_files(pack, {"project_name": "shop"}, tree, decisions)
    build_file_tree(tmp_path, files)
    record = load_record(tmp_path)
    assert record.pack_name == "platform" and record.pack_version == pack.version
    assert record.pack_source == "builtin:platform"
    assert record.answers == {"project_name": "shop"}
    assert record.base == tree
    assert record.decisions == decisions
    assert files[ANSWERS_FILE].startswith("# Answers recorded")


def test_missing_record_says_so(tmp_path: Path) -> None:
    with pytest.raises(InfrascaffoldError, match="not made by infrascaffold"):
        load_record(tmp_path)


def test_damaged_record(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path, {".infrascaffold/pack.yaml": "- a\n", ".infrascaffold/answers.yaml": "{}"}
    )
    with pytest.raises(InfrascaffoldError, match="damaged"):
        load_record(tmp_path)


def test_the_base_is_one_bundle_file() -> None:
    tree = {"main.tf": "x\n", "environments/dev.tfvars": "a = 1\n"}
    files = record_files(load_pack("platform"), {}, tree)
    assert [p for p in files if "base" in p] == [BASE_FILE]
    assert parse_bundle(files[BASE_FILE]) == tree


def test_a_record_of_an_earlier_version_is_read_from_its_base_folder(tmp_path: Path) -> None:
    files = record_files(load_pack("platform"), {"project_name": "shop"}, {})
    del files[BASE_FILE]
    files |= {f"{LEGACY_BASE_DIR}/main.tf": "x\n", f"{LEGACY_BASE_DIR}/env/dev.tfvars": "a\n"}
    build_file_tree(tmp_path, files)
    record = load_record(tmp_path)
    assert record.base == {"env/dev.tfvars": "a\n", "main.tf": "x\n"}
    assert record.legacy_files == (
        ".infrascaffold/base/env/dev.tfvars",
        ".infrascaffold/base/main.tf",
    )


def test_the_bundle_wins_over_a_leftover_base_folder(tmp_path: Path) -> None:
    files = record_files(load_pack("platform"), {}, {"main.tf": "new\n"})
    build_file_tree(tmp_path, {**files, f"{LEGACY_BASE_DIR}/main.tf": "old\n"})
    record = load_record(tmp_path)
    assert record.base == {"main.tf": "new\n"}
    assert record.legacy_files == (".infrascaffold/base/main.tf",)  # the next update removes it


def test_a_new_record_lists_no_legacy_files(tmp_path: Path) -> None:
    build_file_tree(tmp_path, record_files(load_pack("platform"), {}, {"main.tf": "x\n"}))
    assert load_record(tmp_path).legacy_files == ()


def test_the_base_is_read_as_the_team_files_are(tmp_path: Path) -> None:
    """Universal newlines, as `Path.read_text` reads the team's copy the merge compares."""
    files = record_files(load_pack("platform"), {}, {"run.bat": "a\r\nb\r\n", "m": "a\rb"})
    (tmp_path / ".infrascaffold").mkdir()
    for rel, text in files.items():
        (tmp_path / rel).write_bytes(text.encode())
    assert load_record(tmp_path).base == {"run.bat": "a\nb\n", "m": "a\nb"}


def test_a_damaged_bundle_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    files = record_files(load_pack("platform"), {}, {"main.tf": "x\ny\n"})
    files[BASE_FILE] = files[BASE_FILE].replace("x\ny\n", "x\n")
    build_file_tree(tmp_path, files)
    with pytest.raises(InfrascaffoldError) as caught:
        load_record(tmp_path)
    message = caught.value.format_message()
    assert message.startswith(f"{tmp_path / BASE_FILE}:3: the base bundle is damaged: ")
    assert "\n" not in message and caught.value.exit_code == 2


def test_a_bundle_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    build_file_tree(tmp_path, record_files(load_pack("platform"), {}, {}))
    (tmp_path / BASE_FILE).write_bytes(b"\xff\xfe")
    with pytest.raises(InfrascaffoldError, match=r"base\.txt: cannot be read"):
        load_record(tmp_path)
