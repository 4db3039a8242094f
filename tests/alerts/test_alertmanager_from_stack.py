"""Reading a synthesized stack's notification resources back as an Alertmanager configuration (the amtool input).

A small hand-written stack in Terraform JSON, shaped as the provider's schema has it, so every rule of the reading
is pinned independently of the repository's own alerts/ content.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from amtool_helpers import check_config, routes_test
from grafana_as_code.alerting.alertmanager import alertmanager_config, contact_point_kinds, write_alertmanager_config

STACK = {
    "resource": {
        "grafana_contact_point": {
            "pager": {"name": "pager", "lifecycle": {"prevent_destroy": False},
                      "pagerduty": [{"integration_key": "${var.key}"}], "slack": [{"recipient": "#x"}]},
            "chat": {"name": "chat", "depends_on": ["grafana_message_template.t"], "slack": [{"recipient": "#y"}]},
        },
        "grafana_mute_timing": {
            "nightly": {"name": "nightly", "intervals": [{"times": [{"start": "02:00", "end": "04:00"}],
                                                          "weekdays": ["sunday"], "location": "UTC"}]},
        },
        "grafana_message_template": {
            "t": {"name": "t", "template": '{{ define "t.title" }}$${literal} %%{x}{{ end }}'},
        },
        "grafana_notification_policy": {
            "policy": {
                "contact_point": "${grafana_contact_point.chat.name}",
                "group_by": ["alertname"],
                "group_wait": "30s",
                "repeat_interval": "4h",
                "policy": [
                    {"contact_point": "${grafana_contact_point.chat.name}", "continue": True,
                     "matcher": [{"label": "severity", "match": "=~", "value": "critical|warning"}]},
                    {"contact_point": "${grafana_contact_point.pager.name}",
                     "matcher": [{"label": "severity", "match": "=", "value": "critical"}],
                     "mute_timings": ["${grafana_mute_timing.nightly.name}"],
                     "policy": [{"matcher": [{"label": "team", "match": "!=", "value": "db \"a\""}],
                                 "group_interval": "1d"}]},
                ],
            },
        },
    },
}


def test_the_tree_is_read_with_references_resolved() -> None:
    config = alertmanager_config(STACK)
    assert config["route"] == {
        "receiver": "chat", "group_by": ["alertname"], "group_wait": "30s", "repeat_interval": "4h",
        "routes": [
            {"receiver": "chat", "matchers": ['severity=~"critical|warning"'], "continue": True},
            {"receiver": "pager", "matchers": ['severity="critical"'], "mute_time_intervals": ["nightly"],
             "routes": [{"matchers": ['team!="db \\"a\\""'], "group_interval": "1d"}]},
        ],
    }
    assert [r["name"] for r in config["receivers"]] == ["chat", "pager"]
    assert config["time_intervals"] == [{"name": "nightly", "time_intervals": [
        {"times": [{"start_time": "02:00", "end_time": "04:00"}], "weekdays": ["sunday"], "location": "UTC"}]}]


def test_integration_kinds_are_the_contact_points_blocks() -> None:
    assert contact_point_kinds(STACK) == {"pager": {"pagerduty", "slack"}, "chat": {"slack"}}


def test_template_escapes_are_undone_as_terraform_reads_them(tmp_path: Path) -> None:
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(STACK))
    config = write_alertmanager_config(stack, tmp_path / "am")
    assert (tmp_path / "am" / "templates" / "t.tmpl").read_text() == '{{ define "t.title" }}${literal} %{x}{{ end }}'
    assert yaml.safe_load(config.read_text())["templates"] == [str(tmp_path / "am" / "templates" / "*.tmpl")]


def test_amtool_routes_the_hand_written_stack(tmp_path: Path) -> None:
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(STACK))
    config = write_alertmanager_config(stack, tmp_path / "am")
    assert check_config(config).returncode == 0
    assert routes_test(config, {"severity": "critical"}, ["chat", "pager"]).returncode == 0
    assert routes_test(config, {"severity": "info"}, ["chat"]).returncode == 0


def test_a_lost_continue_changes_where_alerts_go(tmp_path: Path) -> None:
    """What the routing tests rely on: the deployed ``continue`` is what amtool sees."""
    broken = json.loads(json.dumps(STACK))
    del broken["resource"]["grafana_notification_policy"]["policy"]["policy"][0]["continue"]
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(broken))
    config = write_alertmanager_config(stack, tmp_path / "am")
    assert routes_test(config, {"severity": "critical"}, ["chat", "pager"]).returncode != 0


@pytest.mark.parametrize("reference", ["${grafana_contact_point.missing.name}", "${var.receiver}"])
def test_a_reference_that_cannot_be_read_offline_is_an_error(reference: str) -> None:
    broken = json.loads(json.dumps(STACK))
    broken["resource"]["grafana_notification_policy"]["policy"]["contact_point"] = reference
    with pytest.raises(ValueError, match=r"unresolvable reference|cannot evaluate"):
        alertmanager_config(broken)


def test_a_stack_without_exactly_one_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="expected one grafana_notification_policy in the stack, found 0"):
        alertmanager_config({"resource": {}})
