"""`infrascaffold completion`: the click definition; the work is `commands.completion.run`."""

from __future__ import annotations

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for SHELL (commands, options, choices, paths).

    \b
    Example:
      eval "$(infrascaffold completion bash)"     # in ~/.bashrc (zsh: ~/.zshrc)
      infrascaffold completion fish > ~/.config/fish/completions/infrascaffold.fish
    """
    from infrascaffold.commands import completion as command

    ctx.exit(command.run(ctx.find_root().command, shell))
