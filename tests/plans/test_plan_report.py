"""The PR comment: tables, warnings first, dashboards and rule models by meaning, masking, size limit."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grafana_as_code.plans import plan_report
from grafana_as_code.plans.markdown import GITHUB_LIMIT
from grafana_as_code.plans.model import load_plan, parse_plan
from large_plan import make_large_plan
from plan_helpers import SECRETS, section


@pytest.fixture(scope="module")
def grafana(fixtures: Path) -> str:
    return plan_report.render([load_plan(fixtures / "grafana-changes.json", "prod")],
                              run_url="https://github.com/acme/grafana/actions/runs/42")


@pytest.fixture(scope="module")
def terraform_data(fixtures: Path) -> str:
    return plan_report.render([load_plan(fixtures / "tf-changes.json", "dev")])


def test_marker_first_then_one_table_per_environment(fixtures: Path) -> None:
    report = plan_report.render([load_plan(fixtures / "tf-changes.json", "dev"),
                                 load_plan(fixtures / "grafana-changes.json", "prod")])
    assert report.splitlines()[0] == plan_report.MARKER
    assert report.index("### dev") < report.index("### prod")
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", report, re.M)
    assert rows == [("1", "1", "1", "1", "1"), ("1", "5", "2", "1", "1")]  # add, change, replace, destroy, same


def test_warnings_come_before_details_and_name_what_forces_a_replacement(grafana: str) -> None:
    first_details = grafana.index("<details>")
    for warning in ("**replace** `grafana_data_source.loki`", "**replace** `grafana_dashboard.service`",
                    "**destroy** `grafana_folder.legacy`", "**notification policy**"):
        assert 0 < grafana.index(warning) < first_details, warning
    assert "because `uid` (`\"loki\"` → `\"loki-logs\"`) forces it" in grafana
    assert "because `config_json.uid` (`\"svc-old\"` → `\"svc-new\"`) forces it" in grafana
    assert "whole routing tree is replaced" in grafana


def test_real_terraform_replace_path_is_reported(terraform_data: str) -> None:
    assert "**replace** `terraform_data.replaced`" in terraform_data
    assert "`triggers_replace` (`[\"uid-one\"]` → `[\"uid-two\"]`) forces it" in terraform_data
    assert "**destroy** `terraform_data.destroyed`" in terraform_data


def test_a_one_query_dashboard_change_is_at_most_five_lines(grafana: str) -> None:
    lines = section(grafana, "grafana_dashboard.api")
    assert len(lines) <= 5, lines
    assert '- sum(rate(http_requests_total{job="api"}[5m]))' in "\n".join(lines)
    assert '+ sum(rate(http_requests_total{job="api"}[1m]))' in "\n".join(lines)


def test_dashboards_are_diffed_by_meaning_never_as_the_json_blob(grafana: str) -> None:
    lines = "\n".join(section(grafana, "grafana_dashboard.overview"))
    assert "panel “Old panel”: removed" in lines
    assert "panel “Queue depth”: added (timeseries, 1 query)" in lines
    assert "panel “Latency”: moved from (12, 0) to (0, 16)" in lines
    assert "panel “Saturation”: retitled to “CPU saturation”" in lines
    assert "thresholds: `\"base green, 80 red\"` → `\"base green, 90 red\"`" in lines
    assert "variable $env query changed" in lines and "+ prod,staging,dev" in lines
    assert "refresh: `\"30s\"` → `\"1m\"`" in lines
    assert "config\\_json" not in grafana and '{"' not in lines  # no raw dashboard JSON anywhere


def test_rule_models_are_diffed_by_meaning(grafana: str) -> None:
    lines = "\n".join(section(grafana, "grafana_rule_group.api_latency"))
    assert 'rule\\["High p99"\\].data\\["A"\\].model.expr changed:' in lines
    assert "+ histogram_quantile(0.999," in lines
    assert 'rule\\["High p99"\\].for: `"5m"` → `"10m"`' in lines
    assert 'rule\\["Error burst"\\] added' in lines


def test_nested_blocks_are_matched_by_name(grafana: str) -> None:
    lines = "\n".join(section(grafana, "grafana_notification_policy.policy"))
    assert 'policy\\["pagerduty"\\].matcher\\["severity"\\].value: `"critical"` → `"page"`' in lines


def test_sensitive_values_and_variables_never_appear(grafana: str, terraform_data: str) -> None:
    for report in (grafana, terraform_data):
        for secret in SECRETS:
            assert secret not in report
    contact = "\n".join(section(grafana, "grafana_contact_point.on_call"))
    assert "integration\\_key: changed (sensitive value, not shown)" in contact
    assert "slack\\[\"sl1\"\\].url" not in contact  # unchanged sensitive value: not even mentioned
    assert "recipient" in contact


def test_a_secret_terraform_forgot_to_mark_is_still_redacted() -> None:
    """terraform_data copies input to output without its marks; the report must not print it there."""
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "terraform_data.x", "mode": "managed", "type": "terraform_data", "name": "x",
        "provider_name": "terraform.io/builtin/terraform",
        "change": {"actions": ["update"], "before": {"input": {"t": "hunter2-secret"}, "output": "old"},
                   "after": {"input": {"t": "hunter2-secret"}, "output": "copied hunter2-secret"},
                   "after_unknown": {}, "before_sensitive": {"input": {"t": True}},
                   "after_sensitive": {"input": {"t": True}}}}]}
    report = plan_report.render([parse_plan(plan, "p.json", "dev")])
    assert "hunter2-secret" not in report and "(sensitive value)" in report


def test_run_link_and_no_changes(fixtures: Path, grafana: str) -> None:
    assert "[this CI run](https://github.com/acme/grafana/actions/runs/42)" in grafana
    quiet = plan_report.render([load_plan(fixtures / "tf-refresh-only.json", "staging")])
    assert "No changes: Grafana matches the code." in quiet and "<details>" not in quiet


def test_a_large_plan_is_cut_under_githubs_limit_keeping_tables_and_warnings() -> None:
    plan = parse_plan(make_large_plan(1000), "large.json", "prod")
    report = plan_report.render([plan], run_url="https://ci.example/run/1")
    assert len(report) <= GITHUB_LIMIT
    assert "| 100 | 800 | 0 | 50 | 50 |" in report
    assert report.count("**destroy**") == plan_report.MAX_WARNINGS
    assert "- … and 10 more warnings" in report
    cut = re.search(r"Details of (\d+) resources were cut \(prod: \1\)", report)
    assert cut and int(cut.group(1)) > 0
    assert report.count("<details>") + int(cut.group(1)) == 950  # every changed resource: shown or counted
    assert report.count("<details>") == report.count("</details>")  # no section cut in half
    assert report.rstrip().endswith("</sub>")  # the footer survives


def test_large_plan_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    path.write_text(json.dumps(make_large_plan(1000)))
    assert len(load_plan(path, "prod").changes) == 1000


def test_drift_in_a_pr_plan_is_warned_about_but_not_provider_noise(fixtures: Path) -> None:
    data = json.loads((fixtures / "drift-refresh-only.json").read_text())
    report = plan_report.render([parse_plan(data, "p.json", "prod")])
    warning = next(line for line in report.splitlines() if "changed outside Terraform" in line)
    assert "**3 changed outside Terraform**" in warning and "`grafana_folder.legacy`" in warning
    assert "grafana_rule_group.slow" not in warning  # 60m → 1h is the provider's noise, not an edit
