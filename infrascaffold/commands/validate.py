"""`infrascaffold validate`: check a folder and print its findings (text, JSON, SARIF, …)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK, InfrascaffoldError
from infrascaffold.validate import Finding, validate_dir
from infrascaffold.validate.ci_files import ci_kind
from infrascaffold.validate.report_formats import FORMATS
from infrascaffold.validate.settings import load_settings
from infrascaffold.validate.validation import walk_files

_TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".hcl", ".tf.json", ".tfvars.json")


def run(
    directory: Path,
    output_format: str,
    strict: bool,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> int:
    """Validate `directory`, print the findings, return the exit code.

    0 when clean (warnings allowed unless `strict`), 1 when there are findings that fail; a
    missing folder, or one with nothing to validate, raises `InfrascaffoldError` (exit 2).
    `select`, `ignore` and `exclude` add to the folder's `.infrascaffold.yaml` settings. The
    text format ends with one summary line: what was checked and the counts.
    """
    terraform, ci = _counts(directory)
    if not terraform and not ci:
        raise InfrascaffoldError(
            str(directory), "nothing to validate: no .tf, .tfvars, .hcl or CI pipeline files"
        )
    settings = load_settings(directory).with_flags(select, ignore, exclude)
    findings = validate_dir(directory, settings=settings)
    fails = failing(findings, strict)
    if output_format in FORMATS:
        prefix = directory.as_posix() if directory.as_posix() != "." else ""
        click.echo(FORMATS[output_format](findings, prefix.rstrip("/")))
    else:
        for finding in findings:
            click.echo(finding.format_text())
        checked = f"{_plural(terraform, 'Terraform file')}, {_plural(ci, 'CI file')} checked"
        click.echo(f"{'FAILED' if fails else 'OK'}: {checked}: {_summary(findings)}", err=fails)
    return EXIT_FINDINGS if fails else EXIT_OK


def failing(findings: list[Finding], strict: bool) -> bool:
    """Whether the findings fail the run: any error, or any warning when `strict`."""
    return any(f.severity == "error" or strict for f in findings)


def _counts(directory: Path) -> tuple[int, int]:
    """Terraform and CI pipeline files under `directory` (by name, as `validate_dir` walks it)."""
    if not directory.exists():
        raise InfrascaffoldError(str(directory), "no such folder")
    if not directory.is_dir():
        raise InfrascaffoldError(str(directory), "not a folder")
    terraform = ci = 0
    for _, path in walk_files(directory):
        terraform += path.endswith(_TERRAFORM_SUFFIXES)
        ci += path.endswith((".yml", ".yaml")) and ci_kind(path) is not None
    return terraform, ci


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"
