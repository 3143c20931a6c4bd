"""Top-level HCL items (what the block merge splits a file into) and their keys.

An `Item` is a block or attribute with the comments before it, keyed by its header. `locals`,
`moved`, `import`, `removed` and `terraform` blocks carry no label, and a file may hold several
of each (the built-in pack emits several `locals`). Keying them apart lets the HCL merge take
them block by block instead of falling back to lines for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Item:
    """One top-level item: `trivia` (comments, blank lines before it) and its `code`."""

    key: str
    trivia: str
    code: str

    @property
    def text(self) -> str:
        """The item as it appears in the file."""
        return self.trivia + self.code


# A top-level block without labels, such as `locals {`.
_UNLABELED_BLOCK = re.compile(r"[A-Za-z_][\w-]*[ \t]*\{")
# The attribute naming the address a repeatable unlabeled block acts on.
_ADDRESS_ATTRIBUTES = {"moved": "from", "removed": "from", "import": "to"}


def key_repeated_blocks(items: list[Item]) -> list[Item]:
    """Give each unlabeled block (`locals`, `moved`, `import`, `removed`, `terraform`) its own key.

    `moved`, `import` and `removed` blocks are keyed by the address they act on, so adding one
    before another does not shift the rest; other unlabeled blocks by their position among blocks
    of their kind (`locals`, `locals#2`, ...). Attributes and labeled blocks keep their key: a
    repeated one is an error that `split_items` reports.
    """
    seen: dict[str, int] = {}
    keyed = []
    for item in items:
        key = item.key
        if "." not in key and _UNLABELED_BLOCK.match(item.code):
            identity = _block_identity(key, item.code)
            seen[identity] = seen.get(identity, 0) + 1
            count = seen[identity]
            key = identity if count == 1 else f"{identity}#{count}"
        keyed.append(replace(item, key=key))
    return keyed


def _block_identity(kind: str, code: str) -> str:
    """`moved(from=aws_s3_bucket.a)` for blocks that name an address, else the block type."""
    attribute = _ADDRESS_ATTRIBUTES.get(kind)
    if attribute is None:
        return kind
    found = re.search(rf"^[ \t]*{attribute}[ \t]*=[ \t]*([^\n#]*?)[ \t]*$", code, re.MULTILINE)
    return f"{kind}({attribute}={found.group(1)})" if found else kind
