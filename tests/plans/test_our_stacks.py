"""plan-report and drift-report on plans of synthesized stacks (the fixture project's, tests/fixtures/project-minimal),
not only on hand-written plan fixtures.

The stack's resources become a plan in Terraform's JSON format the way Terraform would show them: a first deploy
(everything created; references to other resources known only after apply; values from sensitive variables
marked sensitive), then a second plan where one alert threshold and one dashboard query changed.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from grafana_as_code.plans import drift_report, plan_report
from grafana_as_code.plans.model import parse_plan

from plan_helpers import section

PROVIDER = "registry.terraform.io/grafana/grafana"
VARIABLE = re.compile(r"^\$\{var\.([a-z0-9_]+)\}$")


@pytest.fixture(scope="module")
def stack(fixture_synth) -> dict[str, Any]:
    return json.loads((fixture_synth / "stacks" / "prod" / "cdk.tf.json").read_text())


def planned(value: Any) -> tuple[Any, Any, Any]:
    """(value, after_unknown, after_sensitive) of one configured value, as Terraform plans a create."""
    if isinstance(value, dict):
        parts = {k: planned(v) for k, v in value.items() if k != "//"}
        return ({k: p[0] for k, p in parts.items()}, {k: p[1] for k, p in parts.items() if p[1]},
                {k: p[2] for k, p in parts.items() if p[2]})
    if isinstance(value, list):
        parts = [planned(v) for v in value]
        return [p[0] for p in parts], [p[1] or False for p in parts], [p[2] or False for p in parts]
    if isinstance(value, str) and VARIABLE.match(value):
        return f"SECRET-{VARIABLE.match(value).group(1)}", False, True
    if isinstance(value, str) and "${" in value.replace("$${", ""):
        return None, True, False  # a reference to another resource: known after apply
    if isinstance(value, str):  # Terraform shows the literal text: $${var} was Grafana's ${var}
        return value.replace("$${", "${").replace("%%{", "%{"), False, False
    return value, False, False


def plan_of(stack: dict[str, Any], before: dict[str, Any] | None = None) -> dict[str, Any]:
    changes = []
    for kind, resources in sorted(stack["resource"].items()):
        for name, config in sorted(resources.items()):
            after, unknown, sensitive = planned(config)
            old = None if before is None else planned(before["resource"][kind][name])
            actions = ["create"] if old is None else (["no-op"] if old[0] == after else ["update"])
            changes.append({"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                            "provider_name": PROVIDER,
                            "change": {"actions": actions, "before": old and old[0], "after": after,
                                       "after_unknown": {} if old else unknown,
                                       "before_sensitive": old[2] if old else False, "after_sensitive": sensitive}})
    variables = {name: {"value": f"SECRET-{name}"} for name in stack.get("variable", {})}
    return {"format_version": "1.2", "terraform_version": "1.11.4", "variables": variables,
            "resource_changes": changes}


def test_first_deploy_of_prod(stack: dict[str, Any]) -> None:
    plan = parse_plan(plan_of(stack), "prod.json", "prod")
    report = plan_report.render([plan])
    total = sum(len(resources) for resources in stack["resource"].values())
    assert re.search(rf"\| {total} \| 0 \| 0 \| 0 \| 0 \|", report), report[:600]
    assert "SECRET-" not in report  # sensitive values and the plan's variables never reach the comment
    assert "notification policy" in report  # the whole routing tree is written: said first
    assert len(report) < 65536


def test_a_threshold_and_a_query_change_are_short_and_readable(stack: dict[str, Any]) -> None:
    changed = copy.deepcopy(stack)
    groups = changed["resource"]["grafana_rule_group"]
    (group_name,) = [key for key, group in groups.items() if group["name"] == "shop-availability"]
    rule = next(r for r in groups[group_name]["rule"] if r["name"] == "HighErrorRate")
    condition = json.loads(rule["data"][1]["model"])
    assert condition["conditions"][0]["evaluator"]["params"] == [0.05]
    condition["conditions"][0]["evaluator"]["params"] = [0.02]
    rule["data"][1]["model"] = json.dumps(condition)
    dashboard = changed["resource"]["grafana_dashboard"]["checkout"]
    config = json.loads(dashboard["config_json"])
    target = config["panels"][1]["targets"][0]
    assert target["expr"].count("[$__rate_interval]") == 2
    target["expr"] = target["expr"].replace("[$__rate_interval]", "[10m]", 1)
    dashboard["config_json"] = json.dumps(config)
    report = plan_report.render([parse_plan(plan_of(changed, before=stack), "prod.json", "prod")])
    total = sum(len(resources) for resources in stack["resource"].values())
    assert re.search(rf"\| 0 \| 2 \| 0 \| 0 \| {total - 2} \|", report), report[:600]
    rule_lines = section(report, f"grafana_rule_group.{group_name}")
    assert any("0.05" in line and "0.02" in line for line in rule_lines), rule_lines
    dashboard_lines = section(report, "grafana_dashboard.checkout")
    assert len(dashboard_lines) <= 5 and any("[10m]" in line for line in dashboard_lines), dashboard_lines
    assert "SECRET-" not in report


def test_no_drift_when_grafana_matches_the_code(stack: dict[str, Any]) -> None:
    plan = parse_plan(plan_of(stack, before=stack), "prod.json", "prod")
    _, drifted = drift_report.render([plan])
    assert drifted is False
