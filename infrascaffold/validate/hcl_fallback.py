"""A declarations-only model of valid HCL that `hcl_scan` cannot read, from `pygohcl`'s output.

`pygohcl` returns a file as JSON (blocks nested by label, expressions as source text) without
lines. That is enough to know what the file declares, so that nothing elsewhere is reported
as undeclared; its lines are found by searching the text for each block's header. References
inside such a file are not collected (a warning says so): a guess would be a false positive.
"""

from __future__ import annotations

import re
from typing import Any

from infrascaffold.validate.hcl_doc import Attr, Block, Body, Doc, Problem
from infrascaffold.validate.hcl_syntax import go_parser

PARTIAL_MODEL = "hcl-partial-model"
# How many labels Terraform's top-level blocks have; other block types are read as having none.
LABELS = {
    "resource": 2,
    "data": 2,
    "ephemeral": 2,
    "variable": 1,
    "output": 1,
    "module": 1,
    "provider": 1,
    "check": 1,
    "action": 2,
    "list": 2,
}


BLOCKS_WITHOUT_LABELS = frozenset({"terraform", "locals", "moved", "import", "removed"})


def fallback_doc(text: str) -> Doc:
    """What `text` declares: Terraform blocks when every top-level name is a Terraform block
    type, else (a `.tfvars` file) attributes."""
    data = go_parser().loads(text, keep_interpolations=True)
    top_level_blocks = bool(data) and all(
        (name in LABELS or name in BLOCKS_WITHOUT_LABELS) and isinstance(value, dict | list)
        for name, value in data.items()
    )
    warning = Problem(
        PARTIAL_MODEL,
        1,
        "valid HCL the model scanner cannot read: its declarations are known, its references"
        " are not checked",
    )
    if not top_level_blocks:
        return Doc(Body(_attrs(data, 1), ()), (warning,))
    blocks: list[Block] = []
    for block_type, content in data.items():
        if isinstance(content, dict):
            blocks.extend(_blocks(text, block_type, (), content, LABELS.get(block_type, 0)))
    blocks.sort(key=lambda block: block.line)
    return Doc(Body((), tuple(blocks)), (warning,))


def _blocks(
    text: str, block_type: str, labels: tuple[str, ...], content: Any, depth: int
) -> list[Block]:
    if depth == 0:
        items = content if isinstance(content, list) else [content]
        line = _header_line(text, block_type, labels)
        return [
            Block(block_type, labels, line, line, Body(_attrs(item, line), ()))
            for item in items
            if isinstance(item, dict)
        ]
    if not isinstance(content, dict):
        return []
    return [
        block
        for label, inner in content.items()
        for block in _blocks(text, block_type, (*labels, label), inner, depth - 1)
    ]


def _attrs(body: dict[str, Any], line: int) -> tuple[Attr, ...]:
    return tuple(Attr(name, line, False, None, ()) for name in body)


def _header_line(text: str, block_type: str, labels: tuple[str, ...]) -> int:
    parts = [re.escape(block_type)]
    parts += [rf'(?:"{re.escape(label)}"|{re.escape(label)})' for label in labels]
    match = re.search(r"^[ \t]*" + r"\s+".join(parts) + r"\s*\{", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1
