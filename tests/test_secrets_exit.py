"""The exit: a secret that reaches the output anyway is found before anything is published or a report written.

The scanner is tested on its own (each planted form, and what it must leave alone), then on a staged output into
which secrets were planted behind the door's back, then end to end: `synth` with a secret where the door does not
look (a dashboard), and `plan-report`/`drift-report` on a plan holding a secret Terraform did not mark.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from project_copy import REPO, run_cli, stack_files
from secrets_fixture import (BEARER_JWT, HIGH_ENTROPY_TOKEN, PAGERDUTY_KEY, PASSWORD, PLANTED, SLACK_TOKEN,
                             SLACK_WEBHOOK, URL_PASSWORD, leaked, secrets_project)

from grafana_as_code.errors import UserError
from grafana_as_code.plans.output import write_report
from grafana_as_code.secret_guard.outputs import scan_outdir, scan_report
from grafana_as_code.secret_guard.scanner import Value, scan

STACK = "cdktf.out/stacks/dev/cdk.tf.json"
DASHBOARD = "resource.grafana_dashboard._3f786850e387550fdab836ed7e6dc881de23001b"


def _detectors(key: str, text: str) -> str:
    findings = scan([Value("f", "x", key, text)])
    return findings[0].detector if findings else ""


@pytest.mark.parametrize(("key", "text", "detector"), [
    ("recipient", SLACK_TOKEN, "Slack Token"),
    ("url", SLACK_WEBHOOK, "Slack Token"),
    ("client", PAGERDUTY_KEY, "Hex High Entropy String"),  # a PagerDuty integration key under an innocent key
    ("customParam", HIGH_ENTROPY_TOKEN, "Base64 High Entropy String"),
    ("description", f"call it with Bearer {HIGH_ENTROPY_TOKEN} please", "Base64 High Entropy String"),
    ("httpHeaderValue1", BEARER_JWT, "JSON Web Token"),
    ("password", PASSWORD, "Secret Keyword"),
    ("url", f"https://admin:{URL_PASSWORD}@prometheus.example.com", "Basic Auth Credentials"),
    ("text", "line one\nghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\nline three", "GitHub Token"),
])
def test_the_scanner_finds_each_form(key: str, text: str, detector: str) -> None:
    assert detector in _detectors(key, text)


@pytest.mark.parametrize(("key", "text"), [
    ("token", "${var.slack_bot_token}"),  # our sensitive variables
    ("url", "$${__value.raw}"),  # Grafana's templates, as escaped in the stack
    ("url", "https://grafana.example.com/explore?left=${__value.raw}&var-env=${env}"),
    ("uid", "3f786850e387550fdab836ed7e6dc881de23001b"),  # a 40-character hex uid is a valid Grafana uid
    ("datasourceUid", "e93facc04764012d7bfb002500d5d1a6"),
    ("folder_uid", "kJ8s9dF3lQ0pZx7vB2nM4c"),
    ("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    ("id", "a3c1f5d2-6b7e-4c8f-9a0b-1d2e3f4a5b6c"),  # a UUID, under any key
    ("expr", 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))'),
    ("matcherRegex", '(?:trace_?id|traceID)["=: ]+"?(\\w+)'),
    ("description", "Requests per second of the checkout service, by status code and route."),
])
def test_the_scanner_leaves_what_our_stacks_legitimately_hold(key: str, text: str) -> None:
    assert _detectors(key, text) == ""


def test_an_identifier_key_silences_only_entropy_not_a_tokens_shape() -> None:
    assert "Hex High Entropy String" in _detectors("note", "3f786850e387550fdab836ed7e6dc881de23001b")
    assert "Slack Token" in _detectors("uid", SLACK_TOKEN)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, synthesized: its dashboard uid is 40 hex characters, its links hold ${__value.raw}."""
    project = secrets_project(tmp_path_factory.mktemp("exit") / "project")
    result = run_cli(project, "synth")
    assert result.returncode == 0, result.stderr  # so the exit passes what the project legitimately holds
    assert "Scanning the output for secrets" in result.stderr
    return project


