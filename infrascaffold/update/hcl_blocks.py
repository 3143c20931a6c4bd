"""Block-level 3-way merge of HCL files (`.tf`, `.tfvars`, `.hcl`), falling back to lines.

A file is split into its top-level items: blocks (`resource "aws_s3_bucket" "logs" { ... }`) and
attributes (`name = value`, values may span lines or be heredocs). The comments and blank lines
before an item belong to it, except the file's head (its opening comments up to the last blank
line before the first item); those after the last item form the file's tail. Items are keyed by
their header (`resource.aws_s3_bucket.logs`, `name`) and merged as a sequence, so edits to two
different items never conflict, however close they are; an item changed on both sides is merged
line by line (its leading comments and its code separately). Blank lines alone do not make an
item changed when deciding whether a deletion wins.

The splitter is a small lexer that knows strings with escapes and `${...}` / `%{...}` templates,
`#`, `//` and `/* */` comments, and heredocs. Whenever a file cannot be split reliably (unbalanced
brackets, unterminated strings, an item it cannot key, a key that occurs twice) the whole file is
merged by lines instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infrascaffold.update.hcl_align import merge_code
from infrascaffold.update.hcl_items import Item, key_repeated_blocks
from infrascaffold.update.lines import (
    DEFAULT_LABELS,
    MergeResult,
    line_ending,
    merge_three_way,
    split_lines,
    trivial_merge,
)

# Keys of the file's head (comments up to the last blank line before the first item) and tail
# (comments after the last item). No header can produce them.
_HEAD, _TAIL = "<head>", "<tail>"

# A quoted string without templates, read in one step; others go through _STRING_TOKEN.
# Possessive quantifiers (Python 3.11+) keep a failed attempt from backtracking exponentially.
_PLAIN_STRING = r'"(?:[^"\\$%\n]++|\\[^\n]|\$\$\{|%%\{|[$%](?!\{))*+"'
# Tokens that matter anywhere outside strings: comments, heredocs, strings and brackets.
_SHARED_TOKENS = rf"""
    | (?P<comment>(?:\#|//)[^\n]*)
    | (?P<block_comment>/\*.*?\*/)
    | (?P<bad_comment>/\*)
    | (?P<heredoc><<-?(?P<marker>[A-Za-z_][\w-]*)[ \t]*\r?\n)
    | (?P<string>{_PLAIN_STRING})
    | (?P<quote>")
    | (?P<open>[{{\[(])
    | (?P<close>[}}\])])
"""
# At top level newlines end items and words make headers, so they are tokens of their own.
_TOP_TOKEN = re.compile(
    rf"""
    (?P<space>[ \t\r\f\v]+)
    | (?P<newline>\n)
    {_SHARED_TOKENS}
    | (?P<ident>[A-Za-z_][\w-]*)
    | (?P<other>[^\s"{{}}\[\]()\#/<=A-Za-z_]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Inside brackets only the shared tokens matter: skip everything else (even plain strings) at once.
_NESTED_TOKEN = re.compile(
    rf"""
    (?P<space>(?:[^"{{}}\[\]()\#/<]++|{_PLAIN_STRING})++)
    {_SHARED_TOKENS}
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_STRING_TOKEN = re.compile(
    r"""
    (?P<text>(?:[^"\\$%\n]++|\\[^\n]|\$\$\{|%%\{|[$%](?!\{))++)
    | (?P<quote>")
    | (?P<template>[$%]\{)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CLOSERS: dict[str, tuple[str, ...]] = {"}": ("{", "${"), "]": ("[",), ")": ("(",)}


class HclSplitError(ValueError):
    """The text cannot be split into top-level items reliably."""


@dataclass(frozen=True)
class _Statement:
    """A top-level logical line: text up to a newline outside any bracket, string or heredoc."""

    text: str
    key: str | None  # None for blank lines and comments


def merge_hcl(
    base: str,
    ours: str,
    theirs: str,
    *,
    labels: tuple[str, str, str] = DEFAULT_LABELS,
) -> MergeResult:
    """Merge an HCL file item by item, then by lines inside items changed on both sides.

    Falls back to `merge_three_way` over the whole file when any version cannot be split.
    """
    fast = trivial_merge(base, ours, theirs)
    if fast is not None:
        return MergeResult(fast, 0)
    try:
        split = split_items(base), split_items(ours), split_items(theirs)
    except HclSplitError:
        return merge_three_way(base, ours, theirs, labels=labels)
    return _merge_items(*split, labels=labels, eol=line_ending(ours or base or theirs))


def split_items(text: str) -> list[Item]:
    """Split HCL text into its top-level items, between a `<head>` and a `<tail>` item.

    The head holds the file's opening comments up to the last blank line before the first item
    (a licence or "managed by" header, not about that item); the tail the comments after the
    last item. Joining the items' texts gives `text` back. Raises `HclSplitError` when the text
    cannot be split reliably or a key occurs twice.
    """
    items: list[Item] = []
    head: list[str] | None = None
    trivia: list[str] = []
    for statement in _statements(text):
        if statement.key is None:
            trivia.append(statement.text)
            continue
        if head is None:
            head, trivia = _split_head(trivia)
        items.append(Item(statement.key, "".join(trivia), statement.text))
        trivia = []
    items = key_repeated_blocks(items)
    items = [Item(_HEAD, "".join(head or []), ""), *items, Item(_TAIL, "".join(trivia), "")]
    if len({item.key for item in items}) != len(items):
        raise HclSplitError("duplicate key")
    return items


def _split_head(trivia: list[str]) -> tuple[list[str], list[str]]:
    """Cut the first item's leading trivia after its last blank line."""
    cut = max((i + 1 for i, text in enumerate(trivia) if not text.strip()), default=0)
    return trivia[:cut], trivia[cut:]


class _Lexer:
    """Walks HCL text, tracking brackets, strings and templates, and cuts top-level statements."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stack: list[str] = []  # open brackets, '${' for a template, '"' for a string
        self.start = 0  # where the current statement began
        self.words: list[str] = []  # header words seen at top level
        self.key: str | None = None
        self.has_code = False
        self.string_start = 0

    def statements(self) -> list[_Statement]:
        found: list[_Statement] = []
        while self.pos < len(self.text):
            in_string = bool(self.stack) and self.stack[-1] == '"'
            ended = self._string_step() if in_string else self._expr_step()
            if ended:
                found.append(self._cut())
        if self.stack:
            raise HclSplitError("unclosed bracket, string or template at end of file")
        if self.start < len(self.text):
            found.append(self._cut())
        return found

    def _cut(self) -> _Statement:
        if self.has_code and self.key is None:
            raise HclSplitError(f"cannot key top-level item {self.text[self.start : self.pos]!r}")
        statement = _Statement(self.text[self.start : self.pos], self.key)
        self.start, self.words, self.key, self.has_code = self.pos, [], None, False
        return statement

    def _string_step(self) -> bool:
        match = _match(_STRING_TOKEN, self.text, self.pos)
        self.pos = match.end()
        kind = match.lastgroup
        if kind == "quote":
            self.stack.pop()
            if not self.stack and self.key is None:
                self._header_word(self.text[self.string_start + 1 : self.pos - 1], quoted=True)
        elif kind == "template":
            self.stack.append("${")
        elif kind == "other":
            raise HclSplitError("newline or stray backslash in a quoted string")
        return False

    def _expr_step(self) -> bool:
        match = _match(_NESTED_TOKEN if self.stack else _TOP_TOKEN, self.text, self.pos)
        self.pos = match.end()
        kind = match.lastgroup
        if kind == "newline":
            return not self.stack
        if kind in ("space", "comment", "block_comment"):
            return False
        if kind == "bad_comment":
            raise HclSplitError("unterminated /* comment")
        self.has_code = True
        if kind == "heredoc":
            self._skip_heredoc(match)
        elif kind == "string":
            self._string_word(match.group())
        elif kind == "quote":
            self._open_string()
        elif kind == "open":
            self._open(match.group())
        elif kind == "close":
            self._close(match.group())
        else:
            self._word_or_symbol(match.group(), kind == "ident")
        return False

    def _skip_heredoc(self, match: re.Match[str]) -> None:
        marker = re.escape(match.group("marker"))
        end = re.compile(rf"^[ \t]*{marker}[ \t]*\r?$", re.MULTILINE).search(self.text, self.pos)
        if end is None:
            raise HclSplitError(f"unterminated heredoc {match.group()!r}")
        self.pos = end.end()  # the newline after the marker ends the statement

    def _string_word(self, token: str) -> None:
        if not self.stack and self.key is None:
            self._header_word(token[1:-1], quoted=True)

    def _open_string(self) -> None:
        if not self.stack:
            self.string_start = self.pos - 1
        self.stack.append('"')

    def _open(self, bracket: str) -> None:
        if not self.stack and self.key is None:
            self._finish_header(block=True)
        self.stack.append(bracket)

    def _close(self, bracket: str) -> None:
        if not self.stack or self.stack[-1] not in _CLOSERS[bracket]:
            raise HclSplitError(f"unbalanced {bracket!r}")
        self.stack.pop()

    def _word_or_symbol(self, token: str, is_word: bool) -> None:
        if self.stack or self.key is not None:
            return
        if is_word:
            self._header_word(token, quoted=False)
        elif token == "=" and len(self.words) == 1:
            self._finish_header(block=False)
        else:
            raise HclSplitError(f"unexpected {token!r} at top level")

    def _header_word(self, word: str, *, quoted: bool) -> None:
        if quoted and not self.words:
            raise HclSplitError("top-level item starting with a string")
        self.words.append(word)

    def _finish_header(self, *, block: bool) -> None:
        if not self.words or (not block and len(self.words) != 1):
            raise HclSplitError("top-level item without a name")
        self.key = ".".join(self.words)


def _statements(text: str) -> list[_Statement]:
    statements = _Lexer(text).statements()
    if "".join(s.text for s in statements) != text:
        raise HclSplitError("split lost text")  # a guard: the lexer must never drop characters
    return statements


def _match(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str]:
    match = pattern.match(text, pos)
    if match is None or match.end() == pos:
        raise HclSplitError(f"cannot read text at offset {pos}")
    return match


def _merge_items(
    base: list[Item],
    ours: list[Item],
    theirs: list[Item],
    *,
    labels: tuple[str, str, str],
    eol: str,
) -> MergeResult:
    """Merge item sequences: follow ours' order, put theirs' new items after their anchor."""
    base_by, ours_by, theirs_by = _by_key(base), _by_key(ours), _by_key(theirs)
    pieces: list[str] = []
    conflicts = 0
    for key in _result_order(ours, theirs):
        merged = _merge_item(base_by.get(key), ours_by.get(key), theirs_by.get(key), labels)
        if merged is not None:
            pieces.append(merged.text)
            conflicts += merged.conflicts
    return MergeResult(_join(pieces, eol), conflicts)


def _by_key(items: list[Item]) -> dict[str, Item]:
    return {item.key: item for item in items}


def _result_order(ours: list[Item], theirs: list[Item]) -> list[str]:
    """Ours' keys in order, each of theirs' other keys after its nearest preceding common key."""
    ours_keys = [item.key for item in ours if item.key not in (_HEAD, _TAIL)]
    in_ours = set(ours_keys)
    after: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for item in theirs:
        if item.key in in_ours:
            anchor = item.key
        elif item.key not in (_HEAD, _TAIL):
            after.setdefault(anchor, []).append(item.key)
    order = list(after.get(None, []))
    for key in ours_keys:
        order.append(key)
        order.extend(after.get(key, []))
    return [_HEAD, *order, _TAIL]


def _merge_item(
    base: Item | None,
    ours: Item | None,
    theirs: Item | None,
    labels: tuple[str, str, str],
) -> MergeResult | None:
    """The merged text of one item, or None when it is deleted."""
    if ours is None or theirs is None:
        return _merge_one_sided(base, ours, theirs, labels)
    if base is None:
        return merge_three_way("", ours.text, theirs.text, labels=labels)
    trivia = merge_three_way(base.trivia, ours.trivia, theirs.trivia, labels=labels)
    code = merge_code(base.code, ours.code, theirs.code, labels)
    # Trivia always ends with a newline: statements end at one, and only the tail ends the file.
    return MergeResult(trivia.text + code.text, trivia.conflicts + code.conflicts)


def _merge_one_sided(
    base: Item | None,
    ours: Item | None,
    theirs: Item | None,
    labels: tuple[str, str, str],
) -> MergeResult | None:
    """An item missing from ours or theirs: added, deleted, or deleted against a change."""
    kept = ours if ours is not None else theirs
    if kept is None:
        return None
    if base is None:
        return MergeResult(kept.text, 0)
    if _significant(kept) == _significant(base):
        return None  # blank lines before an item shift when its neighbour goes: no change
    # Deleted on one side, changed on the other: one conflict over the whole item.
    ours_text, theirs_text = (kept.text, "") if ours is not None else ("", kept.text)
    return merge_three_way(base.text, ours_text, theirs_text, labels=labels)


def _significant(item: Item) -> tuple[list[str], str]:
    """What makes an item changed: its code and the comments before it, not blank lines."""
    return [line for line in split_lines(item.trivia) if line.strip()], item.code


def _join(pieces: list[str], eol: str) -> str:
    """Concatenate pieces, ending each non-empty one but the last with a newline if it lacks one."""
    out: list[str] = []
    for piece in filter(None, pieces):
        if out and not out[-1].endswith("\n"):
            out.append(eol)
        out.append(piece)
    return "".join(out)
