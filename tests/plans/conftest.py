"""Fixtures for the plan tests; helpers are in plan_helpers.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from plan_helpers import FIXTURES


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
