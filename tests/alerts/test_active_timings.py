"""Active time intervals (notify only inside a mute timing's intervals): on policy routes and on a rule's own
notification settings, deployed where Grafana has them (12.1) and refused, naming file, field and environment, where
an older Grafana would ignore them and notify at all times.

Machinery tests, on copies of the fixture project (dev runs Grafana 11.6, prod 12.1).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.alertmanager import alertmanager_config
from grafana_as_code.errors import UserError
from grafana_as_code.project import load_project
from project_copy import copy_fixture_project, edit, run_cli

BUSINESS_HOURS = "routes:\n  - match: {team: web, severity: warning}\n    contact_point: oncall\n    active_timings: [night]\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def message(root: Path, environments: list[str]) -> str:
    with pytest.raises(UserError) as caught:
        load_project(root, environments)
    return str(caught.value)


def test_a_route_notifies_only_inside_its_active_timings(tree: Path, tmp_path: Path) -> None:
    (tree / "alerts" / "policies" / "team-web.yaml").write_text(BUSINESS_HOURS)
    result = run_cli(tree, "synth", "--env", "prod")
    assert result.returncode == 0, result.stderr
    stack = json.loads((tree / "cdktf.out" / "stacks" / "prod" / "cdk.tf.json").read_text())
    routes = stack["resource"]["grafana_notification_policy"]["policy"]["policy"]
    (web,) = [r for r in routes if {"label": "team", "match": "=", "value": "web"} in r["matcher"]]
    assert web["active_timings"] == ["${grafana_mute_timing.night.name}"] and "mute_timings" not in web
    # Alertmanager reads it as an active time interval, and its configuration holds (amtool check-config)
    config = alertmanager_config(stack)
    (route,) = [r for r in config["route"]["routes"] if 'team="web"' in r.get("matchers", [])]
    assert route["active_time_intervals"] == ["night"]
    amtool = shutil.which("amtool")
    assert amtool, "amtool is not installed: run `make system-tools` (Debian package prometheus-alertmanager)"
    (tmp_path / "am.yaml").write_text(yaml.safe_dump(config))
    check = subprocess.run([amtool, "check-config", str(tmp_path / "am.yaml")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_before_grafana_12_1_a_route_with_active_timings_is_refused(tree: Path) -> None:
    (tree / "alerts" / "policies" / "team-web.yaml").write_text(BUSINESS_HOURS)
    assert message(tree, ["dev"]) == (
        "alerts/policies/team-web.yaml: routes[0].active_timings: the route {severity=\"warning\", team=\"web\"} uses active_timings, which "
        "needs Grafana 12.1; environment 'dev' runs Grafana 11.6 (environments/dev.yaml: grafana.version). Older "
        "versions ignore it silently, so it would notify at all times; remove it, or use mute_timings for the hours "
        "outside")


def test_an_unknown_active_timing_names_its_place(tree: Path) -> None:
    (tree / "alerts" / "policies" / "team-web.yaml").write_text(BUSINESS_HOURS.replace("[night]", "[office-hours]"))
    assert message(tree, ["prod"]) == ("alerts/policies/team-web.yaml: routes[0].active_timings[0]: unknown mute "
                                       "timing 'office-hours' in environment 'prod' (known: night)")


def test_before_grafana_12_1_a_rules_active_timings_are_refused(tree: Path) -> None:
    edit(tree / "alerts" / "grafana" / "shop.yaml", "    dashboard: {uid: checkout, panel: Error ratio}\n",
         "    dashboard: {uid: checkout, panel: Error ratio}\n"
         "    notification_settings: {contact_point: oncall, active_timings: [night]}\n")
    assert load_project(tree, ["prod"]).catalogs  # 12.1: deployed
    assert message(tree, ["dev"]).startswith(
        "alerts/grafana/shop.yaml: rules.HighErrorRate.notification_settings.active_timings: rule 'HighErrorRate' "
        "uses active_timings, which needs Grafana 12.1; environment 'dev' runs Grafana 11.6")
