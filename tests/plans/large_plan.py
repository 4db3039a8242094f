"""A plan of many Grafana resources in Terraform's JSON plan format, for the size tests and ``make bench``.

Realistic shapes: dashboards of eight panels whose config_json is a few kilobytes (one query edited in each
updated one), rule groups with JSON models, folders; a mix of create, update, replace, delete and no-op.
"""
from __future__ import annotations

import json
from typing import Any

PROVIDER = "registry.terraform.io/grafana/grafana"


def _dashboard(index: int, window: str) -> str:
    panels = [{"type": "timeseries", "title": f"Panel {p}", "gridPos": {"h": 8, "w": 12, "x": 12 * (p % 2), "y": 8 * (p // 2)},
               "datasource": {"type": "prometheus", "uid": "prometheus"},
               "fieldConfig": {"defaults": {"unit": "reqps", "thresholds": {"mode": "absolute", "steps": [
                   {"color": "green", "value": None}, {"color": "red", "value": 80}]}}, "overrides": []},
               "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
               "targets": [{"refId": "A", "expr": f'sum by (route) (rate(http_requests_total{{job="svc{index}",panel="{p}"}}[{window if p == 0 else "5m"}]))',
                            "legendFormat": "{{route}}", "datasource": {"type": "prometheus", "uid": "prometheus"}}]}
              for p in range(8)]
    model = {"uid": f"svc-{index:04d}", "title": f"Service {index}", "schemaVersion": 39, "refresh": "30s",
             "tags": ["generated"], "time": {"from": "now-6h", "to": "now"}, "panels": panels,
             "templating": {"list": [{"name": "route", "type": "query", "query": "label_values(route)"}]}}
    return json.dumps(model, separators=(",", ":"), sort_keys=True)


def _dashboard_state(index: int, window: str, computed: bool = True) -> dict[str, Any]:
    state = {"config_json": _dashboard(index, window), "folder": "generated", "message": None, "org_id": "1",
             "overwrite": True, "uid": f"svc-{index:04d}"}
    if computed:
        state.update(id=f"1:svc-{index:04d}", dashboard_id=index, version=3,
                     url=f"https://grafana.example.com/d/svc-{index:04d}/x")
    return state


def _rule_group(index: int, threshold: int) -> dict[str, Any]:
    model_a = json.dumps({"refId": "A", "expr": f'sum(rate(errors_total{{job="svc{index}"}}[5m]))', "instant": True})
    model_c = json.dumps({"refId": "C", "type": "threshold", "expression": "A",
                          "conditions": [{"evaluator": {"type": "gt", "params": [threshold]}}]})
    return {"name": f"svc-{index}", "folder_uid": "alerts", "interval_seconds": 60, "org_id": "1",
            "id": f"1:alerts:svc-{index}", "disable_provenance": False,
            "rule": [{"name": "Errors", "uid": f"svc-{index}-errors", "condition": "C", "for": "5m",
                      "labels": {"severity": "warning"}, "annotations": {"summary": "errors"},
                      "data": [{"ref_id": "A", "datasource_uid": "prometheus", "model": model_a,
                                "relative_time_range": [{"from": 600, "to": 0}]},
                               {"ref_id": "C", "datasource_uid": "__expr__", "model": model_c,
                                "relative_time_range": [{"from": 0, "to": 0}]}]}]}


def _change(address: str, actions: list[str], before: Any, after: Any, **extra: Any) -> dict[str, Any]:
    type_, name = address.split(".", 1)
    return {"address": address, "mode": "managed", "type": type_, "name": name, "provider_name": PROVIDER,
            "change": {"actions": actions, "before": before, "after": after,
                       "after_unknown": extra.pop("after_unknown", {}),
                       "before_sensitive": {} if before is not None else False,
                       "after_sensitive": {} if after is not None else False, **extra}}


def make_large_plan(count: int = 1000) -> dict[str, Any]:
    """``count`` resource changes: 60% dashboards updated (one query), 20% rule groups updated, the rest a mix."""
    changes = []
    for i in range(count):
        kind = i % 10
        if kind < 6:
            changes.append(_change(f"grafana_dashboard.svc_{i:04d}", ["update"], _dashboard_state(i, "5m"),
                                   _dashboard_state(i, "1m", computed=False) | {"id": f"1:svc-{i:04d}"},
                                   after_unknown={"dashboard_id": True, "url": True, "version": True}))
        elif kind < 8:
            changes.append(_change(f"grafana_rule_group.svc_{i:04d}", ["update"], _rule_group(i, 1), _rule_group(i, 2)))
        elif kind == 8:
            changes.append(_change(f"grafana_dashboard.svc_{i:04d}", ["create"], None,
                                   _dashboard_state(i, "5m", computed=False),
                                   after_unknown={"id": True, "dashboard_id": True, "url": True, "version": True}))
        elif i % 20 == 9:
            changes.append(_change(f"grafana_folder.f_{i:04d}", ["delete"],
                                   {"uid": f"f-{i}", "title": f"Folder {i}", "id": f"1:f-{i}"}, None))
        else:
            folder = {"uid": f"f-{i}", "title": f"Folder {i}", "id": f"1:f-{i}"}
            changes.append(_change(f"grafana_folder.f_{i:04d}", ["no-op"], folder, folder))
    return {"format_version": "1.2", "terraform_version": "1.11.4", "variables": {},
            "planned_values": {"root_module": {}}, "resource_changes": changes,
            "timestamp": "2026-01-01T00:00:00Z", "applyable": True, "complete": True, "errored": False}
