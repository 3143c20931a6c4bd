"""`infrascaffold diagram`: the architecture graph of a Terraform folder as Mermaid, dot, or an
SVG/PNG picture drawn by Graphviz's `dot` when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from infrascaffold.diagram.build import architecture_from_folder
from infrascaffold.diagram.formats import FORMATS, to_dot
from infrascaffold.errors import EXIT_OK, InfrascaffoldError
from infrascaffold.write.record import recorded_services

PICTURES = ("svg", "png")  # drawn by Graphviz from the dot text
_DOT_TIMEOUT_S = 60


def run(directory: Path, output_format: str, env_name: str | None) -> int:
    """Print the diagram of the Terraform root in `directory`, for `env_name`."""
    if output_format not in (*FORMATS, *PICTURES):
        known = ", ".join((*FORMATS, *PICTURES))
        raise InfrascaffoldError("--format", f"unknown format {output_format!r} (known: {known})")
    dot = _dot_program() if output_format in PICTURES else None  # before the work
    architecture = architecture_from_folder(directory, env_name, recorded_services(directory))
    if dot is None:
        click.echo(FORMATS[output_format](architecture), nl=False)
        return EXIT_OK
    picture = _draw(dot, to_dot(architecture), output_format)
    sys.stdout.buffer.write(picture)
    sys.stdout.flush()
    return EXIT_OK


def _dot_program() -> str:
    found = shutil.which("dot")
    if found is None:
        raise InfrascaffoldError(
            "--format",
            "svg and png are drawn by Graphviz's `dot`, which is not on PATH: install graphviz"
            " (apt install graphviz, brew install graphviz), or use --format dot or mermaid",
        )
    return found


def _draw(dot: str, source: str, output_format: str) -> bytes:
    try:
        done = subprocess.run(
            [dot, f"-T{output_format}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=_DOT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InfrascaffoldError(dot, f"did not finish in {_DOT_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise InfrascaffoldError(dot, f"could not draw the diagram: {reason}")
    return done.stdout
