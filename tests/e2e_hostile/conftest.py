"""The installed product for the hostile-input tests: the end-to-end layer's own install.

`tests/e2e/conftest.py` builds the sdist and the wheel of this checkout once per test session
and installs the wheel with a plain `pip install` into a fresh virtualenv (shared by xdist
workers under a file lock). These tests reuse that install rather than build a second one, and
run its `infrascaffold` console script as a subprocess, outside the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Installed, installed  # noqa: F401 - the session fixture


@pytest.fixture(scope="session")
def installed_cli(installed: Installed) -> Path:  # noqa: F811 - the fixture, requested by name
    """The `infrascaffold` console script of the wheel installed in a fresh virtualenv."""
    assert installed.exe.is_file()
    return installed.exe