def _plant(stack: dict) -> dict[str, str]:
    """Secrets planted in a synthesized stack as if the door had been bypassed: field -> expected detector."""
    resources = stack["resource"]
    prometheus = resources["grafana_data_source"]["prometheus"]
    json_data = json.loads(prometheus["json_data_encoded"])
    json_data["customParam"] = HIGH_ENTROPY_TOKEN
    prometheus["json_data_encoded"] = json.dumps(json_data)
    prometheus["http_headers"]["Authorization"] = BEARER_JWT
    resources["grafana_data_source"]["postgres"]["secure_json_data_encoded"] = json.dumps({"password": PASSWORD})
    stack["provider"]["grafana"][0]["url"] = f"https://admin:{URL_PASSWORD}@grafana.example.com"
    oncall = resources["grafana_contact_point"]["oncall"]
    oncall["slack"][0]["token"] = SLACK_TOKEN
    oncall["pagerduty"][0]["integration_key"] = PAGERDUTY_KEY
    dashboard_name = DASHBOARD.rsplit(".", 1)[1]
    dashboard = json.loads(resources["grafana_dashboard"][dashboard_name]["config_json"])
    dashboard["panels"][0]["description"] = f"Alerts also go to {SLACK_WEBHOOK}"
    resources["grafana_dashboard"][dashboard_name]["config_json"] = json.dumps(dashboard)
    return {
        "resource.grafana_data_source.prometheus.json_data_encoded#/customParam": "Base64 High Entropy String",
        "resource.grafana_data_source.prometheus.http_headers.Authorization": "JSON Web Token",
        "resource.grafana_data_source.postgres.secure_json_data_encoded#/password": "Secret Keyword",
        "provider.grafana[0].url": "Basic Auth Credentials",
        "resource.grafana_contact_point.oncall.slack[0].token": "Slack Token",
        "resource.grafana_contact_point.oncall.pagerduty[0].integration_key": "Hex High Entropy String",
        f"{DASHBOARD}.config_json#/panels/0/description": "Slack Token",
    }


def test_scan_of_a_staged_output_with_the_door_bypassed(synthesized: Path, tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    shutil.copytree(synthesized / "cdktf.out", staging)
    assert scan_outdir(staging, Path("cdktf.out")) == []  # what synth published is clean
    stack_path = staging / "stacks" / "dev" / "cdk.tf.json"
    stack = json.loads(stack_path.read_text())
    expected = _plant(stack)
    stack_path.write_text(json.dumps(stack, indent=2))
    problems = scan_outdir(staging, Path("cdktf.out"))
    found = {p.field: p for p in problems}
    for field, detector in expected.items():
        assert field in found, f"{field} not found in {[str(p) for p in problems]}"
        assert found[field].where == STACK
        message = found[field].message
        assert message.startswith("looks like a secret (") and detector in message.split(")")[0], message
        assert "): name it as a secret instead" in message
    text = "\n".join(str(p) for p in problems)
    assert not [value for value in PLANTED if value in text]  # the error never repeats the secret


def test_synth_refuses_a_secret_where_the_door_does_not_look_and_publishes_nothing(synthesized: Path,
                                                                                  tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(synthesized, project, symlinks=True)
    before = stack_files(project / "cdktf.out")
    dashboard = project / "dashboards" / "team" / "service.yaml"
    dashboard.write_text(dashboard.read_text().replace("description: Requests of the service.",
                                                       f"description: 'Escalate with {SLACK_TOKEN}'"))
    result = run_cli(project, "synth")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (f"error: {STACK}: {DASHBOARD}.config_json#/description: looks like a secret (Base64 High Entropy "
            "String, Slack Token): name it as a secret instead") in result.stderr, result.stderr
    assert stack_files(project / "cdktf.out") == before  # the previous output stays, untouched
    assert leaked(project / "cdktf.out") == []
    assert not list(project.glob(".cdktf-staging-*"))
    assert SLACK_TOKEN not in result.stderr


def _plan_with_an_unmarked_secret(path: Path) -> Path:
    """A plan whose change carries a Slack token Terraform did not mark sensitive (the report prints values)."""
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "terraform_data.x", "mode": "managed", "type": "terraform_data", "name": "x",
        "provider_name": "terraform.io/builtin/terraform",
        "change": {"actions": ["update"], "before": {"input": "old", "output": "old"},
                   "after": {"input": SLACK_TOKEN, "output": "old"}, "after_unknown": {},
                   "before_sensitive": {}, "after_sensitive": {}}}]}
    path.write_text(json.dumps(plan))
    return path


@pytest.mark.parametrize("command", ["plan-report", "drift-report"])
def test_a_report_holding_a_secret_is_not_written(command: str, tmp_path: Path) -> None:
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "dev.yaml").write_text('grafana: {url: "https://g.example.com", version: "12.1"}\n')
    plan = _plan_with_an_unmarked_secret(tmp_path / "plan.json")
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    for output in (["--output", "report.md"], []):
        result = subprocess.run([sys.executable, "-m", "grafana_as_code", command, f"dev={plan}", *output],
                                cwd=tmp_path, capture_output=True, text=True, env=environ, timeout=120)
        assert result.returncode == 1, (result.stdout, result.stderr)
        where = "report.md" if output else "<stdout>"
        assert f"error: {where}: line " in result.stderr and "(Base64 High Entropy String, Slack Token)" in \
            result.stderr, result.stderr
        assert result.stdout == "" and SLACK_TOKEN not in result.stderr
    assert not (tmp_path / "report.md").exists()
    assert not list(tmp_path.glob(".report.md.*"))


