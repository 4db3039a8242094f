"""The notification policy tree of every environment, as deployed, run through Alertmanager's own router (amtool).

The repository is synthesized and each stack's ``grafana_notification_policy``, contact points, mute timings and
message templates are read back from ``cdk.tf.json`` as an Alertmanager configuration (placeholder webhooks, no
secrets): what amtool checks is what Terraform would apply. `amtool check-config` checks the tree, the time intervals
and the message templates' syntax, and `amtool config routes test --verify.receivers` checks where each label set
of alerts/policies/routes.test.yaml and of every alert rule goes. Content checks: environments, cases and rules are
read from the files present (the repository's, or CONTENT_ROOT's); a file that cannot be read fails a check with a
message, never the collection.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from amtool_helpers import check_config, environment_names, receivers, render, routes_test
from grafana_as_code.alerting.alertmanager import contact_point_kinds
from grafana_as_code.environment import load_environment
from project_copy import content_root, edit

ROOT = content_root()
TABLE_FILE = ROOT / "alerts" / "policies" / "routes.test.yaml"
# Every environment that exists: adding environments/<name>.yaml adds its routing tests.
ENVIRONMENTS = tuple(sorted(p.stem for p in (ROOT / "environments").glob("*.yaml")))
ROUTING_LABELS = ("severity", "system", "team")


def routing_table() -> list[dict]:
    """The cases of routes.test.yaml; a file that cannot be read gives one case that fails with the reason."""
    try:
        cases = (yaml.safe_load(TABLE_FILE.read_text()) or {}).get("cases")
        assert isinstance(cases, list) and all(isinstance(c, dict) and isinstance(c.get("labels"), dict)
                                               and "receivers" in c for c in cases), \
            "expected cases: a list of {labels, receivers}"
        return cases
    except (OSError, yaml.YAMLError, AssertionError, AttributeError) as error:
        return [{"labels": {"unreadable": "routes.test.yaml"}, "problem": f"{TABLE_FILE}: {error}"}]


TABLE = routing_table()


@pytest.fixture(scope="module")
def stacks(content_synth: Path) -> Path:
    """The content's synthesized stacks (one synthesis shared with the other content checks)."""
    return content_synth / "stacks"


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


def test_amtool_rejects_a_broken_message_template(fixture_synth: Path, tmp_path: Path) -> None:
    """The harness itself, on the fixture project's stacks: a broken template must make amtool fail."""
    config = render(fixture_synth / "stacks", "dev", tmp_path)
    template = config.parent / "templates" / "slack.tmpl"
    edit(template, "{{- end }}", "")
    result = check_config(config)
    assert result.returncode != 0 and "slack.tmpl" in result.stdout + result.stderr


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("case", TABLE, ids=lambda c: ",".join(f"{k}={v}" for k, v in sorted(c["labels"].items())))
def test_routing_table(configs: dict[str, Path], integrations: dict, env: str, case: dict) -> None:
    assert "problem" not in case, case.get("problem")
    result = routes_test(configs[env], case["labels"], case["receivers"])
    assert result.returncode == 0, f"expected {case['receivers']}, amtool: {result.stdout}{result.stderr}"
    if env in case.get("integrations", {}):
        assert kinds(integrations[env], case["receivers"]) == set(case["integrations"][env])


def test_a_wrong_expectation_fails(configs: dict[str, Path]) -> None:
    """The harness itself: amtool must fail when the receivers differ from the expectation."""
    config = configs[ENVIRONMENTS[0]]
    reached = receivers(config, {"severity": "critical"})
    result = routes_test(config, {"severity": "critical"}, [*reached, "not-a-contact-point"])
    assert result.returncode != 0


def rule_label_sets() -> tuple[list[dict[str, str]], list[str]]:
    """The distinct routing label sets of every alert rule, and the alerts that lack one of those labels (reported by
    the test below, never a crash at collection)."""
    found: dict[tuple, dict[str, str]] = {}
    incomplete = []
    for path in sorted((ROOT / "alerts" / "rules").glob("*.yaml")):
        for group in (yaml.safe_load(path.read_text()) or {}).get("groups") or []:
            for rule in group.get("rules") or []:
                if "alert" not in rule:
                    continue
                labels = {k: str(v) for k, v in (rule.get("labels") or {}).items() if k in ROUTING_LABELS}
                if len(labels) < len(ROUTING_LABELS):
                    incomplete.append(f"{path.name}: {rule['alert']}: lacks "
                                      f"{', '.join(k for k in ROUTING_LABELS if k not in labels)}")
                found[tuple(sorted(labels.items()))] = labels
    return [found[key] for key in sorted(found)], incomplete


def pages_in(env: str) -> bool:
    """Whether the environment pages on-call (`contacts.pagerduty` in its file)."""
    return load_environment(ROOT / "environments" / f"{env}.yaml").contacts.pagerduty


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alert_rule_reaches_the_right_kind_of_receiver(configs: dict[str, Path], integrations: dict,
                                                              env: str) -> None:
    """critical pages (PagerDuty) where the environment has it (`contacts.pagerduty`) and is never only in a summary;
    warnings and info never page; every alert reaches Slack at once and the daily summary."""
    label_sets, incomplete = rule_label_sets()
    problems = [f"{alert}: cannot be routed by severity, system and team" for alert in incomplete]
    for labels in label_sets:
        reached = receivers(configs[env], labels)
        reached_kinds = kinds(integrations[env], [r for r in reached if r != "ops-email"])
        pages = "pagerduty" in reached_kinds
        severity = labels.get("severity")
        if severity == "critical" and pages != pages_in(env):
            problems.append(f"{labels} -> {reached}: critical must page exactly where contacts.pagerduty is true")
        if severity == "critical" and "oncall" not in reached:
            problems.append(f"{labels} -> {reached}: critical must reach oncall")
        if severity != "critical" and pages:
            problems.append(f"{labels} -> {reached}: only critical alerts page")
        if "slack" not in reached_kinds:
            problems.append(f"{labels} -> {reached}: never reaches Slack")
        if "ops-email" not in reached:
            problems.append(f"{labels} -> {reached}: missing from the daily summary")
    assert problems == []
