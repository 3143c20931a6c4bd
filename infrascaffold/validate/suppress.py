"""Which findings a run reports: `select`/`ignore`/`severity` settings and inline ignores.

An inline ignore is a comment `# infrascaffold: ignore[check-id, other-id] reason` (also with
`//`). At the end of a line it silences those checks on that line; on a block's first line, or
alone on the line above a block, it silences them in the whole block. A check id may also be a
check group (`references`) or `*`. The reason is free text, for the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from infrascaffold.validate.catalogue import group_of
from infrascaffold.validate.findings import Finding, Severity
from infrascaffold.validate.hcl_doc import Body
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.settings import Settings

_INLINE = re.compile(r"(?:#|//)\s*infrascaffold:\s*ignore\[([^\]]*)\]")
Span = tuple[int, int, frozenset[str]]  # first line, last line, the ids silenced


def wanted(check: str, settings: Settings) -> bool:
    """Whether findings of `check` are reported under `select` and `ignore`."""
    names = {check, group_of(check)}
    if settings.select and not names & set(settings.select):
        return False
    return not names & set(settings.ignore)


def apply_settings(findings: Iterable[Finding], repo: Repo) -> list[Finding]:
    """The findings the settings and the inline ignores of `repo` leave, with their severities."""
    settings = repo.settings
    spans: dict[str, list[Span]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if not wanted(finding.check, settings):
            continue
        if finding.path not in spans:
            spans[finding.path] = inline_spans(repo, finding.path)
        if _silenced(finding, spans[finding.path]):
            continue
        severity = settings.severity.get(finding.check) or settings.severity.get(
            group_of(finding.check)
        )
        if severity in ("error", "warning") and severity != finding.severity:
            level: Severity = "error" if severity == "error" else "warning"
            finding = replace(finding, severity=level)
        kept.append(finding)
    return kept


def _silenced(finding: Finding, spans: list[Span]) -> bool:
    names = {finding.check, group_of(finding.check), "*"}
    return any(first <= finding.line <= last and names & ids for first, last, ids in spans)


def inline_spans(repo: Repo, path: str) -> list[Span]:
    """The line ranges the inline ignores of one file cover."""
    text = repo.files.get(path, "")
    if "infrascaffold:" not in text:
        return []
    doc = repo.hcl.get(path)
    block_ends = dict(_block_ends(doc.body)) if doc is not None else {}
    lines = text.splitlines()
    spans: list[Span] = []
    for number, line in enumerate(lines, start=1):
        match = _INLINE.search(line)
        if match is None:
            continue
        ids = frozenset(part.strip() for part in match.group(1).split(",") if part.strip())
        alone = line[: match.start()].strip() == ""
        target = _next_code_line(lines, number) if alone else number
        spans.append((number, block_ends.get(target, target), ids))
    return spans


def _next_code_line(lines: list[str], number: int) -> int:
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(("#", "//")):
            return index + 1
    return number


def _block_ends(body: Body) -> Iterator[tuple[int, int]]:
    stack = [body]
    while stack:
        current = stack.pop()
        for block in current.blocks:
            yield block.line, block.end_line
            stack.append(block.body)
