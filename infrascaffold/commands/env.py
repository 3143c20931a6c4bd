"""`infrascaffold env add|remove`: change the environments answer, then run `update`.

`env remove NAME` refuses while the environment's state may still hold resources. The tool
cannot see cloud state, so it relies on a marker: the destroy runbook's last step writes
`DEST/.infrascaffold/destroyed/NAME` after `terraform destroy` succeeded (and the state was
checked empty). `--force` removes the environment's files without it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from infrascaffold.answers.layering import parse_set_option
from infrascaffold.commands import update
from infrascaffold.errors import InfrascaffoldError
from infrascaffold.update.env_lifecycle import add_environment, remove_environment
from infrascaffold.write.record import RECORD_DIR, load_record

DESTROYED_DIR = f"{RECORD_DIR}/destroyed"
RUNBOOK = "docs/runbooks/destroy-environment.md"


def run_add(
    directory: Path,
    name: str,
    *,
    after: str | None,
    region: str | None,
    cidr: str | None,
    fields: tuple[str, ...] = (),
    options: update.UpdateOptions,
) -> int:
    """Insert NAME in promotion order and update DIRECTORY; `fields` are KEY=VALUE pairs."""
    envs = _environments(directory)
    given = dict(_field(item) for item in fields)
    changed = add_environment(envs, name, after=after, region=region, cidr=cidr, fields=given)
    added = next(e for e in changed if e["name"] == name)
    click.echo(f"adding environment {name} ({added['cidr']}) to {directory}")
    return update.run(directory, replace(options, changes={"environments": changed}))


def run_remove(directory: Path, name: str, *, force: bool, options: update.UpdateOptions) -> int:
    """Remove NAME once its state is destroyed (or with --force), then update DIRECTORY."""
    changed = remove_environment(_environments(directory), name)
    marker = directory / DESTROYED_DIR / name
    if not marker.is_file() and not force:
        _print_destroy_steps(directory, name)
        raise InfrascaffoldError(
            name,
            f"its state is not known to be destroyed: follow {RUNBOOK} (its last step writes "
            f"{DESTROYED_DIR}/{name}), or pass --force",
        )
    return update.run(directory, replace(options, changes={"environments": changed}))


def _field(item: str) -> tuple[str, object]:
    """One `--field KEY=VALUE` of the new record, parsed as `--set` parses its values."""
    parts, value = parse_set_option(item)
    if len(parts) != 1:
        raise InfrascaffoldError(f"--field {item}", "a field of the new record, e.g. account_id=…")
    return str(parts[0]), value


def _environments(directory: Path) -> list[dict[str, object]]:
    envs = load_record(directory).answers.get("environments")
    if not isinstance(envs, list) or not all(isinstance(e, dict) for e in envs):
        raise InfrascaffoldError("environments", "the record holds no list of environments")
    return envs


def _print_destroy_steps(directory: Path, name: str) -> None:
    runbook = directory / RUNBOOK
    click.echo(f"Before removing {name}, destroy it ({RUNBOOK}):")
    if runbook.is_file():
        click.echo(runbook.read_text(encoding="utf-8"))
    click.echo(f"then: mkdir -p {DESTROYED_DIR} && touch {DESTROYED_DIR}/{name}")
