"""Verdicts on a thread beside the scan: the same `Doc`s, and the same errors, as `parse_hcl`."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from infrascaffold.validate import hcl_judge, hcl_parse
from infrascaffold.validate.hcl_doc import Doc, doc_to_rows
from infrascaffold.validate.hcl_parse import parse_hcl
from infrascaffold.validate.hcl_syntax import syntax_problems

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEXTS = [
    'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n  tags   = { a = local.x }\n}\n',
    'variable "name" {\n  type = string\n',  # rejected: unclosed block
    "a = 1\na = 2\n",  # a duplicate: modelled, with its problem
    'locals {\n  x = "${var.a}-${[for s in var.l : s if s != ""]}"\n}\n',
    "x = <<EOT\n${var.y}\nEOT\n",
    "{{{{",  # rejected, and nothing the scanner can read
    "",
]


def _rows(docs: list[Doc]) -> list[object]:
    return [doc_to_rows(doc) for doc in docs]


def test_the_docs_are_parse_hcls() -> None:
    texts = TEXTS + [
        path.read_text(encoding="utf-8")
        for path in sorted(FIXTURES.rglob("*.tf"))[:200]
        if path.is_file()
    ]
    assert _rows(hcl_judge.parse_texts(texts)) == _rows([parse_hcl(text) for text in texts])


def test_the_verdicts_come_from_another_thread_and_the_interval_is_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: set[str] = set()

    def recording(text: str) -> object:
        threads.add(threading.current_thread().name)
        return syntax_problems(text)

    monkeypatch.setattr(hcl_judge, "syntax_problems", recording)
    before = sys.getswitchinterval()
    hcl_judge.parse_texts(TEXTS)
    assert threads == {"hcl-verdicts"}
    assert sys.getswitchinterval() == before


def test_a_scan_failure_on_a_rejected_text_is_dropped_on_a_valid_one_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = hcl_parse.scan_doc

    def failing(text: str) -> Doc:
        if "boom" in text:
            raise RecursionError("too deep")
        return real(text)

    monkeypatch.setattr(hcl_parse, "scan_doc", failing)
    rejected = ["boom {"] + TEXTS
    assert _rows(hcl_judge.parse_texts(rejected)) == _rows([parse_hcl(t) for t in rejected])
    with pytest.raises(RecursionError, match="too deep"):
        hcl_judge.parse_texts([*TEXTS, "boom = 1\n"])


def test_a_verdict_that_raises_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(text: str) -> object:
        if text == "a = 1\na = 2\n":
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")
        return syntax_problems(text)

    monkeypatch.setattr(hcl_judge, "syntax_problems", failing)
    with pytest.raises(UnicodeDecodeError):
        hcl_judge.parse_texts(TEXTS)


def test_few_texts_are_parsed_without_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading.Thread, "start", lambda self: pytest.fail("a thread started"))
    texts = TEXTS[: hcl_judge.OVERLAP_MIN_FILES - 1]
    assert _rows(hcl_judge.parse_texts(texts)) == _rows([parse_hcl(text) for text in texts])
