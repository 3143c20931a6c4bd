"""Command-line interface: the root group, its lazily loaded commands, and the handler.

Each command's options are defined in `commands/cli/<name>.py`, which calls `commands.<name>`.
"""

from __future__ import annotations

import importlib
import signal
import sys

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

DEBUG_HELP = "Show tracebacks for unexpected errors."


# Every command by name → the `commands/cli/` module that defines it and its name there; a
# command's module (and everything it imports) is loaded only when the command is looked up, so
# `validate` does not pay for `new`'s templating or `cost`'s tables (`--help` loads them all).
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("new", "new"),
    "validate": ("validate", "validate"),
    "update": ("update", "update"),
    "regen": ("update", "update"),
    "env": ("env", "env"),
    "diagram": ("diagram", "diagram"),
    "cost": ("cost", "cost"),
    "template": ("template", "template"),
    "completion": ("completion", "completion"),
}


class _LazyGroup(click.Group):
    """The root group: `COMMANDS` imported on first lookup, each given `--debug` once."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"infrascaffold.commands.cli.{module}"), attr)
            _accept_debug_after_the_command(command, _DEBUG_ADDED)
            self.add_command(command, name=cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # click guesses among the loaded commands: guess among them all (`nwe` → `new`)
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None


_DEBUG_ADDED: set[int] = set()  # `regen` is `update`: one `--debug` per command object


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


def _accept_debug_after_the_command(command: click.Command, seen: set[int]) -> None:
    """`infrascaffold new x --debug` as well as `infrascaffold --debug new x`.

    `run_cli` reads the flag from the arguments; each command (and subcommand) only has to
    accept it.
    """
    if id(command) in seen:
        return
    seen.add(id(command))
    command.params.append(
        click.Option(["--debug"], is_flag=True, expose_value=False, help=DEBUG_HELP)
    )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_debug_after_the_command(sub, seen)


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
            import traceback  # only here: a run without an unexpected error does not load it

            traceback.print_exc()
            return EXIT_INTERNAL
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def _raise_terminated(signum: int, frame: object) -> None:
    """Raise Terminated where the process is, or, during an interview, end the prompt with it.

    Raised in the middle of prompt_toolkit's event loop, the exception could leave the loop
    waiting on its executor and the process hung (one run in three under load); the prompt's own
    exit path unwinds like Ctrl-C does.
    """
    current = sys.modules.get("prompt_toolkit.application.current")  # only if an interview began
    app = current.get_app_or_none() if current is not None else None
    if app is not None and app.is_running:
        app.loop.call_soon_threadsafe(lambda: app.exit(exception=Terminated(signum)))
        return
    raise Terminated(signum)
