"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def hcl2_warm() -> Iterator[None]:
    """python-hcl2 builds its grammar on first use (seconds): pay it once per session."""
    import hcl2

    hcl2.loads("a = 1\n")
    yield None


# --- validation (tests/test_validate_*.py) ---------------------------------------------------


@pytest.fixture(scope="session")
def hcl_parser_warm() -> Iterator[None]:
    """Load HashiCorp's parser (pygohcl, which starts the Go runtime) once."""
    from infrascaffold.validate.hcl_syntax import go_parser

    go_parser()
    yield None


@pytest.fixture()
def parse_cache(tmp_path: Path, hcl_parser_warm: None) -> Path:
    """An empty parse cache folder for one test (never the user's cache)."""
    return tmp_path / "parse-cache"
