"""References inside template text that is scanned as text: heredocs and `.tf.json` strings.

A reference is a traversal (`var.x`, `aws_vpc.main.id`) inside a `${...}` or `%{...}` part
that no `%{ for }` of the text binds; function names and quoted strings are not references.
"""

from __future__ import annotations

import re

from infrascaffold.validate.hcl_doc import Ref

_TEXT_REF = re.compile(r"(?<![\w.\-\"])([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)(?![\w(:-])")
_TEXT_FOR = re.compile(r"%\{~?\s*for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\b")
_TEXT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_TEXT_KEYWORDS = frozenset({"for", "in", "if", "else", "endif", "endfor", "true", "false", "null"})


def collect_text_refs(text: str, first_line: int, bound: frozenset[str], out: list[Ref]) -> None:
    """Scan the `${...}` and `%{...}` parts of a heredoc's text for references."""
    loop_names = {name for pair in _TEXT_FOR.findall(text) for name in pair if name}
    names = bound | loop_names | _TEXT_KEYWORDS
    for start, end in _interpolations(text):
        segment = _TEXT_STRING.sub(_blank_literal_text, text[start:end])
        for match in _TEXT_REF.finditer(segment):
            root = match.group(1)
            if root in names or root[0].isdigit():
                continue
            attrs = tuple(match.group(2).split(".")[1:])
            line = first_line + text.count("\n", 0, start + match.start())
            out.append(Ref(root, attrs, line))


def _blank_literal_text(match: re.Match[str]) -> str:
    """Blank a quoted string inside an interpolation, keeping its own `${...}` parts."""
    quoted = match.group(0)
    kept = [" "] * len(quoted)
    for start, end in _interpolations(quoted):
        kept[start:end] = quoted[start:end]
    return "".join(kept)


def _interpolations(text: str) -> list[tuple[int, int]]:
    """Spans of the insides of `${ ... }` and `%{ ... }` (brace-balanced, `$${` skipped)."""
    spans: list[tuple[int, int]] = []
    index = 0
    while True:
        index = _next_template_start(text, index)
        if index < 0:
            return spans
        depth, cursor = 1, index + 2
        while cursor < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[cursor], 0)
            cursor += 1
        spans.append((index + 2, cursor - 1))
        index = cursor


def _next_template_start(text: str, index: int) -> int:
    while True:
        found = min(
            (i for i in (text.find("${", index), text.find("%{", index)) if i >= 0), default=-1
        )
        if found <= 0 or text[found - 1] != text[found]:
            return found
        index = found + 2  # `$${` and `%%{` are escapes
