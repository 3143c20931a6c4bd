"""Resource limits of a render: total output size, file count and time.

A pack is untrusted input: `for_each` over 100k items, nested `range` loops or a 1 GB string
must stop with one line naming the limit (exit 2), not fill the disk or run for hours. The
defaults fit any real pack (the built-in pack renders well under 1 MB in under 2 s); `new`
raises them with `--max-output-size`, `--max-files` and `--max-render-time`.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from infrascaffold.errors import LimitError

MB = 1024 * 1024
CLOCK_EVERY = 64  # output chunks between two looks at the clock


@dataclass(frozen=True)
class Limits:
    """Bounds of one render (both passes together for time; the final tree for size/files)."""

    max_output_bytes: int = 100 * MB
    max_files: int = 20_000
    max_seconds: float = 120.0


DEFAULT_LIMITS = Limits()


class RenderBudget:
    """What is left of the limits while a tree is being rendered (mutable, one per pass)."""

    def __init__(self, limits: Limits, deadline: float | None = None) -> None:
        self.limits = limits
        self.deadline = deadline if deadline is not None else time.monotonic() + limits.max_seconds
        self.files = 0
        self.bytes = 0

    def add_file(self, dest: str) -> None:
        """Count one more file of the tree."""
        self.files += 1
        if self.files > self.limits.max_files:
            raise LimitError(
                dest, f"the render has more than {self.limits.max_files} files (--max-files)"
            )

    def add_text(self, dest: str, size: int) -> None:
        """Count `size` more characters of output (UTF-8 bytes are at least as many)."""
        self.bytes += size
        if self.bytes > self.limits.max_output_bytes:
            mb = self.limits.max_output_bytes / MB
            raise LimitError(dest, f"the render is larger than {mb:g} MB (--max-output-size)")
        self.check_time(dest)

    def check_time(self, where: str) -> None:
        """Stop when the render has run past its time limit."""
        if time.monotonic() > self.deadline:
            raise time_limit_error(self.limits, where)

    def collect(self, dest: str, chunks: Iterable[str]) -> str:
        """Join a template's output chunks, counting each against the size budget and looking
        at the clock every `CLOCK_EVERY` chunks and at the end (a call and a clock read per
        chunk were a tenth of a warm render; SIGALRM bounds the time in between)."""
        parts: list[str] = []
        size, limit = self.bytes, self.limits.max_output_bytes
        for count, chunk in enumerate(chunks, 1):
            size += len(chunk)
            parts.append(chunk)
            if size > limit or not count % CLOCK_EVERY:
                self.bytes = size
                self.add_text(dest, 0)
        self.bytes = size
        self.check_time(dest)
        return "".join(parts)


def time_limit_error(limits: Limits, where: str) -> LimitError:
    return LimitError(
        where, f"the render took longer than {limits.max_seconds:g} s (--max-render-time)"
    )


@contextmanager
def time_limit(limits: Limits, where: str = "render") -> Iterator[None]:
    """Interrupt code that produces no output (a loop of loops) once the time limit is past.

    Uses SIGALRM where it exists and only in the main thread; elsewhere the per-chunk checks
    of `RenderBudget` are the bound.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise time_limit_error(limits, where)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limits.max_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
