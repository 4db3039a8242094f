"""Messages name files as the user would type them: relative to the working directory when inside it."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.yaml_io import display_path


def test_relative_inside_absolute_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "project" / "alerts").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    assert display_path(Path("alerts/rules/x.yaml")) == "alerts/rules/x.yaml"
    assert display_path(tmp_path / "project" / "alerts" / "x.yaml") == "alerts/x.yaml"
    assert display_path(tmp_path / "elsewhere.json") == str(tmp_path / "elsewhere.json")


def test_a_path_through_a_symlink_is_still_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "real" / "alerts").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "real")
    assert display_path(tmp_path / "link" / "alerts" / "x.yaml") == "alerts/x.yaml"
