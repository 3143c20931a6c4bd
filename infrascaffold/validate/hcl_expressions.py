"""What an expression's tokens (`hcl_tokens`) tell the model: its references and literal value.

A reference is a traversal rooted at a name that no enclosing `for` binds (`var.x`,
`aws_vpc.main.id`, `each.key`), with the attribute names up to the first index or splat; object
keys written as bare names, function names, attribute names after a dot and the keywords of
`for` expressions and template directives are not references. Heredocs are scanned as text
(`hcl_text_refs`). The walk is a loop over the tokens, so no expression is too deep for it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from infrascaffold.validate.hcl_doc import Ref
from infrascaffold.validate.hcl_text_refs import collect_text_refs
from infrascaffold.validate.hcl_tokens import (
    DIRECTIVE,
    HEREDOC,
    IDENT,
    INTERPOLATION,
    LITERAL,
    NEWLINE,
    NUMBER,
    PUNCT,
    STRING,
    Token,
)

NOT_LITERAL: Any = object()
_KEYWORD_VALUES = {"true": True, "false": False, "null": None}
_NO_TOKEN: Token = (NEWLINE, None, 0)
_KEY_STARTS = frozenset({"{", ","})
_DIRECTIVE_WORDS = frozenset({"if", "else", "endif", "endfor"})
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")
_TRACKED = _OPENERS | _CLOSERS | {"?", ":"}  # the punctuation `_punctuation` acts on
_ATTRIBUTE_MARKS = (".", "::")  # a name after these is an attribute or a function's namespace


class _Bracket(NamedTuple):
    """An open `(`, `[` or `{` and what its insides see."""

    opener: str
    outer: frozenset[str]  # the names bound outside it, restored when it closes
    loop_names: frozenset[str]  # names a `for` binds after its `:` (empty when not a `for`)
    is_for: bool


def expression_refs(tokens: list[Token], bound: frozenset[str] = frozenset()) -> list[Ref]:
    """The references of one expression's tokens, in source order."""
    out: list[Ref] = []
    _collect(tokens, bound, out)
    return out


def _collect(tokens: list[Token], bound: frozenset[str], out: list[Ref]) -> None:
    stack: list[_Bracket] = []
    questions: list[int] = [0]  # open `?` of conditionals, per bracket level
    previous: Token = _NO_TOKEN
    index, end = 0, len(tokens)
    while index < end:
        token = tokens[index]
        kind, value, line = token
        if kind == IDENT:
            if previous[0] != PUNCT or previous[1] not in _ATTRIBUTE_MARKS:  # else a name after .
                _identifier(tokens, index, previous, stack, bound, out)
        elif kind == PUNCT:
            if value in _TRACKED:  # `.`, `,`, `=` and the operators change nothing here
                index, bound = _punctuation(tokens, index, stack, questions, bound)
        elif kind == STRING:
            _string_refs(value, bound, out)
        elif kind == HEREDOC:
            collect_text_refs(value, line, bound, out)
        if kind != NEWLINE:
            previous = token
        elif stack and stack[-1].opener == "{":
            previous = (PUNCT, ",", line)  # a new line in an object starts a new element
        index += 1


def _punctuation(
    tokens: list[Token],
    index: int,
    stack: list[_Bracket],
    questions: list[int],
    bound: frozenset[str],
) -> tuple[int, frozenset[str]]:
    """Track brackets, `for` scopes and conditionals; returns the index of the last token
    read (past a `for a, b in` intro) and the names bound from there."""
    value = tokens[index][1]
    if value in _OPENERS:
        is_for = value != "(" and _next(tokens, index)[1] == "for"
        names = _for_names(tokens, index) if is_for else frozenset()
        stack.append(_Bracket(value, bound, names, is_for))
        questions.append(0)
        return (_skip_for_intro(tokens, index) if is_for else index), bound
    if value in _CLOSERS and stack:
        questions.pop()
        return index, stack.pop().outer
    if value == "?":
        questions[-1] += 1
    elif value == ":" and questions[-1]:
        questions[-1] -= 1
    elif value == ":" and stack and stack[-1].is_for:
        bound = bound | stack[-1].loop_names
    return index, bound


