"""Drift: UI edits and deletions told apart from the provider's permanent-diff noise; exit codes 0/2."""
from __future__ import annotations

from pathlib import Path

import pytest

from grafana_as_code.plans import drift_report
from grafana_as_code.plans.attribute_diff import diff_values
from grafana_as_code.plans.findings import Finding
from grafana_as_code.plans.model import load_plan
from grafana_as_code.plans.noise import reason, seconds, split
from plan_helpers import SECRETS, run


def items(fixtures: Path, name: str) -> dict[str, drift_report.DriftItem]:
    return {item.address: item for item in drift_report.analyse(load_plan(fixtures / name, "prod"))}


def test_refresh_only_plan_separates_drift_from_noise(fixtures: Path) -> None:
    found = items(fixtures, "drift-refresh-only.json")
    drifted = {address for address, item in found.items() if item.is_drift}
    assert drifted == {"grafana_dashboard.api", "grafana_folder.legacy", "grafana_rule_group.api_latency"}
    assert "deleted outside Terraform" in found["grafana_folder.legacy"].how
    assert [f.note for f in found["grafana_dashboard.api"].real] == ["retitled to “Requests (edited in UI)”"]
    reasons = {address: {why for _, why in item.noise} for address, item in found.items() if not item.is_drift}
    assert "equal durations (60m = 1h)" in reasons["grafana_rule_group.slow"]
    assert "a default the provider strips from rule models" in reasons["grafana_rule_group.slow"]
    assert any("schema" in why or "migrated" in why for why in reasons["grafana_dashboard.latency"])
    assert any("another case" in why for why in reasons["grafana_data_source.mimir"])


def test_normal_plan_merges_drift_with_the_planned_fix(fixtures: Path) -> None:
    found = items(fixtures, "drift-normal-plan.json")
    assert list(found) == ["grafana_folder.legacy"]
    assert found["grafana_folder.legacy"].how.startswith("deleted outside Terraform")
    assert "the next apply creates it" in found["grafana_folder.legacy"].how


@pytest.mark.parametrize("name, code", [("drift-refresh-only.json", 2), ("drift-noise-only.json", 0),
                                        ("drift-normal-plan.json", 2), ("tf-refresh-only.json", 0),
                                        ("grafana-changes.json", 2)])
def test_exit_code_is_like_detailed_exitcode(fixtures: Path, name: str, code: int) -> None:
    result = run("drift-report", f"prod={fixtures / name}")
    assert result.returncode == code, result.stderr
    assert result.stdout.startswith("<!-- grafana-as-code:drift-report:prod -->")
    assert ("No drift" in result.stdout) == (code == 0)
    for secret in SECRETS:
        assert secret not in result.stdout


def test_output_file_for_the_issue_body(fixtures: Path, tmp_path: Path) -> None:
    out = tmp_path / "drift.md"
    result = run("drift-report", f"prod={fixtures / 'drift-refresh-only.json'}", "--output", str(out),
                 "--run-url", "https://github.com/acme/grafana/actions/runs/7")
    assert result.returncode == 2 and result.stdout == ""
    text = out.read_text()
    assert "| 3 | 3 |" in text and "[this run](https://github.com/acme/grafana/actions/runs/7)" in text
    assert "evaluator.params: `[1]` → `[5]`" in text


@pytest.mark.parametrize("before, after, noisy", [
    ("60m", "1h", True), ("90m", "1h30m", True), ("0", "0s", True), ("5m", "10m", False),
    ("", None, True), ({}, None, True), ("text ", "text", True), ("a", "b", False),
])
def test_noise_rules(before: object, after: object, noisy: bool) -> None:
    assert (reason("grafana_rule_group", Finding("x", before, after, path=("x",))) is not None) == noisy


def test_an_added_or_removed_object_in_a_rule_model_is_compared_not_hashed() -> None:
    """A whole object (not a scalar) added to a model is a real difference, never a crash (was a TypeError)."""
    added = Finding(label="intervalMs", path=("rule", "data", "model", "intervalMs"), after={"nested": 1})
    default = Finding(label="intervalMs", path=("rule", "data", "model", "intervalMs"), after=1000)
    assert reason("grafana_rule_group", added) is None
    assert reason("grafana_rule_group", default) == "a default the provider strips from rule models"


def test_json_key_order_and_whitespace_are_noise_but_content_is_not() -> None:
    reordered = diff_values({"model": '{"a": 1, "b": 2}'}, {"model": '{\n  "b": 2,\n  "a": 1\n}'})
    assert [f.reformatted for f in reordered] == [True]
    real, noise = split("grafana_rule_group", diff_values({"model": '{"a": 1}'}, {"model": '{"a": 2}'}))
    assert [f.label for f in real] == ["model.a"] and noise == []


def test_durations_parse() -> None:
    assert seconds("1h30m") == 5400 and seconds("250ms") == 0.25 and seconds("soon") is None
