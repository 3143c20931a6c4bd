"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def hcl2_warm() -> Iterator[None]:
    """python-hcl2 builds its grammar on first use (seconds): pay it once per session."""
    import hcl2

    hcl2.loads("a = 1\n")
    yield None
