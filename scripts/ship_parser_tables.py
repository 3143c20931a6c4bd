"""Build python-hcl2's LALR tables once and ship them in the package.

    python scripts/ship_parser_tables.py

Writes `tests/hcl_reference/hcl2-lark-tables.bin.gz` (a key line, then lark's saved parser),
which `tests.hcl_reference.model.shipped_parser` loads so that the reference model does not spend
seconds building the tables. Run it again after a python-hcl2 or lark upgrade: stale tables are
recognised by their key and ignored (the tables are then built and cached as before).
"""

from __future__ import annotations

import gzip
import io
import sys
from importlib import resources
from pathlib import Path

from hcl2.postlexer import PostLexer
from lark import Lark

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "tests" / "hcl_reference" / "hcl2-lark-tables.bin.gz"


def main() -> int:
    """Build the tables (as `tests.hcl_reference.model.hcl_parser` does) and write them."""
    sys.path.insert(0, str(REPO))
    from tests.hcl_reference.model import tables_key

    grammar = str(resources.files("hcl2").joinpath("hcl2.lark"))
    parser = Lark.open(grammar, parser="lalr", propagate_positions=False, postlex=PostLexer())
    saved = io.BytesIO()
    parser.save(saved)
    data = tables_key() + b"\n" + saved.getvalue()
    TARGET.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"wrote {TARGET.relative_to(REPO)} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
