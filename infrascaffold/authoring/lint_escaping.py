"""`template lint`'s escaping check: every interpolation in HCL, YAML or shell is escaped.

From Jinja's AST: each `{{ … }}` of a template whose output is `.tf`, `.tfvars`, `.hcl`, `.yml`,
`.yaml` or `.sh` (and of the shell blocks of a Markdown file) must end in an escaping filter of
that language, whatever the pack's validators allow, since an overlay may drop them:

| language | filters |
| --- | --- |
| HCL | `hcl`, or `ident` (a label or reference: the value only if it is an identifier) |
| YAML | `yaml`, `gha_expr` (a GitHub expression), `sh` (a word of a `run: |` block), `ident` |
| shell, Markdown shell blocks | `sh`, or `ident` |
| any of them, after `#` on the line | `comment` (one line, every line break escaped) |

Literals, numbers (`length`, `int`, `loop.index`), tests and comparisons, macro calls (the macro's
body is checked where it is defined) and names `{% set %}` to an escaped value pass, and so do the
pack's own literals: a manifest `context:` entry that is a literal (`{'a': {'n': 60}}[answer]`: an
answer may pick one, never write one), a loop variable over one, and arithmetic on them. A partial
without a language suffix (`setup.txt.j2`) is checked in the language of the files including it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jinja2 import Environment, TemplateSyntaxError, nodes

from infrascaffold.validate.findings import Finding, Severity

CHECK = "unescaped-interpolation"
# An error: `template lint` exits 1 on any unescaped interpolation (see docs/authoring.md).
SEVERITY: Severity = "error"

LANGUAGES = {
    ".tf": "hcl",
    ".tfvars": "hcl",
    ".hcl": "hcl",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".sh": "sh",
    ".md": "md",
}
# `ident` writes a value only if it is an identifier (letters, digits, `_`, `-`): nothing in it
# can quote, interpolate or split a word, so it is safe in every language (the service names of
# partials/services/names.j2, used in job ids, paths and labels alike).
ESCAPES = {
    "hcl": {"hcl", "ident"},
    "yaml": {"yaml", "sh", "gha_expr", "ident"},
    "sh": {"sh", "ident"},
}
NUMERIC_FILTERS = {"length", "count", "int", "abs", "round", "float"}
WRAPPERS = {"indent", "trim"}  # keep an escaped value escaped
_SHELL_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(sh|bash|shell|console|zsh)\b")
_ANY_FENCE = re.compile(r"^\s*(```+|~~~+)")


@dataclass(frozen=True)
class Template:
    """A parsed template of the pack: its pack-relative name, source and AST."""

    name: str
    text: str
    ast: nodes.Template


def language_of(name: str) -> str | None:
    """The language a template writes, from its name without `.j2` (None: not checked)."""
    base = name.removesuffix(".j2")
    for suffix, language in LANGUAGES.items():
        if base.endswith(suffix):
            return language
    return None


def lint_escaping(
    templates: Iterable[Template],
    severity: Severity = SEVERITY,
    literals: frozenset[str] = frozenset(),
) -> list[Finding]:
    """A finding per interpolation without the escaping filter its language needs.

    `literals`: names whose value is the pack's own literal (see `literal_context`).
    """
    parsed = list(templates)
    inherited = _inherited_languages(parsed)
    findings: list[Finding] = []
    for template in parsed:
        own = language_of(template.name)
        languages = {own} if own else inherited.get(template.name, set())
        for language in sorted(lang for lang in languages if lang):
            findings += _check(template, language, severity, literals)
    return findings


PACK_DATA = "data"  # the pack's `data/*.yaml`, static files of the pack like its templates


def literal_context(context: Iterable[tuple[str, str]]) -> frozenset[str]:
    """`data` and the manifest `context:` names (in order) whose expression only ever yields a
    literal: the pack's own values, which an answer can at most pick from."""
    parser = Environment()
    found: set[str] = {PACK_DATA}
    for name, source in context:
        try:
            output = parser.parse("{{ " + source + " }}").body[0]
        except TemplateSyntaxError:
            continue
        scope = _Scope(frozenset(), frozenset(), frozenset(found))
        if isinstance(output, nodes.Output) and all(scope.literal(n) for n in output.nodes):
            found.add(name)
    return frozenset(found)


