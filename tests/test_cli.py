"""The command line as users run it, on copies of the fixture project: exit codes and messages, no tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

from project_copy import edit, run_cli


def test_import_dashboard_writes_a_clean_file(project: Path, tmp_path: Path) -> None:
    exported = {"id": 42, "version": 7, "uid": "imported-one", "title": "Imported", "schemaVersion": 39,
                "panels": [{"id": 1, "type": "stat", "title": "Up", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0},
                            "datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"},
                            "targets": [{"refId": "A", "expr": "sum(up)",
                                         "datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}}]}],
                "__inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}]}
    source = tmp_path / "export.json"
    source.write_text(json.dumps(exported))
    result = run_cli(project, "import-dashboard", str(source), "--folder", "shop")
    assert result.returncode == 0, result.stderr
    written = json.loads((project / "dashboards" / "shop" / "imported-one.json").read_text())
    assert "id" not in written and "version" not in written and "__inputs" not in written
    assert written["panels"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}


def test_import_into_a_missing_folder_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text("{}")
    result = run_cli(project, "import-dashboard", str(source), "--folder", "nowhere")
    assert result.returncode == 1
    assert result.stderr.startswith("error: dashboards/nowhere: folder directory does not exist")
    assert "Traceback" not in result.stderr


def test_check_secrets_names_what_is_missing(project: Path) -> None:
    result = run_cli(project, "check-secrets", "--env", "prod", env={"TF_VAR_grafana_auth": "x"})
    assert result.returncode == 1
    assert "error: datasources/postgres.yaml: secure_json_data.password: secret 'postgres_password' is not set" \
        in result.stderr
    ok = run_cli(project, "check-secrets", "--env", "prod", env={
        "TF_VAR_grafana_auth": "x", "TF_VAR_postgres_password": "y", "TF_VAR_sentry_auth_token": "z",
        "TF_VAR_slack_bot_token": "s", "TF_VAR_pagerduty_integration_key": "p"})
    assert ok.returncode == 0, ok.stderr


def test_bindings_check_detects_stale_bindings(project: Path) -> None:
    assert run_cli(project, "bindings", "--check").returncode == 0
    folder = project / "imports" / "grafana" / "folder.py"
    edit(folder, "prevent_destroy_if_not_empty", "prevent_destroy")
    result = run_cli(project, "bindings", "--check")
    assert result.returncode == 1
    assert "folder.py" in result.stderr


def test_an_engine_refusal_is_a_clear_error_and_writes_nothing(project: Path) -> None:
    # S3-native locking needs Terraform >= 1.10; the engine refuses it when the stacks target older versions.
    edit(project / "stacks" / "grafana_stack.py", '{"terraform": ">=1.11.0"}', '{"terraform": ">=1.5.7"}')
    assert "use_lockfile: true" in (project / "environments" / "dev.yaml").read_text()
    result = run_cli(project, "synth", "--env", "dev")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: cdktn: [dev/backend] S3 native state locking requires terraform >=1.10.0" in result.stderr
    assert not (project / "cdktf.out").exists()


def test_the_cli_in_the_test_process_and_in_its_own_process_agree(tmp_path: Path) -> None:
    """run_cli runs the CLI in the test process when nothing can differ (project_copy.py); here both ways run on
    two copies of the fixture project, good and then broken: the same exit codes, files and messages."""
    from project_copy import _can_run_in_process, copy_fixture_project, stack_files

    runs = {}
    for way in ("in-process", "process"):
        root = copy_fixture_project(tmp_path / way)
        assert _can_run_in_process(root, {})  # the in-process way is really taken unless asked for a process
        good = run_cli(root, "synth", process=way == "process")
        edit(root / "environments" / "prod.yaml", "retries: 8", "retries: eight")
        bad = run_cli(root, "synth", process=way == "process")
        runs[way] = [(r.returncode, r.stdout, [line for line in r.stderr.splitlines() if not line.startswith("Wrote ")])
                     for r in (good, bad)], stack_files(root / "cdktf.out")
    assert runs["in-process"] == runs["process"]
    (good, bad), files = runs["process"]
    assert good[0] == 0 and bad[0] == 1 and files
    assert bad[2][-1] == "error: environments/prod.yaml: grafana.retries: expected an integer, got a string"


def test_a_copy_with_changed_code_runs_the_cli_in_its_own_process(project: Path) -> None:
    from project_copy import _can_run_in_process

    assert _can_run_in_process(project, {"TF_VAR_grafana_auth": "x"})
    assert not _can_run_in_process(project, {"PYTHONHASHSEED": "0"})
    assert not _can_run_in_process(project, {"GAC_JOBS": "2"})
    edit(project / "stacks" / "grafana_stack.py", '{"terraform": ">=1.11.0"}', '{"terraform": ">=1.11.1"}')
    assert not _can_run_in_process(project, {})
    (project / "stacks" / "grafana_stack.py").unlink()
    assert not _can_run_in_process(project, {})
