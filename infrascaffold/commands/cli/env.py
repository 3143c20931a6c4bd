"""`infrascaffold env add|remove`: the click definitions; the work is `commands.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


@click.group()
def env() -> None:
    """Add or remove an environment (an answer change applied with `update`)."""


@env.command("add")
@click.argument("name")
@click.option("--after", help="Promote after this environment (default: last).")
@click.option("--region", help="Region (default: the one of the environment it follows).")
@click.option("--cidr", help="Network CIDR (default: the first free /16 of 10.0.0.0/8).")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="KEY=VALUE",
    help="Another field of the new record, e.g. account_id=444444444444 (AWS).",
)
@click.option("--dir", "directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.pass_context
def env_add(ctx: click.Context, /, name: str, directory: Path, dry_run: bool, **where: Any) -> None:
    """Add environment NAME, e.g. `infrascaffold env add qa --after dev`.

    AWS and Azure environments need their own account or subscription:
    `--field account_id=444444444444` or `--field subscription_id=GUID`.
    """
    from infrascaffold.commands import env as command
    from infrascaffold.commands.update import UpdateOptions

    options = UpdateOptions(dry_run=dry_run)
    ctx.exit(command.run_add(directory, name, options=options, **where))


@env.command("remove")
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove even though its state is not known destroyed.")
@click.option("--dir", "directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.pass_context
def env_remove(ctx: click.Context, name: str, directory: Path, force: bool, dry_run: bool) -> None:
    """Remove environment NAME after its destroy (see docs/runbooks/destroy-environment.md)."""
    from infrascaffold.commands import env as command
    from infrascaffold.commands.update import UpdateOptions

    options = UpdateOptions(dry_run=dry_run)
    ctx.exit(command.run_remove(directory, name, force=force, options=options))
