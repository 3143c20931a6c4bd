"""A validation finding, and the order findings are reported in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, where (POSIX path relative to the root, 1-based line)."""

    check: str
    path: str
    line: int
    message: str
    severity: Severity = "error"
    column: int = 0  # 1-based; 0 when the check knows only the line

    def format_text(self) -> str:
        """`path:line: [check] message`, the line editors and CI logs understand."""
        return f"{self.path}:{self.line}: [{self.check}] {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        """The finding as a JSON object."""
        return dict(asdict(self))


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """By path, then line, then check and message; exact repeats dropped."""
    return sorted(
        set(findings), key=lambda f: (f.path, f.line, f.check, f.message, f.severity, f.column)
    )
