"""Bad input: one clear `error: <file>: <field>: <message>` line, exit 1, no traceback, nothing half-written."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plan_helpers import REPO, run, write_plan


@pytest.fixture
def good(fixtures: Path) -> str:
    return str(fixtures / "tf-changes.json")


def check_error(result, expected: str) -> None:  # noqa: ANN001 - a CompletedProcess
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_not_a_plan(command: str, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "state.json", {"format_version": "1.0", "values": {}})
    check_error(run(command, f"dev={path}"), f"error: {path}: resource_changes: missing: a state file")
    path = write_plan(tmp_path / "list.json", ["not", "a", "plan"])
    check_error(run(command, f"dev={path}"), f"error: {path}: not a Terraform plan: expected a JSON object")


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_other_format_version(command: str, tmp_path: Path) -> None:
    path = write_plan(tmp_path / "v2.json", {"format_version": "2.0", "resource_changes": []})
    check_error(run(command, f"dev={path}"), f"error: {path}: format_version: unsupported plan format '2.0'")


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_truncated_file(command: str, tmp_path: Path, good: str) -> None:
    path = tmp_path / "cut.json"
    path.write_text(Path(good).read_text()[:500])
    check_error(run(command, f"dev={path}"), f"error: {path}: not valid JSON (the file is cut short): line ")


def known_environments() -> str:
    """The environments of the project the reports run in (whatever a team keeps in environments/)."""
    return ", ".join(sorted(path.stem for path in (REPO / "environments").glob("*.yaml")))


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_unknown_environment(command: str, good: str) -> None:
    assert not (REPO / "environments" / "prodd.yaml").exists(), "the test's unknown environment exists"
    check_error(run(command, f"prodd={good}"),
                f"error: {good}: environment: unknown environment 'prodd'; known: {known_environments()}")


def test_environment_names_come_from_the_working_directorys_project(good: str, tmp_path: Path) -> None:
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "qa.yaml").write_text("grafana: {url: https://qa}\n")
    result = subprocess.run([sys.executable, "-m", "grafana_as_code", "plan-report", f"dev={good}"], cwd=tmp_path,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    check_error(result, "unknown environment 'dev'; known: qa")


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_missing_file(command: str, tmp_path: Path) -> None:
    check_error(run(command, f"dev={tmp_path / 'nope.json'}"), f"error: {tmp_path / 'nope.json'}: no such file")


def test_every_problem_is_reported_at_once(tmp_path: Path, good: str) -> None:
    result = run("plan-report", "dev", f"prodd={good}", f"prod={tmp_path / 'nope.json'}")
    check_error(result, "error: dev: expected ENV=PLAN.json")
    assert "unknown environment 'prodd'" in result.stderr and "no such file" in result.stderr


def test_usage_errors_exit_1_not_2_so_they_never_read_as_drift() -> None:
    result = run("drift-report")
    assert result.returncode == 1 and "the following arguments are required" in result.stderr
    assert run("drift-report", "--bogus", "x=y").returncode == 1


def test_bad_run_url(good: str) -> None:
    check_error(run("plan-report", f"dev={good}", "--run-url", "javascript:alert(1)"),
                "error: --run-url: expected an http(s) URL")


def test_output_is_written_whole_or_not_at_all(tmp_path: Path, good: str) -> None:
    out = tmp_path / "comment.md"
    out.write_text("previous comment\n")
    bad = write_plan(tmp_path / "bad.json", {"format_version": "7"})
    check_error(run("plan-report", f"dev={good}", f"prod={bad}", "--output", str(out)), "unsupported plan format")
    assert out.read_text() == "previous comment\n"  # untouched on error
    ok = run("plan-report", f"dev={good}", "--output", str(out))
    assert ok.returncode == 0 and ok.stdout == ""
    assert out.read_text().startswith("<!-- grafana-as-code:plan-report -->")
    assert out.read_text().endswith("</sub>\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_output_into_a_missing_directory(tmp_path: Path, good: str) -> None:
    target = tmp_path / "no" / "comment.md"
    check_error(run("plan-report", f"dev={good}", "--output", str(target)),
                "cannot write: the directory does not exist")


def test_stdout_report(good: str) -> None:
    result = run("plan-report", f"dev={good}")
    assert result.returncode == 0 and result.stdout.startswith("<!-- grafana-as-code:plan-report -->")
    assert json.dumps("s3cr3t-token-value")[1:-1] not in result.stdout
