"""`infrascaffold diagram`: the click definition; the work is `commands.diagram.run`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help="Diagram language.",
)
@click.option("--env", "env_name", help="Label the diagram with this environment's tfvars.")
@click.pass_context
def diagram(ctx: click.Context, directory: Path, output_format: str, env_name: str | None) -> None:
    """Print the architecture diagram of the Terraform in DIRECTORY.

    \b
    Example:
      infrascaffold diagram infra/ --env prod > architecture.mmd
    """
    from infrascaffold.commands import diagram as command

    ctx.exit(command.run(directory, output_format, env_name))
