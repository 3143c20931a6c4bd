"""Check 4: resources and data sources of aws, google, azurerm and vault match their schemas.

The package ships a trimmed schema per provider (`infrascaffold/schemas/<provider>.json.gz`, made
by `scripts/trim_schemas.py`): the names of every resource and data-source type, and full argument
schemas for the types the built-in packs use plus those in `extra-types.txt`. An unknown type is an
error; a known type without a vendored schema is a warning that says how to vendor it. Types of
other providers are skipped.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from infrascaffold.validate.findings import Finding
from infrascaffold.validate.hcl_doc import Block, Body
from infrascaffold.validate.provider_versions import (
    gap,
    minimum_version,
    requirements,
    version_key,
)
from infrascaffold.validate.repo import Repo
from infrascaffold.validate.terraform_model import Module

PROVIDERS = ("aws", "google", "azurerm", "vault")
UNKNOWN_TYPE = "schema-unknown-type"
NOT_VENDORED = "schema-not-vendored"
UNKNOWN_ARGUMENT = "schema-unknown-argument"
MISSING_ARGUMENT = "schema-missing-argument"
VERSION_GAP = "schema-version-gap"
META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
KIND_BY_BLOCK = {"resource": "resources", "data": "data_sources"}
# The package's data folder, read as files: `importlib.resources` (for packages in zip files,
# which this one never is) and the `tempfile` it imports cost every run a few ms.
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
HOW_TO_VENDOR = "add it to infrascaffold/schemas/extra-types.txt and run scripts/trim_schemas.py"


class BlockSchema(NamedTuple):
    """What a resource, data source or nested block accepts."""

    arguments: frozenset[str]  # every name, nested blocks included (they may be written as objects)
    blocks: Mapping[str, BlockSchema]  # nested blocks
    required: frozenset[str]  # `id` excepted


@dataclass(frozen=True)
class ProviderSchema:
    """One provider's trimmed schema."""

    version: str
    type_names: Mapping[str, frozenset[str]]  # "resources" / "data_sources" → every type
    # "resources" / "data_sources" → vendored type → schema (None: the data has no arguments)
    schemas: Mapping[str, Mapping[str, BlockSchema | None]]


@functools.cache
def load_schema(provider: str) -> ProviderSchema:
    """The trimmed schema shipped for `provider` (one of PROVIDERS)."""
    packed = SCHEMAS / f"{provider}.json.gz"
    data = json.loads(gzip.decompress(packed.read_bytes()))
    names = {kind: frozenset(data["type_names"][kind]) for kind in KIND_BY_BLOCK.values()}
    schemas = {
        kind: {name: _block_schema(args) for name, args in data[kind].items()}
        for kind in KIND_BY_BLOCK.values()
    }
    return ProviderSchema(data["provider_version"], names, schemas)


def _block_schema(args: Mapping[str, Any] | None) -> BlockSchema | None:
    """From the file's shape: argument → {"optional": bool, "block": {...}?}."""
    if args is None:
        return None
    blocks = {name: _block_schema(spec["block"]) for name, spec in args.items() if "block" in spec}
    required = {name for name, spec in args.items() if spec.get("optional") is False}
    return BlockSchema(
        frozenset(args),
        {name: block for name, block in blocks.items() if block is not None},
        frozenset(required - {"id"}),
    )


def check(repo: Repo) -> Iterator[Finding]:
    """Types, arguments and required arguments of every resource and data block; findings of a
    provider the module needs newer than the vendored schema are warnings naming the gap."""
    for module in repo.modules.values():
        gaps = _version_gaps(module, repo.files)
        for path, line, message in gaps.values():
            yield Finding(VERSION_GAP, path, line, message, "warning")
        for path in module.files:
            for block in _typed_blocks(module.docs[path].body):
                gap = gaps.get(provider_of(block))
                for finding in _check_block(path, block):
                    yield (
                        _softened(finding, gap[2])
                        if gap and finding.severity == "error"
                        else finding
                    )