def _identifier(
    tokens: list[Token],
    index: int,
    previous: Token,
    stack: list[_Bracket],
    bound: frozenset[str],
    out: list[Ref],
) -> None:
    """Record the reference an identifier starts, if it starts one."""
    name, line = tokens[index][1], tokens[index][2]
    if previous[0] == PUNCT and previous[1] in _ATTRIBUTE_MARKS:
        return  # an attribute name, or a provider function's namespace
    following = _next(tokens, index)
    if following[0] == PUNCT and following[1] in ("(", "::"):
        return  # a function name
    if name in _KEYWORD_VALUES or name in bound:
        return
    if stack and stack[-1].is_for and name == "if":
        return
    in_object = bool(stack) and stack[-1].opener == "{" and not stack[-1].is_for
    key_start = previous[0] == PUNCT and previous[1] in _KEY_STARTS
    if in_object and key_start and following[0] == PUNCT and following[1] in ("=", ":"):
        return  # an object key written as a bare name
    out.append(Ref(name, _traversal(tokens, index + 1), line))


def _traversal(tokens: list[Token], index: int) -> tuple[str, ...]:
    """The attribute names `.a.b` from `index` up to the first index or splat (a traversal may
    go on on the next line inside brackets)."""
    attrs: list[str] = []
    end = len(tokens)
    while index < end:
        kind, value, _ = tokens[index]
        if kind == NEWLINE:
            index += 1
            continue
        if kind != PUNCT or value != "." or index + 1 == end:
            break
        kind, value, _ = tokens[index + 1]
        if kind != IDENT or value in _KEYWORD_VALUES:
            break
        attrs.append(value)
        index += 2
    return tuple(attrs)


def _next(tokens: list[Token], index: int) -> Token:
    """The next token after `index` that is not a new line."""
    end = len(tokens)
    index += 1
    while index < end:  # no slice: copying the rest of a long expression per name was quadratic
        token = tokens[index]
        if token[0] != NEWLINE:
            return token
        index += 1
    return _NO_TOKEN


def _for_names(tokens: list[Token], index: int) -> frozenset[str]:
    """The names `[for a, b in ...` binds (the bracket is at `index`)."""
    names: set[str] = set()
    for kind, value, _ in tokens[index + 2 :]:
        if kind == IDENT and value == "in":
            break
        if kind == IDENT:
            names.add(value)
    return frozenset(names)


def _skip_for_intro(tokens: list[Token], index: int) -> int:
    """The index of the `in` after `[for a, b` (the bracket is at `index`)."""
    cursor = index + 1
    while tokens[cursor][0] != IDENT or tokens[cursor][1] != "in" or cursor == index + 1:
        cursor += 1
    return cursor


def _string_refs(parts: tuple[Any, ...], bound: frozenset[str], out: list[Ref]) -> None:
    """References in a quoted template; `%{ for x in ... }` binds `x` in the whole string."""
    loop_names = bound
    for kind, inner in parts:
        if kind == DIRECTIVE:
            words = [token for token in inner if token[1] != "~"]
            if words and words[0][1] == "for":
                loop_names = loop_names | _for_names(words, -1)
    for kind, inner in parts:
        if kind == INTERPOLATION:
            _collect(inner, loop_names, out)
        elif kind == DIRECTIVE:
            _collect(_directive_expression(inner), loop_names, out)


def _directive_expression(tokens: list[Token]) -> list[Token]:
    """The expression of `%{ if x }` or `%{ for a in x }` (none for the other directives)."""
    words = [token for token in tokens if not (token[0] == PUNCT and token[1] == "~")]
    if not words or words[0][0] != IDENT:
        return words
    if words[0][1] == "for":
        for position, (kind, value, _) in enumerate(words):
            if kind == IDENT and value == "in" and position > 1:
                return words[position + 1 :]
        return []
    if words[0][1] in _DIRECTIVE_WORDS:
        return words[1:]
    return words


