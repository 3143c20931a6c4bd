"""The record in .infrascaffold/: round trip, secrets excluded, damaged records."""

from __future__ import annotations

from pathlib import Path

import pytest

from infrascaffold.errors import InfrascaffoldError
from infrascaffold.pack.decisions import Decision
from infrascaffold.pack.manifest import load_pack
from infrascaffold.write.record import ANSWERS_FILE, load_record, record_files
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
