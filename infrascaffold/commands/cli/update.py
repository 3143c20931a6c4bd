"""`infrascaffold update` (alias `regen`): click definition; the work is `commands.update.run`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from infrascaffold.commands.cli.limits import LIMIT_OPTIONS, limit_options, limits_of


def _update_options(func: Any) -> Any:
    options: list[Any] = [
        click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False)),
        click.option("--pack", "pack_ref", help="Pack to update to (default: the recorded one)."),
        click.option(
            "--answers",
            "answers_file",
            type=click.Path(path_type=Path),
            help="YAML file of answers layered over the recorded ones.",
        ),
        click.option(
            "--estimate",
            "estimate_file",
            type=click.Path(path_type=Path),
            help="YAML file of expected requests per second and payload per service (replaces "
            "the recorded estimate).",
        ),
        click.option(
            "--set",
            "sets",
            multiple=True,
            metavar="KEY=VALUE",
            help="Change one answer (dotted keys and list indexes).",
        ),
        click.option(
            "--recreate-deleted", is_flag=True, help="Bring back generated files you deleted."
        ),
        click.option("--dry-run", is_flag=True, help="Show what would change; write nothing."),
        click.option(
            "--diff", "show_diff", is_flag=True, help="Print a unified diff of the result."
        ),
        click.option(
            "--check",
            is_flag=True,
            help="Exit 1 if an update would change anything (for CI); write nothing.",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Report format.",
        ),
        click.option(
            "--defaults", is_flag=True, help="Take defaults for new questions; no prompt."
        ),
        click.option(
            "--no-input", is_flag=True, help="Never prompt; missing required answers are errors."
        ),
        click.option(
            "--reask", is_flag=True, help="Ask every question again, recorded answers as defaults."
        ),
        click.option(
            "--trust",
            is_flag=True,
            help="Trust the pack: it may extend a remote (git) pack. Tasks run only on `new`.",
        ),
        limit_options,
        click.option(
            "--ci-at-root/--no-ci-at-root",
            default=None,
            help="Move the CI files to the root of the git repository holding DIRECTORY (or back "
            "into it) [default: where they are recorded].",
        ),
        click.option(
            "--allow-rebuild",
            is_flag=True,
            help="Allow a change of cloud (a rebuild: new state backend, every resource replaced).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@_update_options
@click.pass_context
def update(ctx: click.Context, /, directory: Path, **options: Any) -> None:
    """Re-render DIRECTORY from its recorded answers and merge your edits (alias: regen).

    Exit 1 when conflicts remain (markers are written in the files, labelled yours / base /
    template), or with --check when the folder is stale.

    \b
    Example:
      infrascaffold update infra/ --set environments.3.name=qa \\
        --set environments.3.cidr=10.40.0.0/16 --set environments.3.account_id=444444444444
      infrascaffold update infra/ --check
    """
    from infrascaffold.commands import update as command

    quiet = [options.pop("defaults"), options.pop("no_input"), options["check"]]
    options["interactive"] = not any(quiet) and sys.stdin.isatty()
    options["limits"] = limits_of(*(options.pop(name) for name in LIMIT_OPTIONS))
    ctx.exit(command.run(directory, command.UpdateOptions(**options)))