def literal_value(tokens: list[Token]) -> Any:
    """The value of a literal expression (strings without interpolation, numbers, bools, null,
    and tuples or objects of those), else `NOT_LITERAL`."""
    if not tokens:
        return NOT_LITERAL
    first_kind, first = tokens[0][0], tokens[0][1]
    if first_kind == IDENT and first not in _KEYWORD_VALUES:
        return NOT_LITERAL  # a reference or a function call (the usual case): nothing to build
    if len(tokens) == 1:
        if first_kind == STRING:
            return _string_value(first)
        if first_kind == NUMBER:
            return _number(first)
    significant = [token for token in tokens if token[0] != NEWLINE]
    try:
        value, index = _literal(significant, 0)
    except (IndexError, RecursionError):
        return NOT_LITERAL
    return value if index == len(significant) else NOT_LITERAL


def _literal(tokens: list[Token], index: int) -> tuple[Any, int]:
    kind, value, _ = tokens[index]
    if kind == STRING:
        return _string_value(value), index + 1
    if kind == NUMBER:
        return _number(value), index + 1
    if kind == IDENT:
        return _KEYWORD_VALUES.get(value, NOT_LITERAL), index + 1
    if kind == HEREDOC:
        return _heredoc_value(value), index + 1
    if kind != PUNCT:
        return NOT_LITERAL, index
    if value == "-":
        number, after = _literal(tokens, index + 1)
        negative = isinstance(number, int | float) and not isinstance(number, bool)
        return (-number if negative else NOT_LITERAL), after
    if value == "(":
        inner, after = _literal(tokens, index + 1)
        closed = tokens[after][1] == ")"
        return (inner if closed else NOT_LITERAL), after + 1
    if value == "[":
        return _tuple(tokens, index + 1)
    if value == "{":
        return _object(tokens, index + 1)
    return NOT_LITERAL, index


def _tuple(tokens: list[Token], index: int) -> tuple[Any, int]:
    values: list[Any] = []
    while tokens[index][1] != "]":
        value, index = _literal(tokens, index)
        if value is NOT_LITERAL:
            return NOT_LITERAL, index
        values.append(value)
        if tokens[index][1] == ",":
            index += 1
        elif tokens[index][1] != "]":
            return NOT_LITERAL, index
    return values, index + 1


def _object(tokens: list[Token], index: int) -> tuple[Any, int]:
    result: dict[str, Any] = {}
    while tokens[index][1] != "}":
        key = _object_key(tokens[index])
        if key is None or tokens[index + 1][1] not in ("=", ":"):
            return NOT_LITERAL, index
        value, index = _literal(tokens, index + 2)
        if value is NOT_LITERAL:
            return NOT_LITERAL, index
        result[key] = value
        if tokens[index][1] == ",":
            index += 1
    return result, index + 1


def _object_key(token: Token) -> str | None:
    kind, value, _ = token
    if kind == IDENT:
        return None if value in _KEYWORD_VALUES else str(value)
    if kind == STRING:
        text = _string_value(value)
        return text if isinstance(text, str) else None
    return None


def _string_value(parts: tuple[Any, ...]) -> Any:
    if all(kind == LITERAL for kind, _ in parts):
        return "".join(text for _, text in parts)
    return NOT_LITERAL


def _number(text: str) -> int | float:
    return float(text) if "." in text or "e" in text or "E" in text else int(text)


def _heredoc_value(token: str) -> Any:
    lines = token.split("\n")
    body = "\n".join(lines[1:-2]) + "\n" if len(lines) > 2 else ""
    if "${" in body or "%{" in body:
        return NOT_LITERAL
    return body
