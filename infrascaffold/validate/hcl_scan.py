"""The model (`Doc`) of HCL that HashiCorp's parser has accepted, read from its tokens.

`pygohcl` judges the syntax but returns values without positions; the model needs the lines of
blocks, attributes and references. Since the text is known to be valid, a scan of its tokens
(`hcl_tokens`) finds them without a grammar: a body is attributes (`name = expression` up to
the end of the line) and blocks (`type label... { body }`); an expression's references and
literal value are read from its tokens (`hcl_expressions`).
"""

from __future__ import annotations

from infrascaffold.validate.hcl_doc import Attr, Block, Body, Doc
from infrascaffold.validate.hcl_expressions import NOT_LITERAL, expression_refs, literal_value
from infrascaffold.validate.hcl_tokens import (
    IDENT,
    LITERAL,
    NEWLINE,
    PUNCT,
    STRING,
    ScanError,
    Token,
    tokenize,
)

_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")


def scan_doc(text: str) -> Doc:
    """The model of valid HCL `text` (raises `ScanError` on text the scanner cannot place)."""
    tokens = tokenize(text + "\n")
    body, index = _body(tokens, 0)
    if index != len(tokens):
        raise ScanError(f"line {tokens[index][2]}: unexpected {tokens[index][1]!r}")
    return Doc(body, ())


def _body(tokens: list[Token], index: int) -> tuple[Body, int]:
    """The body starting at `index`, up to (not including) its closing `}` or the end."""
    attrs: list[Attr] = []
    blocks: list[Block] = []
    end = len(tokens)
    while index < end:
        kind, value, line = tokens[index]
        if kind == NEWLINE:
            index += 1
            continue
        if kind == PUNCT and value == "}":
            break
        if kind != IDENT:
            raise ScanError(f"line {line}: unexpected {value!r}")
        following = tokens[index + 1] if index + 1 < end else (NEWLINE, None, line)
        if following[0] == PUNCT and following[1] == "=":
            stop = _expression_end(tokens, index + 2)
            attrs.append(_attr(value, line, tokens[index + 2 : stop]))
            index = stop
        else:
            block, index = _block(tokens, index)
            blocks.append(block)
    return Body(tuple(attrs), tuple(blocks)), index


def _attr(name: str, line: int, expression: list[Token]) -> Attr:
    value = literal_value(expression)
    literal = value is not NOT_LITERAL
    refs = expression_refs(expression)
    return Attr(name, line, literal, value if literal else None, tuple(refs))


def _block(tokens: list[Token], index: int) -> tuple[Block, int]:
    block_type, line = tokens[index][1], tokens[index][2]
    labels: list[str] = []
    index += 1
    while index < len(tokens):
        kind, value, _ = tokens[index]
        if kind == PUNCT and value == "{":
            break
        if kind == IDENT:
            labels.append(value)
        elif kind == STRING:
            labels.append(_label(value))
        elif kind != NEWLINE:
            raise ScanError(f"line {line}: unexpected {value!r} in a block header")
        index += 1
    body, index = _body(tokens, index + 1)
    if index >= len(tokens):
        raise ScanError(f"line {line}: unclosed block {block_type!r}")
    end_line = tokens[index][2]
    return Block(block_type, tuple(labels), line, end_line, body), index + 1


def _label(parts: tuple[tuple[str, object], ...]) -> str:
    """A quoted label's text ("" for a template, which Terraform does not allow)."""
    if all(kind == LITERAL for kind, _ in parts):
        return "".join(str(text) for _, text in parts)
    return ""


def _expression_end(tokens: list[Token], index: int) -> int:
    """Where the expression starting at `index` ends: the newline (or the `}` of a one-line
    block) outside any bracket."""
    depth = 0
    end = len(tokens)
    while index < end:
        kind, value, _ = tokens[index]
        if kind == NEWLINE:
            if depth == 0:
                return index
        elif kind == PUNCT:
            if value in _OPENERS:
                depth += 1
            elif value in _CLOSERS:
                if depth == 0:
                    return index
                depth -= 1
        index += 1
    return index
