"""The error root and its few subclasses.

Every user-facing failure is an `InfrascaffoldError`: a `click.ClickException` carrying the path
(file, answer key or template) it is about and the reason, printed as one line without a
traceback. Exit codes are documented in README.md and fixed here.
"""

from __future__ import annotations

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
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)


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
            click.echo(f"error: {path}: {reason}", file=file, err=file is None)


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
