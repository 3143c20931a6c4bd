"""Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) as a `Doc` with lines.

Top-level keys are block types, nested by as many labels as the block type has (`resource`:
type, then name); inside a block every key is an argument (JSON cannot tell a nested block from
an object, and the schema check accepts a block's name as an argument). References are the
`${...}` parts of strings. Lines come from finding each key in the text, in source order.
"""

from __future__ import annotations

import json
import re
from typing import Any

from infrascaffold.validate.hcl_doc import (
    EMPTY_BODY,
    HCL_SYNTAX,
    Attr,
    Block,
    Body,
    Doc,
    Problem,
    Ref,
)
from infrascaffold.validate.hcl_fallback import LABELS
from infrascaffold.validate.hcl_text_refs import collect_text_refs

JSON_SUFFIXES = (".tf.json", ".tfvars.json")
_COMMENT_KEY = "//"  # Terraform ignores "//" keys: they are comments


class _Lines:
    """Finds keys in the text, each after the previous one (JSON objects keep source order)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0

    def key_line(self, key: str) -> int:
        pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
        match = pattern.search(self.text, self.cursor)
        if match is None:
            return self.text.count("\n", 0, self.cursor) + 1
        self.cursor = match.end()
        return self.text.count("\n", 0, match.start()) + 1


def parse_tf_json(text: str, variables_file: bool) -> Doc:
    """Parse one JSON configuration file (`variables_file`: a `.tfvars.json`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Doc(
            EMPTY_BODY,
            (Problem(HCL_SYNTAX, exc.lineno, f"JSON syntax error: {exc.msg}", exc.colno),),
        )
    if not isinstance(data, dict):
        return Doc(
            EMPTY_BODY, (Problem(HCL_SYNTAX, 1, "a JSON configuration file must be an object"),)
        )
    lines = _Lines(text)
    if variables_file:
        return Doc(Body(_attrs(data, lines), ()), ())
    blocks: list[Block] = []
    for block_type, content in data.items():
        if block_type == _COMMENT_KEY:
            continue
        line = lines.key_line(block_type)
        blocks.extend(_blocks(block_type, (), content, LABELS.get(block_type, 0), line, lines))
    return Doc(Body((), tuple(blocks)), ())


def _blocks(
    block_type: str, labels: tuple[str, ...], content: Any, depth: int, line: int, lines: _Lines
) -> list[Block]:
    if depth == 0:
        items = content if isinstance(content, list) else [content]
        return [
            Block(block_type, labels, line, line, Body(_attrs(item, lines), ()))
            for item in items
            if isinstance(item, dict)
        ]
    if not isinstance(content, dict):
        return []
    found: list[Block] = []
    for label, inner in content.items():
        if label != _COMMENT_KEY:
            inner_line = lines.key_line(label)
            found.extend(_blocks(block_type, (*labels, label), inner, depth - 1, inner_line, lines))
    return found


def _attrs(body: dict[str, Any], lines: _Lines) -> tuple[Attr, ...]:
    attrs: list[Attr] = []
    for name, value in body.items():
        if name == _COMMENT_KEY:
            continue
        line = lines.key_line(name)
        refs: list[Ref] = []
        _string_refs(value, line, refs)
        literal = not refs and not _has_template(value)
        attrs.append(Attr(name, line, literal, value if literal else None, tuple(refs)))
    return tuple(attrs)


def _string_refs(value: Any, line: int, out: list[Ref]) -> None:
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str) and ("${" in current or "%{" in current):
            collect_text_refs(current, line, frozenset(), out)
        elif isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))


def _has_template(value: Any) -> bool:
    return "${" in json.dumps(value)
