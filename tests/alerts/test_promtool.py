"""Alert rules run through the real Prometheus rule engine: `promtool check rules` and `promtool test rules`.

Every alert must have a unit test in alerts/tests/<file>.test.yaml with at least one case where it fires and one
where it must stay silent.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
RULES = sorted((REPO / "alerts" / "rules").glob("*.yaml"))
TESTS = REPO / "alerts" / "tests"


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is not installed: run `make system-tools` (Debian package prometheus)"
    return path


def test_there_are_rule_files() -> None:
    assert RULES, "no rule files under alerts/rules"


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_rules_pass_promtool_check(rules: Path) -> None:
    result = subprocess.run([promtool(), "check", "rules", str(rules)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_rules_pass_their_unit_tests(rules: Path) -> None:
    test_file = TESTS / f"{rules.stem}.test.yaml"
    assert test_file.is_file(), f"{rules.name} has no unit tests at {test_file.relative_to(REPO)}"
    result = subprocess.run([promtool(), "test", "rules", test_file.name], cwd=TESTS, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_every_alert_has_a_firing_and_a_silent_case(rules: Path) -> None:
    alerts = {rule["alert"] for group in yaml.safe_load(rules.read_text())["groups"]
              for rule in group["rules"] if "alert" in rule}
    tests = yaml.safe_load((TESTS / f"{rules.stem}.test.yaml").read_text())["tests"]
    fires: set[str] = set()
    silent: set[str] = set()
    for case in tests:
        for check in case.get("alert_rule_test", []):
            (fires if check.get("exp_alerts") else silent).add(check["alertname"])
    assert sorted(alerts - fires) == [], "alerts never tested firing"
    assert sorted(alerts - silent) == [], "alerts never tested staying silent"


def test_a_broken_expectation_is_caught(tmp_path: Path) -> None:
    """The harness itself: a wrong expected label must make promtool fail."""
    rules = tmp_path / "r.yaml"
    rules.write_text("groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 1m\n"
                     "    labels: {severity: critical}\n")
    test = tmp_path / "r.test.yaml"
    test.write_text("rule_files: [r.yaml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n"
                    "  input_series:\n  - series: 'up{job=\"a\"}'\n    values: '0x5'\n"
                    "  alert_rule_test:\n  - eval_time: 3m\n    alertname: Down\n    exp_alerts:\n"
                    "    - exp_labels: {severity: warning, job: a}\n")
    result = subprocess.run([promtool(), "test", "rules", test.name], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
