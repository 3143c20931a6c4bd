"""The literal value of an expression of python-hcl2's parse tree, and small tree helpers
(for `model`, the reference model; `hcl_expressions` is what commands use)."""

from __future__ import annotations

from typing import Any, cast

from hcl2.utils import process_escape_sequences
from lark import Token, Tree

NOT_LITERAL: Any = object()
_KEYWORD_VALUES = {"true": True, "false": False, "null": None}


def first_token(node: Tree[Any]) -> Token:
    """The token of a one-token rule (identifier, literal, heredoc)."""
    return cast(Token, node.children[0])


def token_line(token: Token) -> int:
    """The line of a token (lark always sets it for lexed tokens)."""
    return token.line or 0


def literal_value(node: Tree[Any]) -> Any:
    """The value of a literal expression (strings without interpolation, numbers, bools,
    null, and tuples or objects of those), else `NOT_LITERAL`."""
    data = node.data
    if data == "expr_term":
        trees = [
            c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"
        ]
        return literal_value(trees[0]) if len(trees) == 1 else NOT_LITERAL
    if data == "string":
        return _string_value(node)
    if data == "int_lit":
        return int(first_token(node))
    if data == "float_lit":
        return float(first_token(node))
    if data == "literal_value":
        return _KEYWORD_VALUES[str(node.children[0])]
    if data == "tuple":
        return _tuple_value(node)
    if data == "object":
        return _object_value(node)
    if data == "unary_op":
        return _negated(node)
    if data in ("heredoc_template", "heredoc_template_trim"):
        return _heredoc_value(str(node.children[0]))
    return NOT_LITERAL


def _string_value(node: Tree[Any]) -> Any:
    parts: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        piece = part.children[0]
        if not isinstance(piece, Token):
            return NOT_LITERAL
        if piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
            parts.append(str(piece)[1:])
        else:
            parts.append(process_escape_sequences(str(piece)))
    return "".join(parts)


def _tuple_value(node: Tree[Any]) -> Any:
    values = []
    for child in node.children:
        if isinstance(child, Tree) and child.data != "new_line_or_comment":
            value = literal_value(child)
            if value is NOT_LITERAL:
                return NOT_LITERAL
            values.append(value)
    return values


def _object_value(node: Tree[Any]) -> Any:
    result: dict[str, Any] = {}
    for elem in node.children:
        if not isinstance(elem, Tree) or elem.data != "object_elem":
            continue
        key = _object_key(elem.children[0])
        value = literal_value(elem.children[-1])
        if key is None or value is NOT_LITERAL:
            return NOT_LITERAL
        result[key] = value
    return result


def _object_key(node: Tree[Any]) -> str | None:
    inner = node.children[0]
    if isinstance(inner, Tree) and inner.data == "keyword":
        return str(inner.children[0])
    if isinstance(inner, Tree) and len(inner.children) == 1 and isinstance(inner.children[0], Tree):
        term = inner.children[0]
        if term.data == "identifier":
            return str(term.children[0])
        if term.data == "string":
            value = _string_value(term)
            return value if isinstance(value, str) else None
    return None


def _negated(node: Tree[Any]) -> Any:
    operator, operand = node.children[0], node.children[-1]
    value = literal_value(operand)
    if str(operator) == "-" and isinstance(value, int | float) and not isinstance(value, bool):
        return -value
    return NOT_LITERAL


def _heredoc_value(token: str) -> Any:
    lines = token.split("\n")
    body = "\n".join(lines[1:-2]) + "\n" if len(lines) > 2 else ""
    if "${" in body or "%{" in body:
        return NOT_LITERAL
    return body
