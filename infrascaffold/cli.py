"""Command-line interface: parses options and calls one `commands.*.run` per command."""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from infrascaffold import __version__
from infrascaffold.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    Terminated,
    usage_line,
)

if TYPE_CHECKING:  # imported when a command runs: start-up stays fast
    from infrascaffold.render.limits import Limits


DEBUG_HELP = "Show tracebacks for unexpected errors."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="infrascaffold")
@click.option("--debug", is_flag=True, help=DEBUG_HELP)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Scaffold and regenerate production-grade infrastructure repositories.

    \b
    Example:
      infrascaffold new infra/ --example aws-containers --no-input
    """
    ctx.obj = {"debug": debug}


def _limit_options(func: Any) -> Any:
    """The render limits `new` and `update` share (a hostile pack cannot fill the disk)."""
    options = [
        click.option(
            "--max-output-size",
            type=click.IntRange(min=1),
            default=100,
            show_default=True,
            metavar="MB",
            help="Refuse a render larger than this many megabytes.",
        ),
        click.option(
            "--max-files",
            type=click.IntRange(min=1),
            default=20_000,
            show_default=True,
            help="Refuse a render of more files.",
        ),
        click.option(
            "--max-render-time",
            type=click.FloatRange(min=0, min_open=True),
            default=120.0,
            show_default=True,
            metavar="SECONDS",
            help="Stop a render that takes longer.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


LIMIT_OPTIONS = ("max_output_size", "max_files", "max_render_time")


def _limits(max_output_size: int, max_files: int, max_render_time: float) -> Limits:
    """The `Limits` of the values of the limit options."""
    from infrascaffold.render.limits import MB, Limits

    return Limits(max_output_size * MB, max_files, max_render_time)


@cli.command()
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (no next steps).")
@click.option("-v", "--verbose", is_flag=True, help="List each file written (create PATH).")
@_limit_options
@click.pass_context
def new(
    ctx: click.Context,
    dest: Path,
    pack_ref: str,
    answers_file: Path | None,
    example: str | None,
    sets: tuple[str, ...],
    defaults: bool,
    no_input: bool,
    force: bool,
    dry_run: bool,
    trust: bool,
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
    limits = _limits(max_output_size, max_files, max_render_time)
    interactive = not (defaults or no_input) and sys.stdin.isatty()
    ctx.exit(
        command.run(
            dest,
            pack_ref=pack_ref,
            answers_file=answers_file,
            sets=sets,
            interactive=interactive,
            force=force,
            dry_run=dry_run,
            trust=trust,
            limits=limits,
            quiet=quiet,
            verbose=verbose,
        )
    )


@cli.command()
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
        _limit_options,
        click.option(
            "--allow-rebuild",
            is_flag=True,
            help="Allow a change of cloud (a rebuild: new state backend, every resource replaced).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
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
    options["limits"] = _limits(*(options.pop(name) for name in LIMIT_OPTIONS))
    ctx.exit(command.run(directory, command.UpdateOptions(**options)))


cli.add_command(update, name="regen")


@cli.group()
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


@cli.command()
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


@cli.command()
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


@cli.group()
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


@cli.command()
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


def _accept_debug_after_the_command(group: click.Group, seen: set[int]) -> None:
    """`infrascaffold new x --debug` as well as `infrascaffold --debug new x`.

    `run_cli` reads the flag from the arguments; each command only has to accept it.
    """
    for command in group.commands.values():
        if id(command) in seen:  # `regen` is `update`
            continue
        seen.add(id(command))
        command.params.append(
            click.Option(["--debug"], is_flag=True, expose_value=False, help=DEBUG_HELP)
        )
        if isinstance(command, click.Group):
            _accept_debug_after_the_command(command, seen)


_accept_debug_after_the_command(cli, set())


def main() -> None:
    """Entry point: run the CLI and exit with the code its command chose (README's table).

    Ctrl-C exits 130 and SIGTERM 143, both after the writer has rolled back; unexpected errors
    are one line (70) unless --debug.
    """
    signal.signal(signal.SIGTERM, _raise_terminated)
    sys.exit(run_cli(sys.argv[1:]))


def run_cli(args: list[str]) -> int:
    """Run the CLI on `args` and return the process exit code (the handler of every error)."""
    try:
        # Non-standalone mode returns the code of `ctx.exit(code)` instead of raising it.
        code = cli.main(args, prog_name="infrascaffold", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(usage_line(exc), err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("Interrupted; nothing was written.", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo("Terminated; nothing was written.", err=True)
        return EXIT_TERMINATED
    except Exception as exc:  # noqa: BLE001 - the one top-level handler
        if "--debug" in args:  # the traceback, and still the internal error's exit code
            traceback.print_exc()
            return EXIT_INTERNAL
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)
