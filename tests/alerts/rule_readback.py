"""Grafana rule groups read back as a Prometheus rule file, so promtool can judge the translation.

An alert rule is query A filtered by condition C; a recording rule is query A written under its metric name. The
environment's labels (added to alerts like external labels) are taken off again, so the promtool tests written for
the original rule file apply unchanged.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

from grafana_as_code.alerting.rule_groups import GrafanaRule, GrafanaRuleGroup

_MATH = re.compile(r"^\$A (==|!=|>=|<=|>|<) (\S+)$")
_THRESHOLD_OPS = {"gt": ">", "lt": "<"}
_PRESENT = "$A == $A || $A != $A"


def promql_of(rule: GrafanaRule) -> str:
    """The Grafana alert rule as one PromQL expression: query A filtered by condition C."""
    query, condition = (json.loads(d["model"]) for d in rule.data)
    assert query["instant"] is True and query["refId"] == "A" and condition["refId"] == rule.condition == "C"
    if condition["type"] == "threshold":
        assert condition["expression"] == "A"
        (evaluator,) = [c["evaluator"] for c in condition["conditions"]]
        return f"({query['expr']}) {_THRESHOLD_OPS[evaluator['type']]} {evaluator['params'][0]!r}"
    assert condition["type"] == "math"
    if condition["expression"] == _PRESENT:
        return query["expr"]  # every series of A fires
    op, number = _MATH.match(condition["expression"]).groups()
    return f"({query['expr']}) {op} {number}"


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