def _version_gaps(module: Module, files: Mapping[str, str]) -> dict[str, tuple[str, int, str]]:
    """provider → (file, line, message) where the module accepts no vendored version."""
    gaps: dict[str, tuple[str, int, str]] = {}
    for provider, wanted in requirements(module, files).items():
        vendored = load_schema(provider).version
        if gap(wanted.constraint, vendored):
            lowest = minimum_version(wanted.constraint)
            needed = (
                f"{lowest} required"
                if lowest and version_key(lowest) > version_key(vendored)
                else f"{wanted.constraint!r} required"
            )
            message = (
                f"{provider} {needed}, schemas know {vendored}: {provider} schema findings"
                " are warnings here"
            )
            gaps[provider] = (wanted.path, wanted.line, message)
    return gaps


def _softened(finding: Finding, gap: str) -> Finding:
    short = gap.split(":", 1)[0]
    return replace(finding, severity="warning", message=f"{finding.message} ({short})")


def _typed_blocks(body: Body) -> Iterator[Block]:
    for block in body.blocks:
        if block.type in KIND_BY_BLOCK and len(block.labels) == 2:
            yield block
        elif block.type == "check":
            yield from _typed_blocks(block.body)


def provider_of(block: Block) -> str:
    """The provider of a resource: its `provider` meta-argument's name, else its type's prefix."""
    meta = block.body.attr("provider")
    if meta is not None and meta.refs:
        return meta.refs[0].root
    return block.labels[0].split("_", 1)[0]


def _check_block(path: str, block: Block) -> Iterator[Finding]:
    provider = provider_of(block)
    if provider not in PROVIDERS:
        return
    schema = load_schema(provider)
    kind = KIND_BY_BLOCK[block.type]
    type_name = block.labels[0]
    what = "data source" if kind == "data_sources" else "resource"
    label = ("data." if block.type == "data" else "") + ".".join(block.labels)
    if type_name not in schema.type_names[kind]:
        message = f"{label}: {provider} {schema.version} has no {what} type {type_name!r}"
        yield Finding(UNKNOWN_TYPE, path, block.line, message)
    elif type_name not in schema.schemas[kind]:
        message = f"{label}: no vendored schema for {what} {type_name!r}; {HOW_TO_VENDOR}"
        yield Finding(NOT_VENDORED, path, block.line, message, "warning")
    else:
        block_schema = schema.schemas[kind][type_name]
        if block_schema is not None:
            yield from check_body(path, block.body, block_schema, label, block.line)


def check_body(
    path: str, body: Body, schema: BlockSchema, where: str, line: int
) -> Iterator[Finding]:
    """Unknown arguments and blocks of `body`, and required arguments it lacks (recursively)."""
    given: set[str] = set()
    for attr in body.attrs:
        given.add(attr.name)
        if attr.name not in schema.arguments and attr.name not in META_ARGUMENTS:
            message = f"{where}: unknown argument {attr.name!r}"
            yield Finding(UNKNOWN_ARGUMENT, path, attr.line, message)
    for inner in body.blocks:
        if inner.type in META_BLOCKS:
            continue
        name = inner.labels[0] if inner.type == "dynamic" and inner.labels else inner.type
        given.add(name)
        yield from _check_nested(path, inner, name, schema, where)
    for name in sorted(schema.required - given):
        yield Finding(
            MISSING_ARGUMENT, path, line, f"{where}: required argument {name!r} is missing"
        )


def _check_nested(
    path: str, block: Block, name: str, schema: BlockSchema, where: str
) -> Iterator[Finding]:
    if name not in schema.arguments:
        yield Finding(UNKNOWN_ARGUMENT, path, block.line, f"{where}: unknown block {name!r}")
        return
    inner = schema.blocks.get(name)
    if inner is None:
        return  # a few blocks (wafv2 `statement`) are recursive and listed as plain arguments
    inner_where = f"{where}.{name}"
    if block.type != "dynamic":
        yield from check_body(path, block.body, inner, inner_where, block.line)
        return
    for content in block.body.blocks_of("content"):
        yield from check_body(path, content.body, inner, inner_where, content.line)
