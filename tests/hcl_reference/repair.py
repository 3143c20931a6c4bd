"""Rewrite valid HCL that python-hcl2's grammar rejects into equivalent text, line for line
(for `model`, the reference model; the token scan reads such text directly).

HashiCorp's parser accepts these and python-hcl2 8.x does not; each rewrite keeps every line
where it was, so the model built from the rewritten text points at the original lines:

- a UTF-8 byte order mark;
- `/* ... */` comments (before a value, inside an expression): blanked, newlines kept;
- template strip markers `${~ x ~}` and `%{~ ... ~}`: the markers become spaces (whitespace
  stripping changes no reference);
- a line starting with `.` (a traversal continued on the next line inside parentheses): joined
  to the line before, and an empty line left in its place.
"""

from __future__ import annotations

import re

_BOM = "\ufeff"
# a quoted string or a line comment (skipped), or a block comment (blanked)
_COMMENT_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|(?:#|//)[^\n]*|(/\*.*?\*/)', re.S)
_STRIP_OPEN = re.compile(r"([$%])\{~")
_STRIP_CLOSE = re.compile(r"~\}")
_CONTINUED = re.compile(r"^[ \t]*\.(?![.\d])")


def repair(text: str) -> str:
    """`text` rewritten as described in the module docstring (unchanged when nothing applies)."""
    text = text.removeprefix(_BOM)
    if "/*" in text:
        text = _COMMENT_SCAN.sub(_blank_keeping_lines, text)
    if "~}" in text or "{~" in text:
        text = _STRIP_CLOSE.sub(" }", _STRIP_OPEN.sub(r"\1{ ", text))
    return _join_continued_lines(text)


def _blank_keeping_lines(match: re.Match[str]) -> str:
    if match.group(1) is None:  # a string or a line comment: kept as it is
        return match.group(0)
    return " " + "\n" * match.group(0).count("\n")


def _join_continued_lines(text: str) -> str:
    lines = text.split("\n")
    if not any(_CONTINUED.match(line) for line in lines):
        return text
    kept: list[str] = []
    owner = -1  # index of the last non-empty line, where a continuation goes
    for line in lines:
        if owner >= 0 and _CONTINUED.match(line):
            kept[owner] = kept[owner].rstrip() + line.strip()
            kept.append("")
            continue
        kept.append(line)
        if line.strip():
            owner = len(kept) - 1
    return "\n".join(kept)
