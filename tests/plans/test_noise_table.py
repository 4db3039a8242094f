"""The noise list (plans/noise.py): what each row is kept for, which rows our stacks can still produce, and that
a *planned* difference that only looks like noise is reported as a permanent diff, never hidden."""
from __future__ import annotations

import copy
from pathlib import Path

from grafana_as_code.plans import drift_report
from grafana_as_code.plans.model import parse_plan
from grafana_as_code.plans.noise import OUR_STACKS_CAN_PRODUCE, RULES
from grafana_as_code.readback import READ_BACK

from plan_helpers import run, write_plan

PROVIDER = "registry.terraform.io/grafana/grafana"


def test_every_row_says_why_and_what_keeps_it_out_of_our_plans() -> None:
    rows = {row.name for row in READ_BACK}
    for rule in RULES:
        assert rule.cause
        assert set(rule.prevented_by) <= rows, rule.name  # a named read-back row exists (and is tested there)
    # Goal: none. Today one row remains, and it depends on Grafana (12.0.0 migrated dashboards on read).
    assert OUR_STACKS_CAN_PRODUCE == ("Grafana-managed dashboard fields",)


def _policy_plan(before_interval: str, after_interval: str, drift: bool) -> dict:
    policy = {"contact_point": "team-slack", "group_by": ["alertname"], "group_interval": "5m",
              "policy": [{"contact_point": "ops-email", "group_interval": "1h", "repeat_interval": before_interval}]}
    after = copy.deepcopy(policy)
    after["policy"][0]["repeat_interval"] = after_interval
    change = {"address": "grafana_notification_policy.policy", "mode": "managed",
              "type": "grafana_notification_policy", "name": "policy", "provider_name": PROVIDER,
              "change": {"actions": ["update"], "before": policy, "after": after, "after_unknown": {},
                         "before_sensitive": {}, "after_sensitive": {}}}
    return {"format_version": "1.2", "terraform_version": "1.11.4",
            "resource_drift" if drift else "resource_changes": [change],
            **({"resource_changes": []} if drift else {})}


def test_a_planned_duration_respelling_is_a_permanent_diff_not_noise(tmp_path: Path) -> None:
    # state holds what Grafana returned (1d); the code says 24h: Terraform plans an update on every run
    plan = parse_plan(_policy_plan("1d", "24h", drift=False), "plan.json", "prod")
    (item,) = drift_report.analyse(plan)
    assert item.is_drift and item.permanent and "permanent diff" in item.how and "equal durations" in item.how
    result = run("drift-report", f"prod={write_plan(tmp_path / 'plan.json', _policy_plan('1d', '24h', False))}")
    assert result.returncode == 2 and "permanent diff" in result.stdout


def test_the_same_respelling_between_two_grafana_answers_is_noise(tmp_path: Path) -> None:
    plan = parse_plan(_policy_plan("24h", "1d", drift=True), "plan.json", "prod")
    (item,) = drift_report.analyse(plan)
    assert not item.is_drift and [why for _, why in item.noise] == ["equal durations (24h = 1d)"]
    result = run("drift-report", f"prod={write_plan(tmp_path / 'plan.json', _policy_plan('24h', '1d', True))}")
    assert result.returncode == 0, result.stdout
