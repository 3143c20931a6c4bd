"""Time the package as it is installed: with its modules' bytecode, as `pip install` writes it.

This checkout is an editable install, and the shells here may run with
`PYTHONDONTWRITEBYTECODE=1`: then every fresh process compiles about 120 modules of
infrascaffold from source (0.1 s of CPU), while copier, cookiecutter and every dependency were
installed with their bytecode. `compile_package()` writes the bytecode pip would have written
(`compileall`, the same step), so each tool is timed as a user would run it.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "infrascaffold"


def compile_package() -> None:
    """Write the bytecode of every module of the package (a no-op when it is up to date)."""
    if not compileall.compile_dir(str(PACKAGE), quiet=1):
        raise SystemExit(f"cannot compile {PACKAGE}")
