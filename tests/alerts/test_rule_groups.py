"""Grafana-managed rule groups: what the stacks declare, and that it fires exactly like the Prometheus rules.

The fidelity test reads the Grafana rules back as Prometheus would evaluate them (query A, then the condition C
applied to it) and runs every promtool unit test of alerts/tests against that reading: the same series must fire
with the same labels and annotations, and the same cases must stay silent.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.rule_groups import GrafanaRule, GrafanaRuleGroup, rule_uid
from grafana_as_code.project import Catalog, load_project

from project_copy import REPO

_MATH = re.compile(r"^(is_nan\(\$A\) == 0 && )?\$A (==|!=|>=|<=|>|<) (\S+)$")
_THRESHOLD_OPS = {"gt": ">", "lt": "<"}


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {c.env.name: c for c in load_project(REPO).catalogs}


def promql_of(rule: GrafanaRule) -> str:
    """The Grafana rule as one PromQL expression: query A filtered by condition C, with Grafana's NaN semantics.

    An unguarded math comparison yields NaN for a NaN sample, and a NaN condition is Alerting in Grafana
    (pkg/expr/mathexp/exp.go binaryOp, pkg/services/ngalert/eval/eval.go): read back as ``… or (A != A)``, so a
    promtool case with a NaN or zero-traffic series fails if a translation would fire where Prometheus does not.
    The threshold (Grafana >= 11.1) and the ``is_nan($A) == 0 &&`` guard compare NaN as false, like Prometheus.
    """
    query, condition = (json.loads(d["model"]) for d in rule.data)
    assert query["instant"] is True and query["refId"] == "A" and condition["refId"] == rule.condition == "C"
    if condition["type"] == "threshold":
        assert condition["expression"] == "A"
        (evaluator,) = [c["evaluator"] for c in condition["conditions"]]
        return f"({query['expr']}) {_THRESHOLD_OPS[evaluator['type']]} {evaluator['params'][0]!r}"
    assert condition["type"] == "math"
    if condition["expression"] == "$A == $A || $A != $A":
        return query["expr"]  # every series of A fires
    guard, op, number = _MATH.match(condition["expression"]).groups()
    if guard:
        return f"({query['expr']}) {op} {number}"
    return f"({query['expr']}) {op} {number} or ({query['expr']}) != ({query['expr']})"


def prometheus_rule(rule: GrafanaRule, env_labels: dict[str, str]) -> dict:
    if rule.record is not None:  # a recording rule: its query written under its metric name
        from rule_readback import prometheus_rule as recorded
        return recorded(rule, env_labels)
    annotations = {k: v.replace("$values.A.Value", "$value") for k, v in rule.annotations.items()
                   if k not in ("__dashboardUid__", "__panelId__")}
    out = {"alert": rule.title, "expr": promql_of(rule),
           "labels": {k: v for k, v in rule.labels.items() if k not in env_labels}, "annotations": annotations}
    if rule.for_:
        out["for"] = rule.for_
    if rule.keep_firing_for:
        out["keep_firing_for"] = rule.keep_firing_for
    return out


def test_every_alert_becomes_a_grafana_rule(catalogs: dict[str, Catalog]) -> None:
    for name, catalog in catalogs.items():
        titles = {(g.file, r.title) for g in catalog.rule_groups for r in g.rules}
        expected = {(f"alerts/rules/{p.name}", rule.get("alert", rule.get("record")))
                    for p in sorted((REPO / "alerts" / "rules").glob("*.yaml"))
                    for group in yaml.safe_load(p.read_text())["groups"] for rule in group["rules"]}
        assert titles == expected, name


def test_every_environment_evaluates_the_same_queries(catalogs: dict[str, Catalog]) -> None:
    """So the fidelity test below, run on prod, holds for every environment."""
    def queries(env: str) -> dict:
        return {(g.name, r.title): (r.data, r.condition, r.for_, r.keep_firing_for, dict(r.annotations))
                for g in catalogs[env].rule_groups for r in g.rules}
    assert queries("dev") == queries("staging") == queries("prod")


def test_grafana_rules_fire_exactly_like_the_prometheus_rules(catalogs: dict[str, Catalog], tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed: run `make system-tools` (Debian package prometheus)"
    catalog = catalogs["prod"]
    by_file: dict[str, list[GrafanaRuleGroup]] = {}
    for group in catalog.rule_groups:
        by_file.setdefault(group.file, []).append(group)
    (tmp_path / "rules").mkdir()
    shutil.copytree(REPO / "alerts" / "tests", tmp_path / "tests")
    for file, groups in by_file.items():
        document = {"groups": [{"name": g.name, "interval": f"{g.interval_seconds}s",
                                "rules": [prometheus_rule(r, dict(catalog.env.labels)) for r in g.rules]}
                               for g in groups]}
        (tmp_path / "rules" / Path(file).name).write_text(yaml.safe_dump(document, sort_keys=False))
    tests = sorted(p.name for p in (tmp_path / "tests").glob("*.test.yaml"))
    assert len(tests) == len(by_file) == 5
    result = subprocess.run([promtool, "test", "rules", *tests], cwd=tmp_path / "tests", capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_groups_in_the_stack(catalogs: dict[str, Catalog]) -> None:
    prod = catalogs["prod"]
    groups = {g.name: g for g in prod.rule_groups}
    assert len(groups) == 17
    availability = groups["intelliflow-availability"]
    assert availability.folder_uid == "intelliflow" and availability.interval_seconds == 30
    error_rate = next(r for r in availability.rules if r.title == "HighErrorRate")
    assert error_rate.uid == "intelliflow-high-error-rate"
    assert error_rate.for_ == "5m" and error_rate.keep_firing_for == "5m"
    assert dict(error_rate.labels) == {"environment": "prod", "severity": "critical", "system": "intelliflow",
                                       "team": "backend"}
    assert error_rate.annotations["__dashboardUid__"] == "error-overview"
    assert error_rate.annotations["__panelId__"] == "1"
    assert error_rate.no_data_state == "OK" and error_rate.exec_err_state == "Error"
    assert all(d["datasource_uid"] == "mimir" for g in prod.rule_groups if g.folder_uid == "pyairtable"
               for r in g.rules for d in r.data[:1])


def test_business_alerts_are_paused_in_dev_only(catalogs: dict[str, Catalog]) -> None:
    def paused(env: str) -> set[str]:
        return {g.name for g in catalogs[env].rule_groups if any(r.is_paused for r in g.rules)}
    assert paused("dev") == {"task057-business"}
    assert paused("prod") == paused("staging") == set()


def test_uids_are_stable_unique_and_short_enough(catalogs: dict[str, Catalog]) -> None:
    uids = [r.uid for g in catalogs["prod"].rule_groups for r in g.rules]
    assert len(uids) == len(set(uids))
    assert all(len(uid) <= 40 for uid in uids)
    long = rule_uid("pyairtable", "ConnectionPoolEfficiencyLowCritical")  # 47 characters in full
    assert len(long) == 40 and long.startswith("pyairtable-connection-pool-effi-")
    assert long != rule_uid("pyairtable", "ConnectionPoolEfficiencyLowWarning")  # a digest keeps them apart
    assert rule_uid("task057", "OAuthTokenRefreshFailures") == "task057-oauth-token-refresh-failures"
    assert rule_uid("x", "DBPoolHigh") == "x-db-pool-high"