def test_write_report_scans_before_it_writes_anything(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "report.md"
    target.write_text("the previous report\n")
    for output in (str(target), None):
        with pytest.raises(UserError) as raised:
            write_report(f"# Plan\n\n- token: `{SLACK_TOKEN}`\n", output)
        assert raised.value.problems[0].field == "line 3"
    assert capsys.readouterr().out == ""
    assert target.read_text() == "the previous report\n"
    clean = ("# Plan\n\n- uid: `\"3f786850e387550fdab836ed7e6dc881de23001b\"` → `\"svc-new\"`\n"
             "- dashboard uid 3f786850e387550fdab836ed7e6dc881de23001b moved to folder: `\"e93facc04764012d7bfb\"`\n")
    write_report(clean, str(target))
    assert "svc-new" in target.read_text()


def test_the_reports_of_the_plan_fixtures_scan_clean() -> None:
    """Reports of Grafana-shaped plans (dashboards, rule groups, policies, masked secrets) are not refused."""
    from grafana_as_code.plans import drift_report, plan_report
    from grafana_as_code.plans.inputs import load_plan

    fixtures = REPO / "tests" / "plans" / "fixtures"
    for path in sorted(fixtures.glob("*.json")):
        plan = load_plan(path, "prod")
        assert scan_report(plan_report.render([plan]), path.name) == [], path
    for name in ("drift-refresh-only.json", "drift-noise-only.json", "tf-refresh-only.json"):
        text, _ = drift_report.render([load_plan(fixtures / name, "prod")])
        assert scan_report(text, name) == [], name


def test_our_loop_finds_exactly_what_detect_secrets_own_file_scan_finds(tmp_path: Path) -> None:
    """scanner._detect calls detect-secrets' plugins and filters directly (for speed): same findings as its
    scan_file under the same settings, on planted and legitimate lines alike."""
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import transient_settings

    from grafana_as_code.secret_guard import scanner

    lines = [f'"{key}": {json.dumps(text)}' for key, text in [
        ("recipient", SLACK_TOKEN), ("client", PAGERDUTY_KEY), ("customParam", HIGH_ENTROPY_TOKEN),
        ("password", PASSWORD), ("uid", "3f786850e387550fdab836ed7e6dc881de23001b"), ("token", "${var.x}"),
        ("url", f"https://admin:{URL_PASSWORD}@h.example.com"), ("httpHeaderValue1", BEARER_JWT),
        ("expr", "sum(rate(http_requests_total[5m]))"), ("id", "a3c1f5d2-6b7e-4c8f-9a0b-1d2e3f4a5b6c"),
        ("note", "3f786850e387550fdab836ed7e6dc881de23001b"), ("url", "$${__value.raw}")]]
    ours = {index + 1: found for index, found in scanner._detect(lines).items()}
    path = tmp_path / scanner.SCAN_FILENAME
    path.write_text("\n".join(lines) + "\n")
    theirs: dict[int, set[str]] = {}
    with transient_settings(scanner.SETTINGS):
        for secret in scan_file(str(path)):
            theirs.setdefault(secret.line_number, set()).add(secret.type)
    assert ours == theirs
    assert set(ours) == {1, 2, 3, 4, 7, 8, 11}  # the planted ones, and the hex string under an innocent key


def test_the_cdktn_path_scans_what_it_wrote_and_removes_a_stack_holding_a_secret(synthesized: Path,
                                                                                   tmp_path: Path) -> None:
    """`cdktn synth/diff/deploy` run `python main.py` straight into the output directory (no staging)."""
    project = tmp_path / "project"
    shutil.copytree(synthesized, project, symlinks=True, ignore=shutil.ignore_patterns("cdktf.out"))
    dashboard = project / "dashboards" / "team" / "service.yaml"
    dashboard.write_text(dashboard.read_text().replace("description: Requests of the service.",
                                                       f"description: 'Alerts also go to {SLACK_WEBHOOK}'"))
    environ = {**os.environ, "CDKTF_OUTDIR": str(project / "out")}
    environ.pop("GAC_STAGED_SYNTH", None)
    result = subprocess.run([sys.executable, "main.py"], cwd=project, env=environ, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 1, result.stderr
    assert f"error: out/stacks/dev/cdk.tf.json: {DASHBOARD}.config_json#/description: looks like a secret" in \
        result.stderr, result.stderr
    assert not (project / "out" / "stacks" / "dev" / "cdk.tf.json").exists()
    assert leaked(project / "out") == []
