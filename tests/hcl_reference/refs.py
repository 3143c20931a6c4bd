"""The references an expression of python-hcl2's parse tree makes (for `model`, the
reference model tests compare `hcl_scan` with; `hcl_expressions` is what commands use).

A reference is a traversal rooted at a name that no enclosing `for` binds (`var.x`,
`aws_vpc.main.id`, `each.key`); object keys, function names and attribute names are not
references. Heredocs and escaped template strings are single tokens in the grammar, so their
`${...}` parts are scanned lexically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark import Tree

from infrascaffold.validate.hcl_doc import Ref
from infrascaffold.validate.hcl_text_refs import collect_text_refs
from tests.hcl_reference.values import first_token, token_line

_CHAINS = frozenset(
    {"get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"}
)
_Todo = list[tuple[Tree[Any], frozenset[str]]]  # expressions left to walk, with their bound names


def collect_refs(node: Tree[Any], bound: frozenset[str], out: list[Ref]) -> None:
    """Append to `out` every reference made by expression `node` outside the names in `bound`.

    Iterative (an explicit stack, depth first, in source order): a 500-term `a + b + ...` is a
    parse tree 500 levels deep.
    """
    stack: _Todo = [(node, bound)]
    while stack:
        current, names = stack.pop()
        todo: _Todo = []
        _visit(current, names, out, todo)
        stack.extend(reversed(todo))


def _visit(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    data = node.data
    if data == "expr_term" and _is_chain_root(node):
        _collect_chain(node, bound, out, todo)
    else:
        _COLLECTORS.get(data, _collect_children)(node, bound, out, todo)


def _collect_identifier(
    node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo
) -> None:
    token = first_token(node)
    if token not in bound:
        out.append(Ref(str(token), (), token_line(token)))


def _collect_call(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    for child in node.children:  # the function's name is not a reference
        if isinstance(child, Tree) and child.data == "arguments":
            todo.append((child, bound))


def _collect_object_key(
    node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo
) -> None:
    if not _bare_name(node.children[0]):
        _collect_children(node, bound, out, todo)


def _collect_template(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    token = first_token(node)
    collect_text_refs(str(token), token_line(token), bound, out)


def _collect_string(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    _collect_children(node, bound | _template_loop_names(node), out, todo)


def _collect_loop_start(
    node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo
) -> None:
    _collect_children(node, bound, out, todo, skip_identifiers=True)


def _collect_nothing(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    """Attribute names after a dot are not references."""


def _collect_children(
    node: Tree[Any],
    bound: frozenset[str],
    out: list[Ref],
    todo: _Todo,
    skip_identifiers: bool = False,
) -> None:
    for child in node.children:
        if isinstance(child, Tree) and not (skip_identifiers and child.data == "identifier"):
            todo.append((child, bound))


def _is_chain_root(node: Tree[Any]) -> bool:
    children = node.children
    return len(children) == 1 and isinstance(children[0], Tree) and children[0].data in _CHAINS


def _collect_chain(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    """`a.b[i].c`: the root name and the attribute names up to the first index or splat."""
    steps: list[Tree[Any]] = []
    current = node
    while True:
        if current.data in _CHAINS:
            steps.append(current.children[1])
            current = current.children[0]
        elif current.data == "expr_term" and _single_tree_child(current):
            current = current.children[0]
        else:
            break
    steps.reverse()
    if current.data == "identifier":
        token = first_token(current)
        if token not in bound:
            out.append(Ref(str(token), _leading_attrs(steps), token_line(token)))
    else:
        todo.append((current, bound))
    for step in steps:
        if step.data != "get_attr":
            _collect_index_parts(step, bound, out, todo)


def _single_tree_child(node: Tree[Any]) -> bool:
    return len(node.children) == 1 and isinstance(node.children[0], Tree)


def _leading_attrs(steps: list[Tree[Any]]) -> tuple[str, ...]:
    names: list[str] = []
    for step in steps:
        if step.data != "get_attr":
            break
        name = step.children[-1]
        if not isinstance(name, Tree) or name.data != "identifier":
            break
        names.append(str(name.children[0]))
    return tuple(names)


def _collect_index_parts(
    step: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo
) -> None:
    """Walk the expressions inside `[...]` of an index or splat step (not attribute names)."""
    if step.data == "braces_index":
        _collect_children(step, bound, out, todo)
        return
    for child in step.children:
        if isinstance(child, Tree) and child.data == "braces_index":
            _collect_children(child, bound, out, todo)


def _collect_for(node: Tree[Any], bound: frozenset[str], out: list[Ref], todo: _Todo) -> None:
    inner = bound
    for child in node.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "for_intro":
            names = [c for c in child.children if isinstance(c, Tree) and c.data == "identifier"]
            _collect_children(child, bound, out, todo, skip_identifiers=True)
            inner = bound | {str(n.children[0]) for n in names}
        else:
            todo.append((child, inner))


def _bare_name(node: Any) -> bool:
    """An object key written as a bare name (`Name = ...`) is a literal string."""
    if not isinstance(node, Tree):
        return False
    if node.data == "keyword":
        return True
    if node.data != "expr_term" or not _single_tree_child(node):
        return False
    return node.children[0].data in ("identifier", "keyword")


def _template_loop_names(node: Tree[Any]) -> frozenset[str]:
    """Names bound by `%{ for x in ... }` directives inside a quoted template string."""
    names: set[str] = set()
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        for directive in part.children:
            if isinstance(directive, Tree) and directive.data == "template_for_start":
                names.update(
                    str(c.children[0])
                    for c in directive.children
                    if isinstance(c, Tree) and c.data == "identifier"
                )
    return frozenset(names)


_COLLECTORS: dict[str, Callable[[Tree[Any], frozenset[str], list[Ref], _Todo], None]] = {
    "identifier": _collect_identifier,
    "get_attr_expr_term": _collect_chain,
    "index_expr_term": _collect_chain,
    "attr_splat_expr_term": _collect_chain,
    "full_splat_expr_term": _collect_chain,
    "function_call": _collect_call,
    "for_tuple_expr": _collect_for,
    "for_object_expr": _collect_for,
    "object_elem_key": _collect_object_key,
    "heredoc_template": _collect_template,
    "heredoc_template_trim": _collect_template,
    "template_string": _collect_template,
    "string": _collect_string,
    "template_for_start": _collect_loop_start,
    "get_attr": _collect_nothing,
}
