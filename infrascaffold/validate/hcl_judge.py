"""Parse the HCL texts of a small tree in one process, HashiCorp's parser beside the scan.

A cold `validate` of a small tree parses in this process (a worker pool starts too slowly,
`parse_cache`), and a third of that time is Go: pygohcl's verdict on each text, which runs with
the interpreter's lock released. So a thread asks for the verdicts while this thread runs the
token scan (`hcl_scan`) of every text, and each text's `Doc` is put together from both
(`hcl_parse.judged_doc`): the same `Doc` as `parse_hcl` makes, the scan of a rejected text
dropped. With a second core the Go time hides behind the scan; without one, both take turns.

The verdict thread needs the lock for a few microseconds between two files; the interpreter
hands it over only when the holder has run for its switch interval (5 ms by default, 233 files
of terraform-google-network would wait up to a second), so the interval is shortened while the
two run and put back after.
"""

from __future__ import annotations

import os
import sys
import threading

from infrascaffold.validate import hcl_parse
from infrascaffold.validate.hcl_doc import Doc, Problem
from infrascaffold.validate.hcl_syntax import go_parser, syntax_problems

OVERLAP_MIN_FILES = 4  # fewer: a thread is not worth starting
SWITCH_INTERVAL = 0.0001  # seconds; the interpreter's default is 0.005


def parse_texts(texts: list[str]) -> list[Doc]:
    """The `Doc` of each text, in order: `hcl_parse.parse_hcl`'s, raising what it raises."""
    if len(texts) < OVERLAP_MIN_FILES or _usable_cpus() < 2:
        return [hcl_parse.parse_hcl(text) for text in texts]
    go_parser()  # loaded here: the Go runtime starts once, before the thread
    verdicts: list[list[Problem] | BaseException] = [[] for _ in texts]

    def judge() -> None:
        for index, text in enumerate(texts):
            try:
                verdicts[index] = syntax_problems(text)
            except BaseException as exc:  # noqa: BLE001 (raised in order below)
                verdicts[index] = exc

    previous = sys.getswitchinterval()
    thread = threading.Thread(target=judge, name="hcl-verdicts", daemon=True)
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        thread.start()
        scans = [hcl_parse.try_scan(text) for text in texts]
    finally:
        thread.join()
        sys.setswitchinterval(previous)
    docs: list[Doc] = []
    for text, verdict, scanned in zip(texts, verdicts, scans, strict=True):
        if isinstance(verdict, BaseException):
            raise verdict
        docs.append(hcl_parse.judged_doc(text, verdict, scanned))
    return docs


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
