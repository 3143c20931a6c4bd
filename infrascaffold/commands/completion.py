"""`infrascaffold completion bash|zsh|fish`: click's shell completion script, ready to source."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from infrascaffold.errors import EXIT_OK

PROG_NAME = "infrascaffold"
COMPLETE_VAR = "_INFRASCAFFOLD_COMPLETE"  # what click reads, derived from the program's name


def run(root: click.Command, shell: str) -> int:
    """Print the script that makes `shell` complete `infrascaffold` commands and options."""
    completer = get_completion_class(shell)
    if completer is None:  # click.Choice admits only the shells click supports
        raise click.UsageError(f"no completion for shell {shell}")
    click.echo(completer(root, {}, PROG_NAME, COMPLETE_VAR).source())
    return EXIT_OK
