"""Parse HCL (`.tf`, `.tfvars`, `.hcl`) with python-hcl2's grammar into a `Doc` with lines.

python-hcl2's own `parses_to_tree` propagates positions into every tree node, which costs about
40% of a parse; tokens carry their lines anyway. So the parser here is built from python-hcl2's
own grammar file and post-lexer, minus that option: the language accepted is the same. Its
LALR tables are cached on disk by lark (built once, in seconds, then loaded in a tenth of one).

python-hcl2 keeps the last of two attributes of the same name silently; they are reported here.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, cast

import lark
from hcl2.postlexer import PostLexer
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from infrascaffold.user_cache import user_cache_root
from infrascaffold.validate.cache_dirs import parser_fingerprint
from infrascaffold.validate.hcl_doc import (
    EMPTY_BODY,
    HCL_DUPLICATE,
    HCL_SYNTAX,
    Attr,
    Block,
    Body,
    Doc,
    Problem,
    Ref,
)
from infrascaffold.validate.hcl_refs import collect_refs
from infrascaffold.validate.hcl_values import NOT_LITERAL, first_token, literal_value, token_line

_NOTHING_BOUND: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1)
def hcl_parser() -> Lark:
    """python-hcl2's LALR parser without position propagation (built once per process)."""
    grammar = str(resources.files("hcl2").joinpath("hcl2.lark"))
    options: dict[str, Any] = {
        "parser": "lalr",
        "propagate_positions": False,
        "postlex": PostLexer(),
    }
    cache = (
        user_cache_root() / "grammar" / f"hcl2-{parser_fingerprint()}-lark-{lark.__version__}.bin"
    )
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable cache folder: build the tables in memory each time
        return Lark.open(grammar, **options)
    # lark checks the file against the grammar, rebuilds a stale or damaged one, and carries
    # on without a cache when it cannot write
    return Lark.open(grammar, cache=str(cache), **options)


def parse_hcl(text: str) -> Doc:
    """Parse one HCL file; a syntax error is a `Doc` with an empty body and one problem."""
    try:
        tree = hcl_parser().parse(text + "\n")
    except UnexpectedInput as exc:
        last_line = max(1, len(text.splitlines()))
        line = min(exc.line, last_line) if exc.line > 0 else last_line
        return Doc(EMPTY_BODY, (Problem(HCL_SYNTAX, line, _syntax_message(exc)),))
    problems: list[Problem] = []
    body = _read_body(cast(Tree[Any], tree.children[0]), problems)
    return Doc(body, tuple(problems))


def _syntax_message(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedCharacters):
        return f"syntax error: unexpected character {exc.char!r}"
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            return "syntax error: unexpected end of file (an unclosed block or string?)"
        shown = str(token).strip().split("\n", 1)[0]
        if token.type == "NL_OR_COMMENT" or not shown:
            return "syntax error: unexpected end of line (a missing value?)"
        return f"syntax error: unexpected {shown[:40]!r}"
    return "syntax error: unexpected end of file (an unclosed block or string?)"


def _read_body(node: Tree[Any], problems: list[Problem]) -> Body:
    attrs: list[Attr] = []
    blocks: list[Block] = []
    first_line: dict[str, int] = {}
    for child in node.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            attr = _read_attr(child)
            if attr.name in first_line:
                message = (
                    f"duplicate attribute {attr.name!r} (first set on line {first_line[attr.name]})"
                )
                problems.append(Problem(HCL_DUPLICATE, attr.line, message))
            else:
                first_line[attr.name] = attr.line
            attrs.append(attr)
        elif child.data == "block":
            blocks.append(_read_block(child, problems))
    return Body(tuple(attrs), tuple(blocks))


def _read_attr(node: Tree[Any]) -> Attr:
    name_token = first_token(node.children[0])
    expression = node.children[-1]
    refs: list[Ref] = []
    collect_refs(expression, _NOTHING_BOUND, refs)
    value = literal_value(expression)
    literal = value is not NOT_LITERAL
    line = token_line(name_token)
    return Attr(str(name_token), line, literal, value if literal else None, tuple(refs))


def _read_block(node: Tree[Any], problems: list[Problem]) -> Block:
    trees = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    name_node, *label_nodes, body_node = trees
    name_token = first_token(name_node)
    labels = tuple(_label(label) for label in label_nodes)
    line = token_line(name_token)
    closing = node.children[-1]  # the RBRACE token
    end_line = token_line(closing) if isinstance(closing, Token) else line
    body = _read_body(body_node, problems)
    return Block(str(name_token), labels, line, end_line or line, body)


def _label(node: Tree[Any]) -> str:
    if node.data == "string":
        value = literal_value(node)
        return value if isinstance(value, str) else ""
    return str(first_token(node))
