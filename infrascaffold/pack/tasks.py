"""Post-render tasks a pack may declare: run only when the user trusts the pack."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path

import click

from infrascaffold.errors import PackError


def require_trust(tasks: Sequence[str], source: str, *, trusted: bool) -> None:
    """Refuse, before anything is written, a pack with tasks that the user did not trust."""
    if tasks and not trusted:
        listed = "; ".join(tasks)
        raise PackError(source, f"declares post-render tasks ({listed}); pass --trust to run them")


def run_tasks(tasks: Sequence[str], dest: Path) -> None:
    """Run each task in DEST (no shell), listing them first; the first failure stops."""
    if not tasks:
        return
    click.echo("Running the pack's post-render tasks:")
    for task in tasks:
        click.echo(f"  $ {task}")
    for task in tasks:
        try:
            result = subprocess.run(shlex.split(task), cwd=dest, check=False)
        except OSError as exc:
            raise PackError(task, f"cannot run: {exc.strerror}") from exc
        if result.returncode != 0:
            raise PackError(task, f"failed with exit code {result.returncode}")
