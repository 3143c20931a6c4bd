"""Terraform modules of a tree: what each declares, which modules it calls, what it references.

A module is a folder of `.tf` and `.tf.json` files. Declarations keep their file and line; the
references of each top-level block (`Uses`) record whether that block has `for_each` or
`count`. Names bound by `dynamic` blocks (`ingress.value`) are not references. Declarations and
uses are `NamedTuple`s: a large repository has tens of thousands of them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from infrascaffold.validate.hcl_doc import Block, Body, Doc, Ref

# Blocks whose names are declared in a module, by block type, and how many labels name them.
DECLARING = {"variable": 1, "output": 1, "module": 1, "resource": 2, "data": 2, "ephemeral": 2}
NOT_REFERENCING = frozenset({"moved", "removed", "terraform"})  # `moved.from` names the past
# Attributes that hold names, not expressions: type constraints, provider aliases, attribute lists.
NAME_ATTRIBUTES = {
    "variable": frozenset({"type"}),
    "module": frozenset({"providers"}),
    "lifecycle": frozenset({"ignore_changes"}),
}
META_NAME_ATTRIBUTES = frozenset({"provider"})
NOT_ROOT_SEGMENTS = frozenset({"modules", "examples", "test", "tests"})


class Declaration(NamedTuple):
    """`kind` is a DECLARING block type or "local"; resources and data are named `type.name`."""

    kind: str
    name: str
    path: str
    line: int
    block: Block | None  # None for a local


class Uses(NamedTuple):
    """The references of one top-level block, and whether that block repeats."""

    path: str
    block_kind: str
    has_for_each: bool
    has_count: bool
    refs: Sequence[Ref]


@dataclass(frozen=True)
class Module:
    """One Terraform module: a folder (`""` is the tree's top) and its `.tf` files."""

    dir: str
    files: tuple[str, ...]
    docs: Mapping[str, Doc]
    declarations: tuple[Declaration, ...]
    uses: tuple[Uses, ...]

    @property
    def label(self) -> str:
        """The folder as shown to users (`.` for the top)."""
        return self.dir or "."

    def declared(self, kind: str) -> dict[str, Declaration]:
        """The first declaration of each name of one kind."""
        found: dict[str, Declaration] = {}
        for declaration in self.declarations:
            if declaration.kind == kind:
                found.setdefault(declaration.name, declaration)
        return found

    def top_blocks(self, block_type: str) -> Iterator[tuple[str, Block]]:
        """(file, block) for every top-level block of one type, in file order."""
        for path in self.files:
            for block in self.docs[path].body.blocks_of(block_type):
                yield path, block

    def first_file(self) -> str:
        """The file to point at for a finding about the whole module."""
        for preferred in ("versions.tf", "main.tf"):
            candidate = posixpath.join(self.dir, preferred)
            if candidate in self.docs:
                return candidate
        return self.files[0]


def build_modules(docs: Mapping[str, Doc]) -> dict[str, Module]:
    """Group the parsed `.tf` files of a tree into modules, keyed by folder."""
    by_dir: dict[str, list[str]] = {}
    for path in sorted(docs):
        if path.endswith((".tf", ".tf.json")) and not _is_override(path):
            by_dir.setdefault(posixpath.dirname(path), []).append(path)
    return {folder: _module(folder, files, docs) for folder, files in by_dir.items()}


def _is_override(path: str) -> bool:
    """`override.tf` and `*_override.tf` re-declare what other files declare, on purpose."""
    name = posixpath.basename(path).removesuffix(".json")
    return name == "override.tf" or name.endswith("_override.tf")


def _module(folder: str, files: list[str], docs: Mapping[str, Doc]) -> Module:
    declarations: list[Declaration] = []
    uses: list[Uses] = []
    for path in files:
        for block in docs[path].body.blocks:
            declarations.extend(_declarations(path, block))
            if block.type not in NOT_REFERENCING:
                uses.append(_uses(path, block))
    own_docs = {path: docs[path] for path in files}
    return Module(folder, tuple(files), own_docs, tuple(declarations), tuple(uses))


def _declarations(path: str, block: Block) -> Iterator[Declaration]:
    size = DECLARING.get(block.type)
    if size is not None and len(block.labels) == size:
        yield Declaration(block.type, ".".join(block.labels), path, block.line, block)
    elif block.type == "locals":
        for attr in block.body.attrs:
            yield Declaration("local", attr.name, path, attr.line, None)
    elif block.type == "check":  # a check's scoped data sources
        for inner in block.body.blocks_of("data"):
            yield from _declarations(path, inner)


def _uses(path: str, block: Block) -> Uses:
    has_for_each = block.body.attr("for_each") is not None
    has_count = block.body.attr("count") is not None
    refs: list[Ref] = []
    _body_refs(block.type, block.body, frozenset(), refs, top=True)
    return Uses(path, block.type, has_for_each, has_count, refs)


def _body_refs(
    block_type: str, body: Body, bound: frozenset[str], out: list[Ref], top: bool
) -> None:
    skipped = NAME_ATTRIBUTES.get(block_type, frozenset())
    if top:
        skipped = skipped | META_NAME_ATTRIBUTES
    for attr in body.attrs:
        if attr.refs and attr.name not in skipped:
            out.extend(ref for ref in attr.refs if ref.root not in bound)
    for inner in body.blocks:
        inner_bound = bound | _dynamic_names(inner) if inner.type == "dynamic" else bound
        _body_refs(inner.type, inner.body, inner_bound, out, top=False)


def _dynamic_names(block: Block) -> frozenset[str]:
    """`dynamic "x" { iterator = it }` binds `it` (else `x`) inside its body."""
    if block.type != "dynamic" or not block.labels:
        return frozenset()
    iterator = block.body.attr("iterator")
    if iterator is not None and iterator.refs and not iterator.refs[0].attrs:
        return frozenset({iterator.refs[0].root})
    return frozenset({block.labels[0]})


def local_source(module: Module, call: Block) -> str | None:
    """The folder a `module` block calls, when its `source` is a local path inside the tree."""
    source = call.body.attr("source")
    if source is None or not isinstance(source.value, str):
        return None
    if not source.value.startswith(("./", "../")):
        return None
    target = posixpath.normpath(posixpath.join(module.dir, source.value))
    if target == ".." or target.startswith("../"):
        return None
    return "" if target == "." else target


def called_dirs(modules: Mapping[str, Module]) -> set[str]:
    """Every folder some module of the tree calls through a local `source`."""
    called: set[str] = set()
    for module in modules.values():
        for _, call in module.top_blocks("module"):
            target = local_source(module, call)
            if target is not None:
                called.add(target)
    return called


def root_modules(modules: Mapping[str, Module]) -> list[Module]:
    """Modules meant to be applied: called by no module, outside `modules/`, `examples/`, tests."""
    called = called_dirs(modules)
    return [
        module
        for folder, module in sorted(modules.items())
        if folder not in called and not NOT_ROOT_SEGMENTS & set(folder.split("/"))
    ]
