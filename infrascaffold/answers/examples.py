"""The example answer sets shipped with infrascaffold (`new DEST --example NAME`).

In a wheel they live in `infrascaffold/examples/answers/`; in a source checkout, at the top in
`examples/answers/`. Each file's leading comment describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from infrascaffold.errors import InfrascaffoldError

SUFFIX = ".yml"


@dataclass(frozen=True)
class Example:
    """One example answer set: its name (the file stem), file and one-line description."""

    name: str
    path: Path
    description: str


def examples_root() -> Path:
    """The folder of the example answer sets: inside the wheel, or in a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the package folder
    inside = here / "examples" / "answers"
    return inside if inside.is_dir() else here.parent / "examples" / "answers"


def list_examples() -> list[Example]:
    """Every shipped example, sorted by name."""
    root = examples_root()
    if not root.is_dir():
        return []
    return [
        Example(path.stem, path, _description(path)) for path in sorted(root.glob(f"*{SUFFIX}"))
    ]


def example_path(name: str) -> Path:
    """The answers file of the example `name`; an unknown name is an error listing the known."""
    for example in list_examples():
        if example.name == name:
            return example.path
    known = ", ".join(e.name for e in list_examples()) or "none are installed"
    raise InfrascaffoldError("--example", f"unknown example {name!r} (known: {known})")


def _description(path: Path) -> str:
    """The file's leading comment lines, joined."""
    lines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line.removeprefix("#").strip())
    return " ".join(lines)
