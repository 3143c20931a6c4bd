"""`template lint`: static checks of a pack, then renders of an answer matrix, validated.

Static checks: the manifest loads; every template compiles; every name a template uses is a
question, a context value or a loop variable (found with Jinja's AST); every question is used;
`when` conditions name only known answers; every interpolation in HCL, YAML or shell has its
escaping filter (`lint_escaping.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from infrascaffold.answers.matrix import (
    closest_base,
    matrix_questions,
    pairwise_sets,
    sample_answers,
)
from infrascaffold.authoring.lint_escaping import Template, lint_escaping, literal_context
from infrascaffold.errors import InfrascaffoldError
from infrascaffold.pack.model import Pack, is_build_dropping
from infrascaffold.render.files import matching_rules
from infrascaffold.templating.containment import read_pack_text
from infrascaffold.templating.environment import make_environment
from infrascaffold.validate.findings import Finding

# Provided by the engine: see context.py and generate.py (`architecture` in the second pass).
BUILTIN_NAMES = {
    "data",
    "pack",
    "infrascaffold_version",
    "infra_dir",  # DEST as the CI files see it (write/ci_root.py)
    "decisions",
    "architecture",
    "cost",  # the estimate (cost/estimate.py), when the pack data has a cost model
    "item",
    "value",
    "loop",
}
TEMPLATE_SUFFIX = ".j2"


def lint_static(pack: Pack) -> list[Finding]:
    """The static findings of a loaded pack."""
    env = make_environment(pack.search_roots)
    known = known_names(pack)
    findings: list[Finding] = []
    parsed: list[tuple[str, str, nodes.Template]] = []
    for rel, path in _templates(pack):
        try:
            text = read_pack_text(path, _root_of(pack, path), rel)
        except InfrascaffoldError as exc:
            findings.append(Finding("template-read", rel, 1, exc.reason))
            continue
        try:
            parsed.append((rel, text, env.parse(text)))
        except jinja2.TemplateSyntaxError as exc:
            findings.append(
                Finding("template-syntax", rel, exc.lineno, exc.message or "syntax error")
            )
    # A partial sees the variables of the template that includes it: any name some template
    # of the pack sets (`{% set %}`, loop variables) may reach it.
    assigned = set().union(*(_assigned_names(ast) for _, _, ast in parsed))
    for rel, text, ast in parsed:
        findings += _undeclared(pack, rel, text, ast, known | set(env.globals), assigned)
    findings += _check_conditions(env, pack, known)
    findings += _unused_questions(pack, [text for _, text, _ in parsed])
    own = {rel for rel, path in _templates(pack) if path.is_relative_to(pack.root)}
    templates = (Template(rel, text, ast) for rel, text, ast in parsed)
    escaping = lint_escaping(templates, literals=literal_context(pack.context))
    findings += [f for f in escaping if f.path in own]  # a base pack's files are its own
    return findings


def _root_of(pack: Pack, path: Path) -> Path:
    return next(r for r in pack.search_roots if path.is_relative_to(r))


def known_names(pack: Pack) -> set[str]:
    """Names every template may use: answers, context values and the engine's own."""
    names = {q.key for q in pack.questions} | set(pack.fixed) | BUILTIN_NAMES
    return names | {name for name, _ in pack.context}


def _templates(pack: Pack) -> Iterator[tuple[str, Path]]:
    """(pack-relative name, path) of every template and partial, the extending pack's first."""
    seen: set[str] = set()
    for root in pack.search_roots:
        for folder in ("files", "partials"):
            for path in sorted((root / folder).rglob("*")):
                rel = path.relative_to(root).as_posix()
                wanted = folder == "partials" or rel.endswith(TEMPLATE_SUFFIX)
                if path.is_file() and rel not in seen and wanted and not is_build_dropping(rel):
                    seen.add(rel)
                    yield rel, path


def _assigned_names(ast: nodes.Template) -> set[str]:
    return {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}


def _undeclared(
    pack: Pack, rel: str, text: str, ast: nodes.Template, known: set[str], assigned: set[str]
) -> list[Finding]:
    if rel.startswith("partials/"):
        scope = {r.as_name for r in pack.rules if r.for_each} | assigned
    else:
        rules = matching_rules(pack.rules, rel.removeprefix("files/"))
        scope = {r.as_name for r in rules if r.for_each} | _assigned_names(ast)
    unknown = meta.find_undeclared_variables(ast) - known - scope
    return [
        Finding(
            "undeclared-name",
            rel,
            _line_of(text, name),
            f"{name!r} is not a question or context value",
        )
        for name in sorted(unknown)
    ]


def _check_conditions(env: SandboxedEnvironment, pack: Pack, known: set[str]) -> list[Finding]:
    findings = []
    for where, expression, extra in _conditions(pack):
        try:
            names = meta.find_undeclared_variables(env.parse("{{ (" + expression + ") }}"))
        except jinja2.TemplateSyntaxError as exc:
            findings.append(Finding("when-syntax", "pack.yaml", 1, f"{where}: {exc.message}"))
            continue
        for name in sorted(names - known - extra - set(env.globals)):
            findings.append(
                Finding(
                    "when-unknown",
                    "pack.yaml",
                    1,
                    f"{where}: `{expression}` names unknown answer {name!r}",
                )
            )
    return findings


def _conditions(pack: Pack) -> Iterator[tuple[str, str, set[str]]]:
    for question in pack.questions:
        if question.when:
            yield f"question {question.key}", question.when, set()
        for field in question.fields:
            if field.when:
                yield f"question {question.key}.{field.key}", field.when, {"item"}
    for rule in pack.rules:
        if rule.when:
            yield f"file rule {rule.path}", rule.when, {rule.as_name} if rule.for_each else set()


def _unused_questions(pack: Pack, sources: list[str]) -> list[Finding]:
    expressions = [q.when or "" for q in pack.questions] + [str(q.default) for q in pack.questions]
    expressions += [expr for _, expr in pack.context] + [d.value for d in pack.decisions]
    expressions += [f"{r.path} {r.when or ''} {r.for_each or ''}" for r in pack.rules]
    corpus = "\n".join(sources + expressions)
    return [
        Finding(
            "unused-question",
            "pack.yaml",
            1,
            f"question {q.key!r} is used by no template",
            "warning",
        )
        for q in pack.questions
        if q.key not in pack.fixed and not re.search(rf"\b{re.escape(q.key)}\b", corpus)
    ]


def _line_of(text: str, name: str) -> int:
    match = re.search(rf"\b{re.escape(name)}\b", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def lint_renders(pack: Pack, bases: Sequence[Mapping[str, Any]], limit: int) -> list[Finding]:
    """Render and validate the pack for a pairwise matrix of answer sets, each laid over the
    closest of the `bases` (the pack's test cases, `--answers` files) for what it does not vary."""
    from infrascaffold.render.pipeline import generate

    findings = []
    samples = sample_answers(pack.questions)
    for answers in pairwise_sets(matrix_questions(pack.questions, pack.fixed), limit, pack.fixed):
        label = ", ".join(f"{k}={v}" for k, v in answers.items()) or "defaults"
        try:
            generate(pack, {**samples, **closest_base(bases, answers), **answers})
        except InfrascaffoldError as exc:
            first = exc.format_message().splitlines()
            detail = "; ".join(first[:4])
            if "is required and has no default" in detail:
                detail += " (give the matrix answers in a tests/ case or with --answers FILE)"
            findings.append(Finding("matrix-render", "pack.yaml", 1, f"[{label}] {detail}"))
    return findings
