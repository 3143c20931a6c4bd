"""`infrascaffold validate`: check a folder and print its findings as text or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK
from infrascaffold.validate import Finding, validate_dir
from infrascaffold.validate.report_formats import FORMATS
from infrascaffold.validate.settings import load_settings


def run(
    directory: Path,
    output_format: str,
    strict: bool,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> int:
    """Validate `directory`, print the findings, return the exit code.

    0 when clean (warnings allowed unless `strict`), 1 when there are findings that fail;
    a missing folder raises `InfrascaffoldError` (exit 2). `select`, `ignore` and `exclude`
    add to the folder's `.infrascaffold.yaml` settings.
    """
    settings = load_settings(directory).with_flags(select, ignore, exclude)
    findings = validate_dir(directory, settings=settings)
    if output_format in FORMATS:
        prefix = directory.as_posix() if directory.as_posix() != "." else ""
        click.echo(FORMATS[output_format](findings, prefix.rstrip("/")))
    else:
        for finding in findings:
            click.echo(finding.format_text())
        if findings:
            click.echo(_summary(findings), err=True)
    return EXIT_FINDINGS if failing(findings, strict) else EXIT_OK


def failing(findings: list[Finding], strict: bool) -> bool:
    """Whether the findings fail the run: any error, or any warning when `strict`."""
    return any(f.severity == "error" or strict for f in findings)


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"
