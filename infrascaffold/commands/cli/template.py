"""`infrascaffold template list|init|lint|test`: the click definitions of `commands.template`."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def template() -> None:
    """Author template packs: list, init, lint and test them.

    \b
    Example:
      infrascaffold template init packs/acme --extends platform
      infrascaffold template lint packs/acme && infrascaffold template test packs/acme
    """


@template.command("list")
@click.pass_context
def template_list(ctx: click.Context) -> None:
    """List the built-in and installed packs, and the example answer sets.

    \b
    Example:
      infrascaffold template list
    """
    from infrascaffold.commands import template as command

    ctx.exit(command.run_list())


@template.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--extends", help="Base pack to extend (e.g. platform).")
@click.option(
    "--force", is_flag=True, help="Write into a non-empty DIRECTORY (replaces skeleton files)."
)
@click.pass_context
def template_init(ctx: click.Context, directory: Path, extends: str | None, force: bool) -> None:
    """Create a working pack skeleton with one test case in DIRECTORY.

    \b
    Example:
      infrascaffold template init packs/acme --extends platform
    """
    from infrascaffold.commands import template as command

    ctx.exit(command.run_init(directory, extends, force=force))


@template.command("lint")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--max-renders", default=8, show_default=True, help="Cap on matrix renders.")
@click.option(
    "--answers",
    "answers_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Base answers for the matrix (repeatable); each render takes the closest one.",
)
@click.pass_context
def template_lint(
    ctx: click.Context, directory: Path, max_renders: int, answers_files: tuple[Path, ...]
) -> None:
    """Check a pack: manifest, templates, names, conditions, and a matrix of renders.

    Each matrix render lays its choices over the closest base answer set (the pack's test
    cases, then each --answers file) for the answers the matrix does not vary.

    \b
    Example:
      infrascaffold template lint packs/acme --max-renders 4
      infrascaffold template lint templates/platform --answers examples/answers/aws-containers.yml
    """
    from infrascaffold.commands import template as command

    ctx.exit(command.run_lint(directory, max_renders, answers_files))


@template.command("test")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--update", is_flag=True, help="Rewrite the expected trees from the renders.")
@click.pass_context
def template_test(ctx: click.Context, directory: Path, update: bool) -> None:
    """Render the pack's test cases and compare them with their expected trees.

    \b
    Example:
      infrascaffold template test packs/acme --update
    """
    from infrascaffold.commands import template as command

    ctx.exit(command.run_test(directory, update))
