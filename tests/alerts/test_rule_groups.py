"""Grafana-managed rule groups: what the stacks declare, and that it fires exactly like the Prometheus rules.

The fidelity test reads the Grafana rules back as Prometheus would evaluate them (query A, then the condition C
applied to it) and runs every promtool unit test of alerts/tests against that reading: the same series must fire
with the same labels and annotations, and the same cases must stay silent. Content checks: one case per rule file
present (the repository's, or CONTENT_ROOT's); what the catalogs require of their groups is in
tests/test_catalog_requirements.py.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from grafana_as_code.alerting.rule_groups import GrafanaRule, rule_uid
from grafana_as_code.project import Catalog

from project_copy import content_root

ROOT = content_root()
RULE_FILES = sorted((ROOT / "alerts" / "rules").glob("*.yaml"))

_MATH = re.compile(r"^(is_nan\(\$A\) == 0 && )?\$A (==|!=|>=|<=|>|<) (\S+)$")
_THRESHOLD_OPS = {"gt": ">", "lt": "<"}


@pytest.fixture(scope="module")
def catalogs(content_catalogs: dict[str, Catalog]) -> dict[str, Catalog]:
    return content_catalogs


def promql_of(rule: GrafanaRule) -> str:
    """The Grafana rule as one PromQL expression: query A filtered by condition C, with Grafana's NaN semantics.

    An unguarded math comparison yields NaN for a NaN sample, and a NaN condition is Alerting in Grafana
    (pkg/expr/mathexp/exp.go binaryOp, pkg/services/ngalert/eval/eval.go): read back as ``… or (A != A)``, so a
    promtool case with a NaN or zero-traffic series fails if a translation would fire where Prometheus does not.
    The threshold (Grafana >= 11.1) and the ``is_nan($A) == 0 &&`` guard compare NaN as false, like Prometheus.
    Query A is closed on a line of its own: it may end in a comment (the Mimir mixin writes one between a query and
    its comparison), which would otherwise swallow the closing parenthesis.
    """
    query, condition = (json.loads(d["model"]) for d in rule.data)
    expr = f"{query['expr']}\n"
    assert query["instant"] is True and query["refId"] == "A" and condition["refId"] == rule.condition == "C"
    if condition["type"] == "threshold":
        assert condition["expression"] == "A"
        (evaluator,) = [c["evaluator"] for c in condition["conditions"]]
        return f"({expr}) {_THRESHOLD_OPS[evaluator['type']]} {evaluator['params'][0]!r}"
    assert condition["type"] == "math"
    if condition["expression"] == "$A == $A || $A != $A":
        return query["expr"]  # every series of A fires
    guard, op, number = _MATH.match(condition["expression"]).groups()
    if guard:
        return f"({expr}) {op} {number}"
    return f"({expr}) {op} {number} or ({expr}) != ({expr})"


def prometheus_rule(rule: GrafanaRule, env_labels: dict[str, str]) -> dict:
    """The rule read back as a Prometheus rule (rule_readback.py: the one reading every fidelity test uses)."""
    from rule_readback import prometheus_rule as read_back  # imported late: rule_readback uses promql_of above
    return read_back(rule, env_labels)


def test_every_alert_becomes_a_grafana_rule(catalogs: dict[str, Catalog]) -> None:
    for name, catalog in catalogs.items():
        titles = {(g.file, r.title) for g in catalog.rule_groups for r in g.rules}
        expected = {(p.name, rule.get("alert", rule.get("record"))) for p in RULE_FILES
                    for group in yaml.safe_load(p.read_text())["groups"] for rule in group["rules"]}
        assert {(Path(file).name, title) for file, title in titles} == expected, name


def test_every_environment_evaluates_the_same_queries(catalogs: dict[str, Catalog]) -> None:
    """So the fidelity test below, run on one environment, holds for every environment."""
    def queries(env: str) -> dict:
        return {(g.name, r.title): (r.data, r.condition, r.for_, r.keep_firing_for, dict(r.annotations))
                for g in catalogs[env].rule_groups for r in g.rules}
    first, *others = sorted(catalogs)
    assert {env: queries(env) for env in others} == {env: queries(first) for env in others}


@pytest.mark.parametrize("rules", RULE_FILES, ids=lambda p: p.name)
def test_grafana_rules_fire_exactly_like_the_prometheus_rules(catalogs: dict[str, Catalog], tmp_path: Path,
                                                               rules: Path) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed: run `make system-tools` (Debian package prometheus)"
    test_file = ROOT / "alerts" / "tests" / f"{rules.stem}.test.yaml"
    assert test_file.is_file(), f"{rules.name} has no unit tests (alerts/README.md)"
    catalog = catalogs[sorted(catalogs)[0]]  # every environment evaluates the same queries (test above)
    groups = [g for g in catalog.rule_groups if Path(g.file).name == rules.name]
    assert groups, f"no Grafana rule group was made from {rules.name}"
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    shutil.copy(test_file, tmp_path / "tests" / test_file.name)
    document = {"groups": [{"name": g.name, "interval": f"{g.interval_seconds}s",
                            "rules": [prometheus_rule(r, dict(catalog.env.labels)) for r in g.rules]}
                           for g in groups]}
    (tmp_path / "rules" / rules.name).write_text(yaml.safe_dump(document, sort_keys=False))
    result = subprocess.run([promtool, "test", "rules", test_file.name], cwd=tmp_path / "tests", capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_uids_are_unique_and_short_enough(catalogs: dict[str, Catalog]) -> None:
    for catalog in catalogs.values():
        uids = [r.uid for g in catalog.rule_groups for r in g.rules]
        assert sorted(uid for uid in set(uids) if uids.count(uid) > 1) == []
        assert [uid for uid in uids if len(uid) > 40] == []


def test_uids_are_stable_and_short_enough() -> None:
    long = rule_uid("pyairtable", "ConnectionPoolEfficiencyLowCritical")  # 47 characters in full
    assert len(long) == 40 and long.startswith("pyairtable-connection-pool-effi-")
    assert long != rule_uid("pyairtable", "ConnectionPoolEfficiencyLowWarning")  # a digest keeps them apart
    assert rule_uid("task057", "OAuthTokenRefreshFailures") == "task057-oauth-token-refresh-failures"
    assert rule_uid("x", "DBPoolHigh") == "x-db-pool-high"

