"""The error root and its few subclasses.

Every user-facing failure is an `InfrascaffoldError`: a `click.ClickException` carrying the path
(file, answer key or template) it is about and the reason, printed as one line without a
traceback. Exit codes are documented in README.md and fixed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO, Any

import click

EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran and found problems (findings, conflicts, drift)
EXIT_USAGE = 2  # bad invocation or bad input
EXIT_INTERNAL = 70  # a bug: an unexpected exception
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)


class Terminated(BaseException):  # noqa: N818 - named like KeyboardInterrupt, its sibling
    """SIGTERM arrived: raised from the signal handler so that writes roll back like Ctrl-C.

    A BaseException, as KeyboardInterrupt is, so that no `except Exception` swallows it.
    """


class InfrascaffoldError(click.ClickException):
    """Root of every error infrascaffold reports to a user."""

    exit_code = EXIT_USAGE

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {safe_lines(self.format_message())}", file=file, err=file is None)


class AnswerError(InfrascaffoldError):
    """One or more answers are invalid; `problems` holds (key path, reason) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        first_path, first_reason = problems[0]
        super().__init__(first_path, first_reason)

    def format_message(self) -> str:
        return "\n".join(f"{path}: {reason}" for path, reason in self.problems)

    def show(self, file: IO[Any] | None = None) -> None:
        for path, reason in self.problems:
            line = one_line(f"{path}: {reason}", limit=400)
            click.echo(f"error: {line}", file=file, err=file is None)


class PackError(InfrascaffoldError):
    """A template pack cannot be found, loaded or is malformed."""


class RenderError(InfrascaffoldError):
    """A template failed to render, or its output failed validation."""

    exit_code = EXIT_FINDINGS


class WriteError(InfrascaffoldError):
    """The destination cannot be written (not empty, outside DEST, I/O failure)."""


class FindingsError(InfrascaffoldError):
    """The command ran and found problems; the findings were already printed."""

    exit_code = EXIT_FINDINGS

    def show(self, file: IO[Any] | None = None) -> None:
        if self.reason:
            click.echo(self.reason, file=file, err=file is None)


class LimitError(InfrascaffoldError):
    """A render exceeded a resource limit (output size, file count, render time)."""


# --- showing untrusted values in one-line messages -------------------------------------------

SHOWN_CHARS = 60
# Line breaks Python's str.splitlines() (and terminals, CI log parsers) honour besides \n.
_LINE_BREAKS = {"\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """`value` as a Python literal fit for an error line: truncated, control characters escaped.

    A rejected answer may be huge or hold a newline (an attacker's text would start its own line,
    e.g. a `::` GitHub Actions workflow command), so it is never echoed as given.
    """
    text = _literal(value[: limit * 4] if isinstance(value, str) else value)
    if isinstance(value, str) and len(value) > limit * 4:
        text = text[:-1]
    escaped = "".join(_escaped_char(ch) for ch in text[: limit * 4])
    total = len(value) if isinstance(value, str) else len(text)
    if len(escaped) > limit or total > limit * 4:
        return escaped[:limit] + f"… ({total} characters)"
    return escaped


def one_line(text: str, limit: int = 200) -> str:
    """Free text (an exception message quoting pack content) made one line, escaped, bounded."""
    escaped = "".join(" " if ch == "\n" else _escaped_char(ch) for ch in text[: limit * 4])
    return escaped if len(escaped) <= limit else escaped[:limit] + "…"


def safe_lines(text: str) -> str:
    """Text whose only line breaks are its own `\\n`: other breaks and controls escaped."""
    return "\n".join("".join(_escaped_char(ch) for ch in line) for line in text.split("\n"))


def escaped(text: str) -> str:
    """`text` with every control, line-break and bidi character escaped (`\\n`, `\\x1b`)."""
    return "".join(_escaped_char(ch) for ch in text)


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    try:
        return repr(value)
    except (RecursionError, ValueError):  # a deeply nested value, or a huge int
        return f"<{type(value).__name__}>"


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped_char(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[ch]
    if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
        return f"\\x{code:02x}"
    if ch in _LINE_BREAKS or 0x200B <= code <= 0x200F or 0x202A <= code <= 0x202E:
        return f"\\u{code:04x}"
    if 0x2066 <= code <= 0x2069 or code == 0xFEFF:
        return f"\\u{code:04x}"
    return ch


def did_you_mean(word: object, options: Iterable[object]) -> str:
    """` (did you mean X?)` when one of `options` is close to `word` (a typo), else ``."""
    if not isinstance(word, str):
        return ""
    import difflib  # only for an error: not loaded by every start-up

    names = [str(option) for option in options]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        close = [name for name in names if name.lower() == word.lower()]
    return f" (did you mean {close[0]}?)" if close else ""


_CLICK_GUESS = re.compile(r"(?P<message>.*?)\.? Did you mean '?(?P<guess>.*?)'?\?", re.DOTALL)


def usage_line(exc: click.UsageError) -> str:
    """A usage error as one line: `no such option --bogus (did you mean --force?) (see …)`.

    click prints three (usage, a hint, the error); the usage is one `--help` away.
    """
    if isinstance(exc, click.NoSuchOption):
        import difflib

        message = f"no such option {exc.option_name}"
        # click's guesses start at a 0.6 likeness (`--bogus` → `--verbose`): only close ones
        close = difflib.get_close_matches(exc.option_name, exc.possibilities or [], cutoff=0.75)
        if close:
            message += f" (did you mean {' or '.join(sorted(close))}?)"
    else:
        message = exc.format_message().strip()
        guess = _CLICK_GUESS.fullmatch(message)
        message = message.removesuffix(".")
        if guess:  # click's own suggestion (a command): in our words
            message = f"{guess['message']} (did you mean {guess['guess']}?)"
        if message[:1].isupper() and message[1:2].islower():
            message = message[0].lower() + message[1:]
    see = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
    return f"error: {one_line(message, limit=300)}{see}"
