"""`infrascaffold diagram`: the architecture graph of a Terraform folder as Mermaid or dot."""

from __future__ import annotations

from pathlib import Path

import click

from infrascaffold.diagram.build import architecture_from_folder
from infrascaffold.diagram.formats import FORMATS
from infrascaffold.errors import EXIT_OK, InfrascaffoldError


def run(directory: Path, output_format: str, env_name: str | None) -> int:
    """Print the diagram of the Terraform root in `directory`, labelled for `env_name`."""
    if output_format not in FORMATS:
        known = ", ".join(FORMATS)
        raise InfrascaffoldError("--format", f"unknown format {output_format!r} (known: {known})")
    architecture = architecture_from_folder(directory, env_name)
    click.echo(FORMATS[output_format](architecture), nl=False)
    return EXIT_OK
