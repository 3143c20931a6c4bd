"""Whole trees: the planted defects of tests/fixtures/broken, a hand-written repository, and
every built-in pack render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infrascaffold.validate import validate_dir, validate_tree
from infrascaffold.validate.repo import build_repo
from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import CHECKS, read_tree
from tests.builders import EXAMPLES, example_answers, render_answers

FIXTURES = Path(__file__).parents[1] / "fixtures"
PLANTED = re.compile(r"planted: ([\w, -]+)")


def planted_defects(root: Path) -> list[tuple[str, int, str]]:
    """(path, line, check id) of every `planted: id[, id]` comment under `root`."""
    found = []
    for path, text in read_tree(root).items():
        if path == "README.md":
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = PLANTED.search(line)
            if match:
                found += [(path, number, check.strip()) for check in match.group(1).split(",")]
    return sorted(found)


def test_broken_reports_each_planted_defect_once_at_its_line(parse_cache: Path) -> None:
    findings = validate_dir(FIXTURES / "broken", cache_dir=parse_cache)
    reported = sorted((f.path, f.line, f.check) for f in findings)
    assert reported == planted_defects(FIXTURES / "broken")


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_broken_plants_a_defect_for_every_check(check: str, parse_cache: Path) -> None:
    repo = build_repo(
        read_tree(FIXTURES / "broken"), parse_cache, load_settings(FIXTURES / "broken")
    )
    assert list(CHECKS[check](repo))


def test_handwritten_repository_validates_clean(parse_cache: Path) -> None:
    findings = validate_dir(FIXTURES / "handwritten", cache_dir=parse_cache)
    assert [f.format_text() for f in findings] == []


@pytest.mark.parametrize("case", sorted(p.stem for p in EXAMPLES.glob("*.yml")))
def test_builtin_render_validates_clean(case: str, parse_cache: Path) -> None:
    tree = render_answers(example_answers(case))
    assert [f.format_text() for f in validate_tree(tree, cache_dir=parse_cache)] == []


def test_override_files_may_redeclare(parse_cache: Path) -> None:
    tree = {
        "main.tf": 'variable "a" {\n  type        = string\n  description = "A."\n}\n',
        "main_override.tf": 'variable "a" {\n  default = "x"\n}\n',
    }
    assert [f.format_text() for f in validate_tree(tree, cache_dir=parse_cache)] == [
        "main.tf:1: [backend] root module . has no backend: its state would stay on one machine",
        "main.tf:1: [required-version] module . has no terraform { required_version = ... }",
    ]


def test_read_tree_reads_files_and_links_to_files_only(tmp_path: Path) -> None:
    """Skipped folders, linked folders, broken and looping links, pipes and big files are not
    read; a configuration file that is not UTF-8 is reported, in walk order."""
    import os

    from infrascaffold.validate.validation import MAX_FILE_BYTES, walk_files

    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "b" / "deep" / "x.tf").write_text("a = 1\n", encoding="utf-8")
    (tmp_path / "a-b").mkdir()
    (tmp_path / "a-b" / "y.tf").write_text("b = 1\n", encoding="utf-8")
    for skipped in (".venv-x", "node_modules", ".terraform"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "z.tf").write_text("c = 1\n", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "b")
    (tmp_path / "link.tf").symlink_to(tmp_path / "b" / "deep" / "x.tf")
    (tmp_path / "broken.tf").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    os.mkfifo(tmp_path / "pipe.tf")
    (tmp_path / "big.txt").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    (tmp_path / "latin.tf").write_bytes(b'a = "\xe9"\n')
    undecodable: list[str] = []
    tree = read_tree(tmp_path, undecodable)
    assert sorted(tree) == ["a-b/y.tf", "b/deep/x.tf", "link.tf"]
    walked = []  # os.walk's order, as validation walked before its scandir walk
    for folder, dirs, names in os.walk(tmp_path):
        dirs[:] = sorted(d for d in dirs if d not in {".terraform", "node_modules", ".venv-x"})
        walked += [(Path(folder) / name).relative_to(tmp_path).as_posix() for name in names]
    assert [p for _, p in walk_files(tmp_path)] == walked
    assert list(tree) == [p for p in walked if p in tree]
    assert undecodable == ["latin.tf"]
