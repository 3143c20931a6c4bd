"""`infrascaffold validate`: check a folder and print its findings as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import click

from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK, InfrascaffoldError
from infrascaffold.validate import Finding, validate_tree
from infrascaffold.validate.ci_files import ci_kind
from infrascaffold.validate.repo import HCL_SUFFIXES
from infrascaffold.validate.validation import read_tree


def run(directory: Path, output_format: str, strict: bool) -> int:
    """Validate `directory`, print the findings, return the exit code.

    0 when clean (warnings allowed unless `strict`), 1 when there are findings that fail; a
    missing folder, or one with nothing to validate, raises `InfrascaffoldError` (exit 2). The
    text format ends with one summary line: what was checked and the counts.
    """
    tree = _read(directory)
    terraform, ci = _counts(tree)
    if not terraform and not ci:
        raise InfrascaffoldError(
            str(directory), "nothing to validate: no .tf, .tfvars, .hcl or CI pipeline files"
        )
    findings = validate_tree(tree)
    fails = failing(findings, strict)
    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(finding.format_text())
        checked = f"{_plural(terraform, 'Terraform file')}, {_plural(ci, 'CI file')} checked"
        click.echo(f"{'FAILED' if fails else 'OK'}: {checked}: {_summary(findings)}", err=fails)
    return EXIT_FINDINGS if fails else EXIT_OK


def failing(findings: list[Finding], strict: bool) -> bool:
    """Whether the findings fail the run: any error, or any warning when `strict`."""
    return any(f.severity == "error" or strict for f in findings)


def _read(directory: Path) -> dict[str, str]:
    if not directory.exists():
        raise InfrascaffoldError(str(directory), "no such folder")
    if not directory.is_dir():
        raise InfrascaffoldError(str(directory), "not a folder")
    return read_tree(directory)


def _counts(tree: Mapping[str, str]) -> tuple[int, int]:
    terraform = sum(path.endswith(HCL_SUFFIXES) for path in tree)
    ci = sum(ci_kind(path) is not None for path in tree if path.endswith((".yml", ".yaml")))
    return terraform, ci


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"
