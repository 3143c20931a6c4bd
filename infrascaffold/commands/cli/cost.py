"""`infrascaffold cost`: the click definition; the work is `commands.cost.run`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option("--env", "env_name", help="One environment's lines instead of the summary.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Output format.",
)  # fmt: skip
@click.pass_context
def cost(ctx: click.Context, directory: Path, env_name: str | None, output_format: str) -> None:
    """Print the monthly cost estimate of the render in DIRECTORY against its budgets.

    \b
    Example:
      infrascaffold cost infra/ --env prod --format json
    """
    from infrascaffold.commands import cost as command

    ctx.exit(command.run(directory, env_name, output_format))
