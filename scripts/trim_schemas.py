"""Regenerate the trimmed provider schemas shipped in `infrascaffold/schemas/`.

    python scripts/trim_schemas.py [SOURCE_FOLDER] [--output FOLDER]

SOURCE_FOLDER (default `scripts/provider-schemas`; its README gives versions and sources) holds
the full schemas `aws.json.gz`, `google.json.gz` and `azurerm.json.gz`, each shaped
`{"provider_version", "resources": {TYPE: ARGS}, "data_sources": {TYPE: ARGS}}`. The trimmed
file keeps the names of every type, and full ARGS only for the types the built-in packs use
(`resource "T"` / `data "T"` in `templates/**/*.tf` and `*.tf.j2`) plus those listed in
`infrascaffold/schemas/extra-types.txt`. Output is deterministic (sorted, gzip without mtime).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
SCHEMAS = REPO / "infrascaffold" / "schemas"
EXTRA_TYPES = SCHEMAS / "extra-types.txt"
PROVIDERS = ("aws", "google", "azurerm", "vault")
KINDS = {"resource": "resources", "data": "data_sources"}
DECLARATION = re.compile(r'^\s*(resource|data)\s+"([A-Za-z0-9_]+)"', re.MULTILINE)


def template_types(templates: Path) -> dict[str, set[str]]:
    """Types declared in the built-in packs' Terraform templates, by kind."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
    for path in sorted(templates.rglob("*")):
        if path.is_file() and path.name.endswith((".tf", ".tf.j2")):
            for keyword, type_name in DECLARATION.findall(path.read_text(encoding="utf-8")):
                found[KINDS[keyword]].add(type_name)
    return found


def extra_types(listing: Path) -> set[str]:
    """The type names of extra-types.txt (comments and blank lines skipped)."""
    lines = listing.read_text(encoding="utf-8").splitlines() if listing.is_file() else []
    return {line.split("#", 1)[0].strip() for line in lines} - {""}


def trim(full: dict[str, Any], wanted: dict[str, set[str]]) -> dict[str, Any]:
    """The trimmed schema: every type name, and ARGS of the wanted types that exist."""
    trimmed: dict[str, Any] = {
        "provider_version": full["provider_version"],
        "type_names": {kind: sorted(full[kind]) for kind in KINDS.values()},
    }
    for kind in KINDS.values():
        trimmed[kind] = {name: full[kind][name] for name in sorted(wanted[kind] & set(full[kind]))}
    return trimmed


def write_gzip_json(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as gzipped JSON, byte-for-byte reproducible."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    """Trim every provider's schema; report listed types no provider knows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", nargs="?", type=Path, default=REPO / "scripts" / "provider-schemas"
    )
    parser.add_argument("--output", type=Path, default=SCHEMAS, help="default: %(default)s")
    args = parser.parse_args(argv)
    used = template_types(TEMPLATES)
    extra = extra_types(EXTRA_TYPES)
    known: set[str] = set()
    for provider in PROVIDERS:
        source = args.source / f"{provider}.json.gz"
        full = json.loads(gzip.decompress(source.read_bytes()))
        wanted = {kind: used[kind] | extra for kind in KINDS.values()}
        trimmed = trim(full, wanted)
        write_gzip_json(args.output / f"{provider}.json.gz", trimmed)
        known |= {name for kind in KINDS.values() for name in full[kind]}
        counts = ", ".join(f"{len(trimmed[k])} {k}" for k in KINDS.values())
        print(f"{provider} {full['provider_version']}: vendored {counts}")
    listed = extra | used["resources"] | used["data_sources"]
    unknown = sorted(n for n in listed - known if n.split("_", 1)[0] in PROVIDERS)
    for name in unknown:
        print(f"warning: {name} is not a type of {', '.join(PROVIDERS)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
