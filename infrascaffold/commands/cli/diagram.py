"""`infrascaffold diagram`: the click definition; the work is `commands.diagram.run`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "svg", "png"]),
    default="mermaid",
    show_default=True,
    help="Diagram language, or a picture drawn by Graphviz (svg, png; needs `dot`).",
)
@click.option(
    "--env",
    "env_name",
    help="Draw this environment: its names, region, CIDR, protection and sizes (its tfvars).",
)
@click.pass_context
def diagram(ctx: click.Context, directory: Path, output_format: str, env_name: str | None) -> None:
    """Print the architecture diagram of the Terraform in DIRECTORY.

    \b
    Example:
      infrascaffold diagram infra/ --env prod > architecture.mmd
      infrascaffold diagram infra/ --env prod --format svg > prod.svg
    """
    from infrascaffold.commands import diagram as command

    ctx.exit(command.run(directory, output_format, env_name))
