"""`infrascaffold validate`: check a folder and print its findings as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK
from infrascaffold.validate import Finding, validate_dir


def run(directory: Path, output_format: str, strict: bool) -> int:
    """Validate `directory`, print the findings, return the exit code.

    0 when clean (warnings allowed unless `strict`), 1 when there are findings that fail;
    a missing folder raises `InfrascaffoldError` (exit 2).
    """
    findings = validate_dir(directory)
    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
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
