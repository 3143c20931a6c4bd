"""The parsed form of one HCL file: bodies of attributes and blocks, with lines and references.

These values are what the parse cache stores (as JSON rows), so they are `NamedTuple`s whose
sequences may be lists: rebuilding tens of thousands of them from cached rows must cost next to
nothing. Treat them as immutable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

HCL_SYNTAX = "hcl-syntax"
HCL_DUPLICATE = "hcl-duplicate"


class Ref(NamedTuple):
    """A traversal in an expression: `var.x` is `Ref("var", ("x",), line)`."""

    root: str
    attrs: Sequence[str]
    line: int


class Attr(NamedTuple):
    """`name = expression`; `value` is the expression's value when `literal`, else None."""

    name: str
    line: int
    literal: bool
    value: Any
    refs: Sequence[Ref]


class Block(NamedTuple):
    """`type "label" ... { body }`."""

    type: str
    labels: Sequence[str]
    line: int
    end_line: int
    body: Body


class Body(NamedTuple):
    """The attributes and blocks of a file or a block, in source order."""

    attrs: Sequence[Attr]
    blocks: Sequence[Block]

    def attr(self, name: str) -> Attr | None:
        """The attribute `name`, if set (the last one when it is set twice)."""
        found = None
        for attr in self.attrs:
            if attr.name == name:
                found = attr
        return found

    def blocks_of(self, block_type: str) -> list[Block]:
        """The blocks of one type, in source order."""
        return [block for block in self.blocks if block.type == block_type]


class Problem(NamedTuple):
    """A finding made while parsing (syntax error, duplicate attribute)."""

    check: str
    line: int
    message: str
    column: int = 0  # 1-based; 0 when unknown


class Doc(NamedTuple):
    """One parsed HCL file."""

    body: Body
    problems: Sequence[Problem]


EMPTY_BODY = Body((), ())


def doc_to_rows(doc: Doc) -> list[Any]:
    """The JSON-ready form of `doc` (lists only), for the cache and for worker processes."""
    return [_body_rows(doc.body), [list(p) for p in doc.problems]]


def doc_from_rows(rows: list[Any]) -> Doc:
    """Rebuild a `Doc` from `doc_to_rows` output."""
    body_rows, problem_rows = rows
    return Doc(_body_from(body_rows), [Problem(*p) for p in problem_rows])


def _body_rows(body: Body) -> list[Any]:
    attrs = [
        [a.name, a.line, a.literal, a.value, [[r.root, list(r.attrs), r.line] for r in a.refs]]
        for a in body.attrs
    ]
    blocks = [[b.type, list(b.labels), b.line, b.end_line, _body_rows(b.body)] for b in body.blocks]
    return [attrs, blocks]


def _body_from(rows: list[Any]) -> Body:
    # Warm runs rebuild every node of a repository here, so: lists from the JSON are kept as
    # they are (fields are typed `Sequence`), and tuple.__new__ skips each NamedTuple's __new__.
    attr_rows, block_rows = rows
    attrs = [
        _new(Attr, (name, line, literal, value, [_new(Ref, ref) for ref in refs]))
        for name, line, literal, value, refs in attr_rows
    ]
    blocks = [
        _new(Block, (kind, labels, line, end, _body_from(body)))
        for kind, labels, line, end, body in block_rows
    ]
    body: Body = _new(Body, (attrs, blocks))
    return body


_new: Any = tuple.__new__
