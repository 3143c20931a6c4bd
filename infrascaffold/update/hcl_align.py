"""`terraform fmt`'s alignment of `=` signs, so that re-alignment never makes a merge conflict.

`terraform fmt` pads the names of consecutive one-line attributes at one indentation so their `=`
signs line up; adding a longer name to such a group re-pads every line of it. The merge compares
lines with that padding removed (`normalise`) and pads the merged lines again (`align`), following
the rules `terraform fmt` applies: a group ends at a blank line, a comment, a change of
indentation, a line that is not an attribute, and a line whose value opens a bracket it does not
close; heredoc bodies are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from infrascaffold.update.lines import MergeResult, merge_three_way, split_lines

# `  name   = value` (name may be quoted, as in maps); group 3 is the value.
_ATTRIBUTE = re.compile(r'^([ \t]*)("[^"\n]*"|[A-Za-z_][\w-]*)[ \t]*=(?![=>])[ \t]*(.*?)(\r?\n?)$')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][\w-]*)[ \t]*$")
_OPENS = "{[("


def merge_code(base: str, ours: str, theirs: str, labels: tuple[str, str, str]) -> MergeResult:
    """Merge an item's code by lines; when that conflicts, merge it ignoring `=` alignment.

    `terraform fmt` re-pads a whole group of attributes when one longer name joins it, so a
    template change of alignment alone must not conflict with a user's edit of a neighbour.
    The alignment-blind merge is kept only when it resolves every conflict, and is re-aligned.
    """
    result = merge_three_way(base, ours, theirs, labels=labels)
    if not result.conflicts:
        return result
    flat = ["".join(normalise(split_lines(text))) for text in (base, ours, theirs)]
    blind = merge_three_way(*flat, labels=labels)
    if blind.conflicts:
        return result
    return MergeResult("".join(align(split_lines(blind.text))), 0)


def normalise(lines: list[str]) -> list[str]:
    """The lines with the padding between an attribute's name and its `=` removed."""
    return [_normalised(line) if attribute else line for line, attribute in _classify(lines)]


def align(lines: list[str]) -> list[str]:
    """The lines, each group of consecutive one-line attributes aligned as `terraform fmt` does."""
    out = list(lines)
    group: list[int] = []
    for index, (line, attribute) in enumerate(_classify(lines)):
        if group and (not attribute or _indent(line) != _indent(lines[group[0]])):
            _pad(out, group)
            group = []
        if attribute and _opens_bracket(line):
            _pad(out, group)  # a multi-line value stands alone
            group = []
        elif attribute:
            group.append(index)
            if _HEREDOC.search(line.rstrip("\r\n")):
                _pad(out, group)  # the heredoc's body ends the group
                group = []
    _pad(out, group)
    return out


def _classify(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Each line, with whether it is an attribute line (never inside a heredoc body)."""
    marker: str | None = None
    for line in lines:
        if marker is not None:
            if line.strip() == marker:
                marker = None
            yield line, False
            continue
        match = _ATTRIBUTE.match(line)
        heredoc = _HEREDOC.search(line.rstrip("\r\n"))
        if heredoc:
            marker = heredoc.group(1)
        yield line, match is not None


def _normalised(line: str) -> str:
    match = _ATTRIBUTE.match(line)
    assert match is not None  # only attribute lines get here
    indent, name, value, eol = match.groups()
    return f"{indent}{name} = {value}{eol}"


def _pad(out: list[str], group: list[int]) -> None:
    """Pad the names of the attributes at `group` (indexes into `out`) to the longest one."""
    matches = [_ATTRIBUTE.match(out[i]) for i in group]
    width = max((len(m.group(2)) for m in matches if m), default=0)
    for i, match in zip(group, matches, strict=True):
        if match is None:
            continue
        indent, name, value, eol = match.groups()
        out[i] = f"{indent}{name.ljust(width)} = {value}{eol}"


def _opens_bracket(line: str) -> bool:
    """Whether the line's value ends with an open bracket (a multi-line value starts)."""
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in _OPENS


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]
