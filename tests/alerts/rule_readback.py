"""Grafana rule groups read back as a Prometheus rule file, so promtool can judge the translation.

An alert rule is query A filtered by condition C; a recording rule is query A written under its metric name. The
environment's labels (added to alerts like external labels) are taken off again, so the promtool tests written for
the original rule file apply unchanged.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from grafana_as_code.alerting.rule_groups import GrafanaRule, GrafanaRuleGroup

# One reading of alert conditions for every fidelity test: the one beside the catalogs' own fidelity test, which
# follows the translation whenever translate.py changes its condition shapes.
from test_rule_groups import promql_of  # noqa: E402


def prometheus_rule(rule: GrafanaRule, env_labels: Mapping[str, str]) -> dict[str, Any]:
    if rule.record is not None:
        (query,) = (json.loads(d["model"]) for d in rule.data)  # one node, no condition
        assert rule.condition is None and rule.record.from_ == query["refId"] == "A"
        out: dict[str, Any] = {"record": rule.record.metric, "expr": query["expr"]}
        if rule.labels:
            out["labels"] = dict(rule.labels)
        return out
    annotations = {k: v.replace("$values.A.Value", "$value") for k, v in rule.annotations.items()
                   if k not in ("__dashboardUid__", "__panelId__")}
    out = {"alert": rule.title, "expr": promql_of(rule),
           "labels": {k: v for k, v in rule.labels.items() if k not in env_labels}, "annotations": annotations}
    if rule.for_:
        out["for"] = rule.for_
    if rule.keep_firing_for:
        out["keep_firing_for"] = rule.keep_firing_for
    return out


def rule_file(groups: Iterable[GrafanaRuleGroup], env_labels: Mapping[str, str]) -> dict[str, Any]:
    return {"groups": [{"name": g.name, "interval": f"{g.interval_seconds}s",
                        "rules": [prometheus_rule(r, env_labels) for r in g.rules]} for g in groups]}
