"""Files that are not `terraform show -json` output: a saved (binary) plan gets the command that converts it, any
other undecodable file its line and column; both as one `error: <file>: <message>` line and exit 1."""
from __future__ import annotations

from pathlib import Path

import pytest

from plan_helpers import run

HINT = "this is a binary plan file: run `terraform show -json <planfile>` first"


def saved_plan(fixtures: Path, tmp_path: Path) -> Path:
    """A copy of a plan saved by `terraform plan -out` (make_fixtures.py), named as CI would name it."""
    saved = tmp_path / "plan-prod.tfplan"
    saved.write_bytes((fixtures / "tf-saved-plan.tfplan").read_bytes())
    return saved


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_a_saved_plan_file_gets_the_show_json_hint(command: str, fixtures: Path, tmp_path: Path) -> None:
    saved = saved_plan(fixtures, tmp_path)
    result = run(command, f"dev={saved}")
    assert result.returncode == 1
    assert result.stderr == f"error: {saved}: {HINT}\n"
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_a_saved_plan_among_good_ones_is_named_and_nothing_is_written(command: str, fixtures: Path,
                                                                      tmp_path: Path) -> None:
    saved = saved_plan(fixtures, tmp_path)
    output = tmp_path / "report.md"
    result = run(command, f"dev={fixtures / 'tf-changes.json'}", f"prod={saved}", "--output", str(output))
    assert result.returncode == 1
    assert result.stderr == f"error: {saved}: {HINT}\n"
    assert not output.exists()


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_an_undecodable_file_is_located_by_line_and_column(command: str, tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"format_version": "1.0",\n "note": "caf\xe9"}\n')
    result = run(command, f"dev={path}")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: not UTF-8 text: line 2, column 14: byte 0xe9")
    assert "codec" not in result.stderr
