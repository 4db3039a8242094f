"""The notification policy tree of every environment, as deployed, run through Alertmanager's own router (amtool).

The repository is synthesized and each stack's ``grafana_notification_policy``, contact points, mute timings and
message templates are read back from ``cdk.tf.json`` as an Alertmanager configuration (placeholder webhooks, no
secrets): what amtool checks is what Terraform would apply. `amtool check-config` checks the tree, the time intervals
and the message templates' syntax, and `amtool config routes test --verify.receivers` checks where each label set
of alerts/policies/routes.test.yaml and of every alert rule goes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from amtool_helpers import check_config, environment_names, receivers, render, routes_test, synthesize_repository
from grafana_as_code.alerting.alertmanager import contact_point_kinds

REPO = Path(__file__).resolve().parents[2]
TABLE = yaml.safe_load((REPO / "alerts" / "policies" / "routes.test.yaml").read_text())["cases"]
# Every environment that exists: adding environments/<name>.yaml adds its routing tests.
ENVIRONMENTS = tuple(sorted(p.stem for p in (REPO / "environments").glob("*.yaml")))


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize_repository(tmp_path_factory.mktemp("synth"))


@pytest.fixture(scope="module")
def configs(stacks: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("alertmanager")
    return {env: render(stacks, env, directory) for env in environment_names(stacks)}


@pytest.fixture(scope="module")
def integrations(stacks: Path) -> dict[str, dict[str, frozenset[str]]]:
    """Per environment, the integration kinds of each deployed contact point."""
    return {env: contact_point_kinds(json.loads((stacks / env / "cdk.tf.json").read_text()))
            for env in environment_names(stacks)}


def kinds(integrations: dict[str, frozenset[str]], names: list[str]) -> set[str]:
    return {kind for name in names for kind in integrations[name]}


def test_every_environment_has_a_policy_tree(configs: dict[str, Path]) -> None:
    assert sorted(configs) == list(ENVIRONMENTS)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_amtool_accepts_the_configuration_and_templates(configs: dict[str, Path], env: str) -> None:
    result = check_config(configs[env])
    assert result.returncode == 0, result.stdout + result.stderr
    assert " - 1 templates" in result.stdout  # the glob of the message templates was loaded and parsed


def test_amtool_rejects_a_broken_message_template(stacks: Path, tmp_path: Path) -> None:
    config = render(stacks, "dev", tmp_path)
    template = config.parent / "templates" / "slack.tmpl"
    template.write_text(template.read_text().replace("{{- end }}", "", 1))
    result = check_config(config)
    assert result.returncode != 0 and "slack.tmpl" in result.stdout + result.stderr


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("case", TABLE, ids=lambda c: ",".join(f"{k}={v}" for k, v in sorted(c["labels"].items())))
def test_routing_table(configs: dict[str, Path], integrations: dict, env: str, case: dict) -> None:
    result = routes_test(configs[env], case["labels"], case["receivers"])
    assert result.returncode == 0, f"expected {case['receivers']}, amtool: {result.stdout}{result.stderr}"
    if env in case.get("integrations", {}):
        assert kinds(integrations[env], case["receivers"]) == set(case["integrations"][env])


def test_a_wrong_expectation_fails(configs: dict[str, Path]) -> None:
    """The harness itself: amtool must fail when the receivers differ from the expectation."""
    result = routes_test(configs["prod"], {"severity": "critical", "system": "ava"}, ["team-slack"])
    assert result.returncode != 0


def rule_label_sets() -> list[dict[str, str]]:
    found = {}
    for path in sorted((REPO / "alerts" / "rules").glob("*.yaml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    labels = {k: rule["labels"][k] for k in ("severity", "system", "team")}
                    found[tuple(sorted(labels.items()))] = labels
    return [found[key] for key in sorted(found)]


RULE_LABELS = rule_label_sets()


def test_the_rules_give_label_sets_of_every_severity() -> None:
    assert {labels["severity"] for labels in RULE_LABELS} == {"critical", "warning", "info"}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alert_rule_reaches_the_right_kind_of_receiver(configs: dict[str, Path], integrations: dict,
                                                              env: str) -> None:
    """critical pages (PagerDuty) in prod and is never only in a summary; warnings and info never page; every alert
    reaches Slack at once and the daily summary."""
    problems = []
    for labels in RULE_LABELS:
        reached = receivers(configs[env], labels)
        reached_kinds = kinds(integrations[env], [r for r in reached if r != "ops-email"])
        pages = "pagerduty" in reached_kinds
        if labels["severity"] == "critical" and pages != (env == "prod"):
            problems.append(f"{labels} -> {reached}: critical must page in prod only")
        if labels["severity"] == "critical" and "oncall" not in reached:
            problems.append(f"{labels} -> {reached}: critical must reach oncall")
        if labels["severity"] != "critical" and pages:
            problems.append(f"{labels} -> {reached}: only critical alerts page")
        if "slack" not in reached_kinds:
            problems.append(f"{labels} -> {reached}: never reaches Slack")
        if "ops-email" not in reached:
            problems.append(f"{labels} -> {reached}: missing from the daily summary")
    assert problems == []
