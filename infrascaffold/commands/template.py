"""`infrascaffold template list|init|lint|test`: authoring template packs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import click

from infrascaffold.answers.examples import list_examples
from infrascaffold.answers.layering import load_answers_file
from infrascaffold.answers.matrix import matrix_questions, pairwise_sets
from infrascaffold.authoring.lint import lint_renders, lint_static
from infrascaffold.authoring.skeleton import skeleton_files
from infrascaffold.authoring.tests import case_folders, render_case, run_case
from infrascaffold.errors import EXIT_FINDINGS, EXIT_OK, InfrascaffoldError
from infrascaffold.pack.manifest import load_pack, load_pack_from
from infrascaffold.pack.sources import BUILTIN_PACKS, installed_packs
from infrascaffold.validate.findings import Finding
from infrascaffold.write.writer import replace_tree, write_tree


def run_list() -> int:
    """Print the built-in and installed packs with versions and descriptions."""
    refs = [*BUILTIN_PACKS, *installed_packs()]
    for ref in refs:
        pack = load_pack(ref)
        description = " ".join(pack.description.split())
        click.echo(f"{ref:<16} {pack.version:<10} {pack.source:<24} {description}")
    examples = list_examples()
    if examples:
        click.echo("\nExample answer sets (infrascaffold new DEST --example NAME):")
        for example in examples:
            click.echo(f"  {example.name:<26} {example.description}")
    return EXIT_OK


def run_init(directory: Path, extends: str | None, *, force: bool = False) -> int:
    """Create a working pack skeleton with one test case (its expected tree rendered).

    With `force`, into a non-empty folder: the skeleton's files are replaced, others kept.
    """
    name = re.sub(r"[^a-z0-9-]", "-", directory.resolve().name.lower()).strip("-") or "my-pack"
    write_tree(directory, skeleton_files(name, extends), force=force)
    pack = load_pack_from(directory.resolve(), str(directory.resolve()))
    for case in case_folders(directory):
        replace_tree(case / "expected", render_case(pack, case))
    click.echo(f"Created pack {name} in {directory}: edit pack.yaml and files/, then run")
    click.echo(
        f"  infrascaffold template lint {directory} && infrascaffold template test {directory}"
    )
    return EXIT_OK


def run_lint(directory: Path, max_renders: int, answers_files: Sequence[Path] = ()) -> int:
    """Static checks, then a validated render per answer set of the matrix, each over the
    closest base answer set: the pack's test cases, then `answers_files`."""
    if not (directory / "pack.yaml").is_file():
        raise InfrascaffoldError(str(directory), "no pack.yaml here")
    try:
        pack = load_pack_from(directory.resolve(), str(directory.resolve()))
    except InfrascaffoldError as exc:
        return _print_findings([Finding("manifest", "pack.yaml", 1, exc.format_message())])
    findings = lint_static(pack)
    if not any(f.severity == "error" for f in findings):
        cases = case_folders(directory) if (directory / "tests").is_dir() else []
        files = [case / "answers.yaml" for case in cases] + list(answers_files)
        bases = [load_answers_file(path) for path in files]
        findings += lint_renders(pack, bases, max_renders)
        sets = len(
            pairwise_sets(matrix_questions(pack.questions, pack.fixed), max_renders, pack.fixed)
        )
        click.echo(f"rendered and validated {sets} answer set(s) of the pairwise matrix")
    return _print_findings(findings)


def run_test(directory: Path, update: bool) -> int:
    """Render every case and compare it with its expected tree (`update` rewrites them)."""
    pack = load_pack_from(directory.resolve(), str(directory.resolve()))
    failed = 0
    for case in case_folders(directory):
        if update:
            replace_tree(case / "expected", render_case(pack, case))
            click.echo(f"updated  {case.name}")
            continue
        result = run_case(pack, case)
        click.echo(f"{'passed' if result.passed else 'FAILED'}   {case.name}")
        for diff in result.diffs:
            click.echo(diff)
        failed += not result.passed
    if failed:
        click.echo(
            f"{failed} case(s) differ; run with --update if the change is intended", err=True
        )
    return EXIT_FINDINGS if failed else EXIT_OK


def _print_findings(findings: list[Finding]) -> int:
    for finding in findings:
        click.echo(f"{finding.format_text()} ({finding.severity})")
    errors = sum(f.severity == "error" for f in findings)
    click.echo(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return EXIT_FINDINGS if errors else EXIT_OK
