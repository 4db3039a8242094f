"""The test session's choice of temporary directory (session_setup.py): in memory when there is room, never against
the user's own choice."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from session_setup import temporary_files_in_memory


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.delenv("PYTEST_DEBUG_TEMPROOT", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)
    return monkeypatch


def test_a_writable_memory_file_system_with_room_becomes_the_temporary_directory(
        clean_environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    temporary_files_in_memory(shm=tmp_path, needed=1)
    assert tempfile.gettempdir() == str(tmp_path)


def test_a_small_or_missing_one_changes_nothing(clean_environment: pytest.MonkeyPatch, tmp_path: Path) -> None:
    temporary_files_in_memory(shm=tmp_path, needed=1 << 62)  # more room than any disk has
    temporary_files_in_memory(shm=tmp_path / "missing", needed=1)
    assert tempfile.gettempdir() != str(tmp_path)
    assert not str(tempfile.gettempdir()).startswith(str(tmp_path))


@pytest.mark.parametrize("variable", ["TMPDIR", "PYTEST_DEBUG_TEMPROOT"])
def test_the_users_choice_is_kept(clean_environment: pytest.MonkeyPatch, tmp_path: Path, variable: str) -> None:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    clean_environment.setenv(variable, str(chosen))
    temporary_files_in_memory(shm=tmp_path, needed=1)
    assert tempfile.gettempdir() != str(tmp_path)
