"""Check 2: references inside a module name something the module declares.

`var.X`, `local.X`, `module.X`, `data.T.N`, `ephemeral.T.N` and resource references `T.N` must be
declared in the same module; `each.*` needs `for_each` and `count.*` needs `count` on the
top-level block; nothing is declared twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.hcl_doc import Ref
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.terraform_model import Module, Uses

UNDECLARED = "undeclared-reference"
DUPLICATE = "duplicate-declaration"
EACH = "each-outside-for-each"
COUNT = "count-outside-count"
BUILTIN_ROOTS = frozenset({"path", "terraform", "self"})
NAMED_ROOTS = {"var": "variable", "local": "local", "module": "module"}
TYPED_ROOTS = frozenset({"data", "ephemeral"})


def check(repo: Repo) -> Iterator[Finding]:
    """Undeclared references, misplaced `each`/`count`, duplicate declarations."""
    for module in repo.modules.values():
        yield from _duplicates(module)
        declared = {kind: set(module.declared(kind)) for kind in _KINDS}
        for uses in module.uses:
            for ref in uses.refs:
                if ref.attrs and ref.root not in BUILTIN_ROOTS:
                    yield from _check_ref(_without_resource_prefix(ref), uses, declared, module)


_KINDS = ("variable", "local", "module", "resource", "data", "ephemeral")


def _duplicates(module: Module) -> Iterator[Finding]:
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for decl in module.declarations:
        key = (decl.kind, decl.name)
        if key in first:
            where = "{}:{}".format(*first[key])
            yield Finding(
                DUPLICATE,
                decl.path,
                decl.line,
                f"{decl.kind} {decl.name!r} is already declared at {where}",
            )
        else:
            first[key] = (decl.path, decl.line)


def _check_ref(
    ref: Ref, uses: Uses, declared: dict[str, set[str]], module: Module
) -> Iterator[Finding]:
    root, attrs, kind = ref.root, ref.attrs, uses.block_kind
    if root == "each":
        if not uses.has_for_each:
            yield _finding(EACH, uses, ref, f"each.{attrs[0]} in a {kind} block without for_each")
    elif root == "count":
        if not uses.has_count:
            yield _finding(COUNT, uses, ref, f"count.{attrs[0]} in a {kind} block without count")
    elif root in NAMED_ROOTS:
        declared_kind = NAMED_ROOTS[root]
        if attrs[0] not in declared[declared_kind]:
            message = f"{root}.{attrs[0]}: no {declared_kind} {attrs[0]!r} in module {module.label}"
            yield _finding(UNDECLARED, uses, ref, message)
    elif root in TYPED_ROOTS:
        name = ".".join(attrs[:2])
        if len(attrs) >= 2 and name not in declared[root]:
            message = f"{root}.{name}: no such {root} block in module {module.label}"
            yield _finding(UNDECLARED, uses, ref, message)
    elif f"{root}.{attrs[0]}" not in declared["resource"]:
        name = f"{root}.{attrs[0]}"
        yield _finding(
            UNDECLARED, uses, ref, f"{name}: no resource {name!r} in module {module.label}"
        )


def _without_resource_prefix(ref: Ref) -> Ref:
    """`resource.aws_vpc.main.id` is `aws_vpc.main.id` written out in full."""
    if ref.root == "resource" and len(ref.attrs) >= 2:
        return Ref(ref.attrs[0], ref.attrs[1:], ref.line)
    return ref


def _finding(check: str, uses: Uses, ref: Ref, message: str) -> Finding:
    return Finding(check, uses.path, ref.line, message)
