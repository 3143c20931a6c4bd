"""infrascaffold: scaffold and regenerate production-grade infrastructure repositories."""

from __future__ import annotations

__version__ = "0.2.0"
