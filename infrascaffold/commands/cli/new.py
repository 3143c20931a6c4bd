"""`infrascaffold new`: the click definition; the work is `commands.new.run`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from infrascaffold.commands.cli.limits import limit_options, limits_of


@click.command()
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--pack",
    "pack_ref",
    default="platform",
    show_default=True,
    help="Pack: built-in name, folder, git+URL@REF, or installed pack name.",
)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(path_type=Path),
    help="YAML file of answers.",
)
@click.option(
    "--estimate",
    "estimate_file",
    type=click.Path(path_type=Path),
    help="YAML file of expected requests per second and payload per service (recorded with "
    "the answers).",
)
@click.option(
    "--example",
    metavar="NAME",
    help="Start from a shipped example answer set (see `infrascaffold template list`).",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set one answer (dotted keys, list indexes: environments.1.region=eu-west-3).",
)
@click.option("--defaults", is_flag=True, help="Take defaults for unanswered questions; no prompt.")
@click.option("--no-input", is_flag=True, help="Never prompt; missing required answers are errors.")
@click.option("--force", is_flag=True, help="Write into a non-empty DEST (never deletes files).")
@click.option(
    "--dry-run", is_flag=True, help="Print the files that would be written; write nothing."
)
@click.option("--trust", is_flag=True, help="Run the post-render tasks the pack declares.")
@click.option(
    "--ci-at-root/--no-ci-at-root",
    default=None,
    help="Write the CI files (.github/workflows, .gitlab-ci.yml, …) at the root of the git "
    "repository holding DEST [default: when DEST is inside one, not its top].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (no next steps).")
@click.option("-v", "--verbose", is_flag=True, help="List each file written (create PATH).")
@limit_options
@click.pass_context
def new(
    ctx: click.Context,
    dest: Path,
    pack_ref: str,
    answers_file: Path | None,
    estimate_file: Path | None,
    example: str | None,
    sets: tuple[str, ...],
    defaults: bool,
    no_input: bool,
    force: bool,
    dry_run: bool,
    trust: bool,
    ci_at_root: bool | None,
    quiet: bool,
    verbose: bool,
    max_output_size: int,
    max_files: int,
    max_render_time: float,
) -> None:
    """Render a template pack into DEST, validated before anything is written.

    Then print the pack's next steps (what to run first), unless --quiet.

    \b
    Example:
      infrascaffold new infra/ --example aws-containers --no-input
      infrascaffold new infra/ --answers answers.yml --no-input \\
        --set environments.1.region=eu-west-3
    """
    from infrascaffold.answers.examples import example_path
    from infrascaffold.commands import new as command

    if example and answers_file:
        raise click.UsageError("give either --answers or --example, not both")
    if quiet and verbose:
        raise click.UsageError("give either --quiet or --verbose, not both")
    if example:
        answers_file = example_path(example)
    limits = limits_of(max_output_size, max_files, max_render_time)
    interactive = not (defaults or no_input) and sys.stdin.isatty()
    ctx.exit(
        command.run(
            dest,
            pack_ref=pack_ref,
            answers_file=answers_file,
            estimate_file=estimate_file,
            sets=sets,
            interactive=interactive,
            force=force,
            dry_run=dry_run,
            trust=trust,
            limits=limits,
            quiet=quiet,
            verbose=verbose,
            ci_at_root=ci_at_root,
        )
    )