def _check(
    template: Template, language: str, severity: Severity, literals: frozenset[str]
) -> list[Finding]:
    lines = template.text.splitlines()
    fenced = _shell_lines(lines) if language == "md" else None
    scope = _Scope.of(template.ast, literals)
    findings = []
    flagged: set[int] = set()
    for expr in _interpolations(template.ast):
        lineno = expr.lineno
        if lineno in flagged:
            continue
        line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        effective = language
        if fenced is not None:
            if lineno not in fenced:
                continue
            effective = "sh"
        if scope.escaped(expr, effective, in_comment=_in_comment(line)):
            continue
        flagged.add(lineno)
        findings.append(
            Finding(
                CHECK,
                template.name,
                lineno,
                f"`{_excerpt(line)}`: an interpolation in {_LABELS[effective]} without an "
                f"escaping filter ({', '.join(sorted(ESCAPES[effective]))} or comment)",
                severity,
            )
        )
    return findings


_LABELS = {"hcl": "HCL", "yaml": "YAML", "sh": "shell"}


def _interpolations(ast: nodes.Template) -> Iterator[nodes.Expr]:
    """Every expression written to the output, outside `{% filter <escape> %}` blocks."""
    escaped_blocks = {
        id(child)
        for block in ast.find_all(nodes.FilterBlock)
        if isinstance(block.filter, nodes.Filter) and block.filter.name in {"hcl", "yaml", "sh"}
        for child in block.find_all(nodes.Output)
    }
    for output in ast.find_all(nodes.Output):
        if id(output) in escaped_blocks:
            continue
        for child in output.nodes:
            if not isinstance(child, nodes.TemplateData):
                yield child


@dataclass(frozen=True)
class _Scope:
    """Names a template defines: macros, imported templates, names set to escaped values.

    `literals`: names of the pack's own literals (context entries, loop variables over them).
    """

    callables: frozenset[str]
    escaped_names: frozenset[str]
    literals: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ast: nodes.Template, literals: frozenset[str] = frozenset()) -> _Scope:
        callables = {m.name for m in ast.find_all(nodes.Macro)} | {"caller", "super", "self"}
        callables |= {i.target for i in ast.find_all(nodes.Import)}
        for imported in ast.find_all(nodes.FromImport):
            callables |= {n if isinstance(n, str) else n[1] for n in imported.names}
        known = set(literals)
        for loop in ast.find_all(nodes.For):  # outer loops first: nested ones may use them
            scope = cls(frozenset(), frozenset(), frozenset(known))
            if scope.literal(loop.iter):
                known |= {n.name for n in _names(loop.target)}
        plain = cls(frozenset(callables), frozenset(), frozenset(known))
        escaped = {
            assign.target.name
            for assign in ast.find_all(nodes.Assign)
            if isinstance(assign.target, nodes.Name)
            and any(plain.escaped(assign.node, lang, in_comment=False) for lang in ESCAPES)
        }
        return cls(frozenset(callables), frozenset(escaped), frozenset(known))

    def literal(self, expr: nodes.Node) -> bool:
        """Whether `expr` only ever yields the pack's own text or numbers, never an answer's."""
        if isinstance(expr, nodes.Const):
            return True
        if isinstance(expr, nodes.Name):
            return expr.name in self.literals
        if isinstance(expr, nodes.Getattr):
            return _root_name(expr) == "loop" or self.literal(expr.node)
        if isinstance(expr, nodes.Getitem):  # the subscript only picks one of the literals
            return self.literal(expr.node)
        if isinstance(expr, nodes.CondExpr):  # the test only picks a branch
            return all(self.literal(b) for b in (expr.expr1, expr.expr2) if b is not None)
        viewed = _viewed(expr)
        if viewed is not None:  # `data.sizes.items()`: the same literals
            return self.literal(viewed)
        parts = _operands(expr)
        return parts is not None and all(self.literal(part) for part in parts)

    def escaped(self, expr: nodes.Node, language: str, *, in_comment: bool) -> bool:
        """Whether `expr` can only ever write an escaped (or harmless) value."""
        if isinstance(expr, nodes.Const | nodes.Test | nodes.Compare | nodes.Not):
            return True
        if isinstance(expr, nodes.Filter):
            return self._filtered(expr, language, in_comment=in_comment)
        if isinstance(expr, nodes.CondExpr):
            branches = [expr.expr1, expr.expr2] if expr.expr2 is not None else [expr.expr1]
            return all(self.escaped(b, language, in_comment=in_comment) for b in branches)
        if isinstance(expr, nodes.Concat):
            return all(self.escaped(n, language, in_comment=in_comment) for n in expr.nodes)
        if isinstance(expr, nodes.Add | nodes.And | nodes.Or):
            parts = (expr.left, expr.right)
            return all(self.escaped(n, language, in_comment=in_comment) for n in parts)
        if isinstance(expr, nodes.Call):
            return _root_name(expr.node) in self.callables
        if isinstance(expr, nodes.Name) and expr.name in self.escaped_names:
            return True
        return self.literal(expr)

    def _filtered(self, expr: nodes.Filter, language: str, *, in_comment: bool) -> bool:
        if expr.name in ESCAPES.get(language, set()) or expr.name in NUMERIC_FILTERS:
            return True
        if expr.name == "comment":
            return in_comment
        if expr.name in WRAPPERS and expr.node is not None:
            return self.escaped(expr.node, language, in_comment=in_comment)
        return self.literal(expr)  # `"%-18s" | format("env")`, `steps | join(", ")`


