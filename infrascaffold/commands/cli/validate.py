"""`infrascaffold validate`: the click definition; the work is `commands.validate.run`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Text lines, a JSON list, SARIF 2.1.0 (code scanning), GitHub annotations or a GitLab"
    " Code Quality report.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--select", multiple=True, metavar="CHECK", help="Report only these check ids or groups."
)
@click.option("--ignore", multiple=True, metavar="CHECK", help="Never report these checks.")
@click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip these paths (globs or folders)."
)
@click.option("--list-checks", is_flag=True, help="Print every check id with its meaning.")
@click.pass_context
def validate(
    ctx: click.Context,
    directory: Path,
    output_format: str,
    strict: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    list_checks: bool,
) -> None:
    """Parse and cross-check the Terraform, tfvars and CI files of DIRECTORY.

    Tune it in DIRECTORY/.infrascaffold.yaml (`validate:` select, ignore, exclude, severity,
    tfvars, environments) or inline: `# infrascaffold: ignore[check-id] reason`.

    \b
    Example:
      infrascaffold validate infra/ --format sarif --ignore variable-description
    """
    if list_checks:
        from infrascaffold.validate.catalogue import format_catalogue

        click.echo(format_catalogue())
        ctx.exit(0)
    from infrascaffold.commands import validate as command

    ctx.exit(command.run(directory, output_format, strict, select, ignore, exclude))
