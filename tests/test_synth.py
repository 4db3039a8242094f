"""End-to-end synthesis, on the fixture project (tests/fixtures/project-minimal): validated, secret-free,
all-or-nothing. Determinism is in test_determinism.py, `cdktn synth` giving the same stacks in test_local_state.py;
that the repository's own content synthesizes is a content check (tests/content/test_environments.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from project_copy import SECRET_VALUES, edit, run_cli, stack_files


def load_stack(outdir: Path, name: str) -> dict:
    return json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())


def test_one_stack_per_environment_passing_the_provider_schema(fixture_synth: Path, provider_schema: Path) -> None:
    from grafana_as_code.validate.run import validate_outdir

    assert sorted(p.parent.name for p in (fixture_synth / "stacks").glob("*/cdk.tf.json")) == ["dev", "prod"]
    assert validate_outdir(fixture_synth, provider_schema) == []


def test_provider_pinned_and_auth_is_a_sensitive_variable(fixture_synth: Path) -> None:
    stack = load_stack(fixture_synth, "prod")
    assert stack["terraform"]["required_providers"]["grafana"] == {"source": "grafana/grafana", "version": "~> 4.45"}
    provider = stack["provider"]["grafana"][0]
    assert provider["auth"] == "${var.grafana_auth}"
    assert provider["url"] == "https://grafana.shop.test"
    assert stack["variable"]["grafana_auth"]["sensitive"] is True
    assert "default" not in stack["variable"]["grafana_auth"]


def test_datasource_uids_are_identical_and_urls_differ_per_environment(fixture_synth: Path) -> None:
    sources = {env: load_stack(fixture_synth, env)["resource"]["grafana_data_source"] for env in ("dev", "prod")}
    assert sorted(sources["dev"]) == sorted(sources["prod"]) == ["loki", "postgres", "prometheus", "sentry", "tempo"]
    for name in sources["dev"]:
        assert sources["dev"][name]["uid"] == sources["prod"][name]["uid"]
    assert sources["dev"]["prometheus"]["url"] == "http://prometheus.dev.shop.test:9090"
    assert sources["prod"]["prometheus"]["url"] == "http://prometheus.shop.test:9090"


def test_lgtm_correlations_are_wired(fixture_synth: Path) -> None:
    sources = load_stack(fixture_synth, "prod")["resource"]["grafana_data_source"]
    tempo = json.loads(sources["tempo"]["json_data_encoded"])
    assert tempo["tracesToLogsV2"]["datasourceUid"] == "loki"
    loki = json.loads(sources["loki"]["json_data_encoded"])
    assert loki["derivedFields"][0]["datasourceUid"] == "tempo"
    # Grafana's ${__value.raw} must reach Grafana literally: Terraform JSON needs it written $${...}
    assert loki["derivedFields"][0]["url"] == "$${__value.raw}"
    prometheus = json.loads(sources["prometheus"]["json_data_encoded"])
    assert prometheus["exemplarTraceIdDestinations"][0]["datasourceUid"] == "tempo"
    assert prometheus["timeInterval"] == "15s"  # prod gives no scrape_interval: the template's default


def test_state_backends_follow_the_environment_files(fixture_synth: Path) -> None:
    dev = load_stack(fixture_synth, "dev")["terraform"]["backend"]["s3"]
    assert dev["key"] == "grafana/dev/terraform.tfstate" and dev["bucket"] == "shop-terraform-state"
    prod = load_stack(fixture_synth, "prod")["terraform"]["backend"]["s3"]
    assert prod["key"] == "grafana/prod/terraform.tfstate" and prod["encrypt"] is True
    assert prod["use_lockfile"] is True and "dynamodb_table" not in prod


def test_no_secret_value_reaches_the_output(fixture_synth: Path) -> None:
    for path, content in stack_files(fixture_synth).items():
        assert not [name for name, value in SECRET_VALUES.items() if value.encode() in content], path
    sources = load_stack(fixture_synth, "prod")["resource"]["grafana_data_source"]
    assert sources["postgres"]["secure_json_data_encoded"] == '${jsonencode({"password" = var.postgres_password})}'


def test_bad_input_writes_nothing_and_names_file_and_field(project: Path) -> None:
    assert run_cli(project, "synth").returncode == 0
    before = stack_files(project / "cdktf.out")
    edit(project / "environments" / "prod.yaml", "retries: 8", "retries: eight")
    result = run_cli(project, "synth")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == \
        "error: environments/prod.yaml: grafana.retries: expected an integer, got a string"
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


def test_alert_rule_groups_reference_their_folder_and_data_source(fixture_synth: Path) -> None:
    groups = {g["name"]: g for g in load_stack(fixture_synth, "prod")["resource"]["grafana_rule_group"].values()}
    group = groups["shop-availability"]
    assert group["folder_uid"] == "${grafana_folder.shop.uid}"  # folder first, then its rules
    assert group["interval_seconds"] == 30
    rule = next(r for r in group["rule"] if r["name"] == "HighErrorRate")
    query, condition = rule["data"]
    assert query["datasource_uid"] == "${grafana_data_source.prometheus.uid}"
    assert json.loads(query["model"])["expr"].endswith("sum by (job) (rate(http_requests_total[5m]))")
    assert condition["datasource_uid"] == "__expr__" and rule["condition"] == "C"
    # Grafana's template syntax reaches Terraform untouched (it has no "${" to escape)
    assert rule["annotations"]["summary"] == "High error rate on {{ $labels.job }}"
    assert "disable_provenance" not in group  # provisioned: locked in the UI (alerts/README.md, Provenance)
    assert groups["shop-business"]["interval_seconds"] == 60
