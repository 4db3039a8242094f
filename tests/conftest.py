"""Fixtures for the top-level tests (helpers live in project_copy.py so that other folders can import them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from project_copy import copy_project, schema_path


@pytest.fixture(scope="session")
def provider_schema() -> Path:
    path = schema_path()
    assert path.is_file(), f"provider schema not found at {path}; set GRAFANA_PROVIDER_SCHEMA"
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
