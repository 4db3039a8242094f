"""End-to-end synthesis of the real repository: validated, deterministic, secret-free, all-or-nothing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from project_copy import REPO, copy_project, run_cli, stack_files


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("synth") / "project")
    secret_env = {"TF_VAR_grafana_auth": "glsa_SUPERSECRETTOKEN", "GRAFANA_AUTH": "admin:SUPERSECRETPASSWORD",
                  "TF_VAR_postgres_password": "SUPERSECRETPGPASS", "TF_VAR_sentry_auth_token": "SUPERSECRETSENTRY"}
    result = run_cli(root, "synth", env=secret_env)
    assert result.returncode == 0, result.stderr
    return root / "cdktf.out"


def load_stack(outdir: Path, name: str) -> dict:
    return json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())


def test_one_stack_per_environment(synthesized: Path) -> None:
    stacks = sorted(p.parent.name for p in (synthesized / "stacks").glob("*/cdk.tf.json"))
    assert stacks == sorted(p.stem for p in (REPO / "environments").glob("*.yaml"))


def test_every_stack_passes_the_provider_schema(synthesized: Path, provider_schema: Path) -> None:
    from grafana_as_code.validate.run import validate_outdir

    assert validate_outdir(synthesized, provider_schema) == []


def test_provider_pinned_and_auth_is_a_sensitive_variable(synthesized: Path) -> None:
    stack = load_stack(synthesized, "prod")
    assert stack["terraform"]["required_providers"]["grafana"] == {"source": "grafana/grafana", "version": "~> 4.45"}
    provider = stack["provider"]["grafana"][0]
    assert provider["auth"] == "${var.grafana_auth}"
    assert provider["url"] == "https://grafana.example.com"
    assert stack["variable"]["grafana_auth"]["sensitive"] is True
    assert "default" not in stack["variable"]["grafana_auth"]


def test_datasource_uids_are_identical_and_urls_differ_per_environment(synthesized: Path) -> None:
    sources = {env: load_stack(synthesized, env)["resource"]["grafana_data_source"] for env in ("dev", "staging", "prod")}
    assert {env: sorted(s) for env, s in sources.items()} == {env: sorted(sources["dev"]) for env in sources}
    for name in sources["dev"]:
        assert len({sources[env][name]["uid"] for env in sources}) == 1
    assert sources["dev"]["prometheus"]["url"] != sources["prod"]["prometheus"]["url"]


def test_lgtm_correlations_are_wired(synthesized: Path) -> None:
    sources = load_stack(synthesized, "prod")["resource"]["grafana_data_source"]
    tempo = json.loads(sources["tempo"]["json_data_encoded"])
    assert tempo["tracesToLogsV2"]["datasourceUid"] == "loki"
    assert tempo["tracesToMetrics"]["datasourceUid"] == "mimir"
    assert tempo["serviceMap"]["datasourceUid"] == "mimir"
    loki = json.loads(sources["loki"]["json_data_encoded"])
    assert loki["derivedFields"][0]["datasourceUid"] == "tempo"
    # Grafana's ${__value.raw} must reach Grafana literally: Terraform JSON needs it written $${...}
    assert loki["derivedFields"][0]["url"] == "$${__value.raw}"
    prometheus = json.loads(sources["prometheus"]["json_data_encoded"])
    assert prometheus["exemplarTraceIdDestinations"][0]["datasourceUid"] == "tempo"


def test_state_backends_follow_the_environment_files(synthesized: Path) -> None:
    dev = load_stack(synthesized, "dev")["terraform"]["backend"]["s3"]
    assert dev["key"] == "grafana/dev/terraform.tfstate" and dev["use_lockfile"] is True
    s3 = load_stack(synthesized, "prod")["terraform"]["backend"]["s3"]
    assert s3["use_lockfile"] is True and s3["encrypt"] is True and "dynamodb_table" not in s3


def test_no_secret_value_reaches_the_output(synthesized: Path) -> None:
    for path, content in stack_files(synthesized).items():
        assert b"SUPERSECRET" not in content, path
    sources = load_stack(synthesized, "prod")["resource"]["grafana_data_source"]
    assert sources["postgres"]["secure_json_data_encoded"] == '${jsonencode({"password" = var.postgres_password})}'


def test_output_is_byte_identical_across_runs_and_file_orderings(synthesized: Path, tmp_path: Path) -> None:
    reversed_root = copy_project(tmp_path / "reversed", reverse=True)
    result = run_cli(reversed_root, "synth")
    assert result.returncode == 0, result.stderr
    assert stack_files(reversed_root / "cdktf.out") == stack_files(synthesized)


def test_bad_input_writes_nothing_and_names_file_and_field(project: Path) -> None:
    assert run_cli(project, "synth").returncode == 0
    before = stack_files(project / "cdktf.out")
    env_file = project / "environments" / "staging.yaml"
    env_file.write_text(env_file.read_text().replace("retries: 5", "retries: five"))
    result = run_cli(project, "synth")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == \
        "error: environments/staging.yaml: grafana.retries: expected an integer, got a string"
    assert "Traceback" not in result.stderr
    assert stack_files(project / "cdktf.out") == before
    assert not list(project.glob(".cdktf-staging-*"))


def test_schema_violation_writes_nothing(project: Path, tmp_path: Path) -> None:
    from project_copy import schema_path

    schema = json.loads(schema_path().read_text())
    provider = schema["provider_schemas"]["registry.terraform.io/grafana/grafana"]
    del provider["resource_schemas"]["grafana_data_source"]["block"]["attributes"]["access_mode"]
    strict = tmp_path / "schema.json"
    strict.write_text(json.dumps(schema))
    result = run_cli(project, "synth", "--schema", str(strict))
    assert result.returncode == 1
    assert "error: dev grafana_data_source.loki: access_mode:" in result.stderr
    assert not (project / "cdktf.out").exists()


def test_cdktn_cli_synth_gives_the_same_stacks(synthesized: Path, tmp_path: Path) -> None:
    """The path users run (`cdktn synth`) with this cdktf.json, smoke-tested against `make synth`'s output."""
    cli = REPO / "node_modules" / ".bin" / "cdktn"
    if not cli.exists():
        pytest.fail("node_modules/.bin/cdktn is missing: run `make setup`")
    root = copy_project(tmp_path / "cli")
    venv_bin = Path(os.sys.executable).parent
    env = dict(os.environ, CHECKPOINT_DISABLE="1",
               PATH=f"{venv_bin}:{REPO / 'node_modules' / '.bin'}:{os.environ['PATH']}")
    result = subprocess.run([str(cli), "synth", "--output", "cli.out"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    produced = {k: v for k, v in stack_files(root / "cli.out").items() if k.startswith("stacks/")}
    expected = {k: v for k, v in stack_files(synthesized).items() if k.startswith("stacks/")}
    assert produced == expected
    shutil.rmtree(root / "cli.out")


def test_alert_rule_groups_reference_their_folder_and_data_source(synthesized: Path) -> None:
    groups = load_stack(synthesized, "prod")["resource"]["grafana_rule_group"]
    group = groups["intelliflow_intelliflow-availability"]  # <folder uid>_<group name>
    assert group["folder_uid"] == "${grafana_folder.intelliflow.uid}"  # folder first, then its rules
    assert group["interval_seconds"] == 30
    rule = next(r for r in group["rule"] if r["name"] == "HighErrorRate")
    query, condition = rule["data"]
    assert query["datasource_uid"] == "${grafana_data_source.prometheus.uid}"
    assert json.loads(query["model"])["expr"].endswith("sum by (job) (rate(http_requests_total[5m]))")
    assert condition["datasource_uid"] == "__expr__" and rule["condition"] == "C"
    # Grafana's template syntax reaches Terraform untouched (it has no "${" to escape)
    assert rule["annotations"]["summary"] == "High 5xx error rate on {{ $labels.job }}"
    assert "disable_provenance" not in group  # provisioned: locked in the UI (alerts/README.md, Provenance)
    pyairtable = groups["pyairtable_pyairtable-errors"]["rule"][0]["data"][0]
    assert pyairtable["datasource_uid"] == "${grafana_data_source.mimir.uid}"
