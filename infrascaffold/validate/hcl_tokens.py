"""Split HCL text that HashiCorp's parser has accepted into tokens with their lines.

The text is valid (`hcl_syntax` judged it first), so the scanner only has to tell tokens apart,
not report errors. A token is a tuple `(kind, value, line)`:

- `NEWLINE` (`None`), `IDENT` and `NUMBER` (their text), `PUNCT` (an operator or bracket);
- `STRING`: a quoted template, whose value is a tuple of parts: `(LITERAL, text)` with escapes
  resolved, `(INTERPOLATION, tokens)` for `${ ... }` and `(DIRECTIVE, tokens)` for `%{ ... }`;
- `HEREDOC`: the whole heredoc, from `<<` to the end of its closing line, newline included.

Comments are dropped (a line comment's newline stays a `NEWLINE`); a UTF-8 byte order mark is
skipped. Anything the scanner cannot place raises `ScanError`.
"""

from __future__ import annotations

import re
from typing import Any

NEWLINE, IDENT, NUMBER, PUNCT, STRING, HEREDOC = "n", "i", "d", "p", "s", "h"
LITERAL, INTERPOLATION, DIRECTIVE = "l", "t", "x"

Token = tuple[str, Any, int]

# Each match is blanks, then one token; the most frequent kinds first.
_TOKEN = re.compile(
    r"""
    [ \t\r]*(?:
    (?P<ident>[^\W\d][\w-]*)
    |(?P<newline>\n)
    |(?P<simple>"[^"\\$%\n]*")
    |(?P<comment>(?:\#|//)[^\n]*|/\*.*?\*/)
    |(?P<heredoc><<-?(?P<marker>[^\W\d][\w.-]*)\r?\n)
    |(?P<punct>==|!=|<=|>=|&&|\|\||=>|\.\.\.|::|\.\*|\[\*\]|[-+*/%<>!?:=.,(){}\[\]~])
    |(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<string>")
    )
    """,
    re.S | re.X,
)
_BLANKS = re.compile(r"[ \t\r]*\Z")
_IDENT_GROUP = _TOKEN.groupindex["ident"]
_NEWLINE_GROUP = _TOKEN.groupindex["newline"]
_PUNCT_GROUP = _TOKEN.groupindex["punct"]
_INDEX = re.compile(r"[0-9]+")  # after a dot: `a.0.1` is two indexes, not the number 0.1
_STRING_STOP = re.compile(r'["\\\n]|\$\$\{|%%\{|\$\{|%\{')
_ESCAPE = re.compile(r'\\(?:([nrt"\\])|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_DEPTH = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


class ScanError(ValueError):
    """The text is not HCL the scanner can read (never raised for text pygohcl accepts)."""


def tokenize(text: str) -> list[Token]:
    """The tokens of a whole file."""
    tokens, _, _ = _scan(text, 1 if text.startswith("\ufeff") else 0, 1, inside=False)
    return tokens


def _scan(text: str, pos: int, line: int, inside: bool) -> tuple[list[Token], int, int]:
    """Tokens from `pos` to the end, or (`inside` a template) to the `}` that closes it.

    Returns the tokens, the position after the end and the line there.
    """
    tokens: list[Token] = []
    append = tokens.append
    depth = 0
    end = len(text)
    match = _TOKEN.match
    while pos < end:
        found = match(text, pos)
        if found is None:
            if _BLANKS.match(text, pos):
                break
            raise ScanError(f"line {line}: unexpected {text[pos:].lstrip()[:1]!r}")
        group = found.lastindex  # an int: cheaper than `lastgroup`'s name, once per token
        pos = found.end()
        if group == _IDENT_GROUP:
            append((IDENT, found.group(group), line))
        elif group == _NEWLINE_GROUP:
            append((NEWLINE, None, line))
            line += 1
        elif group == _PUNCT_GROUP:
            value = found.group(group)
            if value == "}" and depth == 0 and inside:
                return tokens, pos, line
            depth += _DEPTH.get(value, 0)
            append((PUNCT, value, line))
            if value == "." and (index := _INDEX.match(text, pos)):
                append((NUMBER, index.group(), line))
                pos = index.end()
        else:
            pos, line = _long_token(text, found, line, tokens)
    if inside:
        raise ScanError(f"line {line}: unclosed template")
    return tokens, pos, line


def _long_token(text: str, found: re.Match[str], line: int, tokens: list[Token]) -> tuple[int, int]:
    """Append the string, heredoc or number that `found` matched (nothing for a comment);
    returns the position and the line after it."""
    kind = found.lastgroup
    if kind == "simple":  # a quoted string without escapes or templates
        value = found.group(kind)[1:-1]
        tokens.append((STRING, ((LITERAL, value),) if value else (), line))
        return found.end(), line
    if kind == "string":
        parts, pos, next_line = _string(text, found.end(), line)
        tokens.append((STRING, parts, line))
        return pos, next_line
    if kind == "heredoc":
        pos, token = _heredoc(text, found, line)
        tokens.append(token)
        return pos, line + token[1].count("\n") - 1
    if kind == "number":
        tokens.append((NUMBER, found.group(kind), line))
        return found.end(), line
    return found.end(), line + found.group().count("\n")  # a comment


def _string(text: str, pos: int, line: int) -> tuple[tuple[Any, ...], int, int]:
    """The parts of a quoted template whose opening quote ends at `pos`."""
    parts: list[tuple[str, Any]] = []
    literal: list[str] = []
    while True:
        stop = _STRING_STOP.search(text, pos)
        if stop is None:
            raise ScanError(f"line {line}: unclosed string")
        literal.append(text[pos : stop.start()])
        mark = stop.group()
        pos = stop.end()
        if mark == '"':
            break
        if mark == "\\":
            escape = _ESCAPE.match(text, pos - 1)
            literal.append(_unescape(escape) if escape else "\\" + text[pos : pos + 1])
            pos = escape.end() if escape else pos + 1
        elif mark == "\n":  # only inside an interpolation in valid HCL; kept for safety
            literal.append("\n")
            line += 1
        elif mark in ("$${", "%%{"):
            literal.append(mark[1:])
        else:
            if literal:
                parts.append((LITERAL, "".join(literal)))
                literal = []
            inner, pos, line = _scan(text, pos, line, inside=True)
            parts.append((INTERPOLATION if mark == "${" else DIRECTIVE, inner))
    if literal:
        parts.append((LITERAL, "".join(literal)))
    return tuple(part for part in parts if part != (LITERAL, "")), pos, line


def _unescape(escape: re.Match[str]) -> str:
    simple, short, long = escape.groups()
    if simple:
        return _SIMPLE[simple]
    codepoint = int(short or long, 16)
    if codepoint > 0x10FFFF or 0xD800 <= codepoint < 0xE000:
        return escape.group()  # not a character: kept as written, as python-hcl2 does
    return chr(codepoint)


def _heredoc(text: str, opening: re.Match[str], line: int) -> tuple[int, Token]:
    """The heredoc opened by `opening`: the position after its closing line, and its token."""
    marker = re.escape(opening.group("marker"))
    closing = re.compile(rf"^[ \t]*{marker}\r?$", re.M).search(text, opening.end())
    if closing is None:
        raise ScanError(f"line {line}: unclosed heredoc")
    end = closing.end()
    body = text[opening.start("heredoc") : end] + "\n"  # the newline after the marker stays a token
    return end, (HEREDOC, body, line)
