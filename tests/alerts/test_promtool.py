"""Content checks of the alert rules, run through the real Prometheus rule engine: `promtool check rules` and
`promtool test rules`, one parametrized case per rule file present (the repository's, or CONTENT_ROOT's).

Every rule file must have its unit tests in alerts/tests/<name>.test.yaml with, for every alert, at least one case
where it fires and one where it stays silent; every alert carries the labels the policy tree routes on.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from project_copy import content_root

ROOT = content_root()
RULES = sorted((ROOT / "alerts" / "rules").glob("*.yaml"))
TESTS = ROOT / "alerts" / "tests"
ROUTING_LABELS = ("severity", "system", "team")  # alerts/README.md, Conventions: every alert has exactly these
SEVERITIES = ("critical", "warning", "info")


def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is not installed: run `make system-tools` (Debian package prometheus)"
    return path


def unit_tests_of(rules: Path) -> Path:
    path = TESTS / f"{rules.stem}.test.yaml"
    assert path.is_file(), f"{rules.name} has no unit tests: write {path.relative_to(ROOT)} (alerts/README.md)"
    return path



def alerts_of(rules: Path) -> list[dict]:
    document = yaml.safe_load(rules.read_text()) or {}
    return [rule for group in document.get("groups") or [] for rule in group.get("rules") or []
            if isinstance(rule, dict) and "alert" in rule]


def test_there_are_rule_files() -> None:
    assert RULES, "no rule files under alerts/rules"


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_rules_pass_promtool_check(rules: Path) -> None:
    result = subprocess.run([promtool(), "check", "rules", str(rules)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_rules_pass_their_unit_tests(rules: Path) -> None:
    tests = unit_tests_of(rules)
    result = subprocess.run([promtool(), "test", "rules", tests.name], cwd=TESTS, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_every_alert_has_a_firing_and_a_silent_case(rules: Path) -> None:
    alerts = {rule["alert"] for rule in alerts_of(rules)}
    tests = (yaml.safe_load(unit_tests_of(rules).read_text()) or {}).get("tests") or []
    fires: set[str] = set()
    silent: set[str] = set()
    for case in tests:
        for check in case.get("alert_rule_test", []):
            (fires if check.get("exp_alerts") else silent).add(check["alertname"])
    assert sorted(alerts - fires) == [], "alerts never tested firing"
    assert sorted(alerts - silent) == [], "alerts never tested staying silent"


@pytest.mark.parametrize("rules", RULES, ids=lambda p: p.name)
def test_every_alert_has_the_routing_labels(rules: Path) -> None:
    """The policy tree routes on these; an alert without them reaches only the root's default (alerts/README.md)."""
    problems = []
    for rule in alerts_of(rules):
        labels = rule.get("labels") or {}
        missing = [name for name in ROUTING_LABELS if name not in labels]
        if missing:
            problems.append(f"{rules.name}: {rule['alert']}: no {', '.join(missing)} label (every alert has "
                            f"{', '.join(ROUTING_LABELS)})")
        elif labels["severity"] not in SEVERITIES:
            problems.append(f"{rules.name}: {rule['alert']}: severity {labels['severity']!r} is not one of "
                            f"{', '.join(SEVERITIES)}")
    assert problems == []


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