_ARITHMETIC = (nodes.BinExpr, nodes.UnaryExpr, nodes.Concat)


def _operands(expr: nodes.Node) -> list[nodes.Node] | None:
    """The parts a literal list, map, filter or arithmetic is built of (None: anything else)."""
    if isinstance(expr, nodes.List | nodes.Tuple):
        return list(expr.items)
    if isinstance(expr, nodes.Dict):
        return [part for pair in expr.items for part in (pair.key, pair.value)]
    if isinstance(expr, nodes.Filter) and expr.node is not None:
        return [expr.node, *expr.args, *(k.value for k in expr.kwargs)]
    if isinstance(expr, _ARITHMETIC):
        return list(expr.iter_child_nodes())
    return None


_VIEWS = {"items", "keys", "values"}


def _viewed(expr: nodes.Node) -> nodes.Node | None:
    """X of `X.items()`, `X.keys()` or `X.values()` without arguments, else None."""
    if (
        isinstance(expr, nodes.Call)
        and isinstance(expr.node, nodes.Getattr)
        and expr.node.attr in _VIEWS
        and not expr.args
        and not expr.kwargs
    ):
        return expr.node.node
    return None


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a loop target binds (`e`, or `key, value`)."""
    if isinstance(target, nodes.Name):
        return [target]
    if isinstance(target, nodes.Tuple):
        return [name for item in target.items for name in _names(item)]
    return []


def _root_name(node: nodes.Node) -> str | None:
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        node = node.node
    return node.name if isinstance(node, nodes.Name) else None


def _in_comment(line: str) -> bool:
    """Whether the line's first interpolation comes after a `#` (a YAML, HCL or shell comment)."""
    return "#" in line.split("{{", 1)[0]


def _shell_lines(lines: list[str]) -> set[int]:
    """1-based numbers of the lines inside shell fences of a Markdown template."""
    inside, shell, found = False, False, set()
    for number, line in enumerate(lines, start=1):
        if _ANY_FENCE.match(line):
            shell = not inside and bool(_SHELL_FENCE.match(line))
            inside = not inside
            continue
        if inside and shell:
            found.add(number)
    return found


def _excerpt(line: str, limit: int = 70) -> str:
    text = line.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inherited_languages(templates: list[Template]) -> dict[str, set[str]]:
    """Languages of the files including (or importing) each partial without its own suffix."""
    names = [t.name for t in templates if language_of(t.name) is None]
    inherited: dict[str, set[str]] = {}
    for template in templates:
        language = language_of(template.name)
        if language is None:
            continue
        fenced = _shell_lines(template.text.splitlines()) if language == "md" else set()
        for node in template.ast.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
            effective = "sh" if language == "md" and node.lineno in fenced else language
            if effective == "md":
                continue
            pattern = _name_pattern(getattr(node, "template"))  # noqa: B009 - typed as Stmt
            for name in names:
                if pattern is not None and pattern.fullmatch(name):
                    inherited.setdefault(name, set()).add(effective)
    return inherited


def _name_pattern(expr: nodes.Expr) -> re.Pattern[str] | None:
    """A regex of the template names an include expression can name (`"a/" ~ cloud ~ "/b"`)."""
    parts: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            parts.append(re.escape(node.value))
        elif isinstance(node, nodes.Concat):
            for child in node.nodes:
                walk(child)
        elif isinstance(node, nodes.Add):
            walk(node.left)
            walk(node.right)
        else:
            parts.append("[^/]*")

    walk(expr)
    return re.compile("".join(parts)) if parts else None
