"""What is really wrong in an exported dashboard is still refused, with file and place, all problems at once;
what Grafana only repairs is not (see test_realworld.py)."""
from __future__ import annotations

import json

import pytest

from grafana_as_code.environment import thaw
from grafana_as_code.errors import UserError, collecting_warnings

F = "dashboards/team/export.json"


def legacy(expr: str, datasource: object = None) -> dict:
    return {"title": "Old", "uid": "old", "schemaVersion": 14,
            "rows": [{"title": "R", "panels": [{"id": 1, "span": 12, "title": "P", "type": "graph",
                                                 "datasource": datasource, "targets": [{"refId": "A", "expr": expr}]}]}]}


def modern(panel: dict, **top: object) -> dict:
    return {"title": "New", "uid": "new", "schemaVersion": 39,
            "panels": [{"id": 1, "title": "P", "type": "timeseries", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                        **panel}], **top}


CASES = [
    ("broken PromQL inside legacy rows (once skipped)", legacy("sum(rate(x[5m])"),
     f"{F}: dashboard 'old', panel 1 'P', query A: PromQL does not parse: unclosed left parenthesis"),
    ("broken PromQL on the default data source (null)",
     modern({"datasource": None, "targets": [{"refId": "A", "expr": "rate(x[5m]) by (job)"}]}),
     f"{F}: dashboard 'new', panel 1 'P', query A: PromQL does not parse: "),
    ("broken LogQL in a Mixed panel",
     modern({"datasource": {"type": "datasource", "uid": "-- Mixed --"},
             "targets": [{"refId": "B", "datasource": {"type": "loki", "uid": "loki"}, "expr": '{app="a" | json'}]}),
     f"{F}: dashboard 'new', panel 1 'P', query B: LogQL does not parse: syntax error at column 10 near '| json'"),
    ("broken TraceQL inside a collapsed row",
     {"title": "New", "uid": "new", "schemaVersion": 39, "panels": [
         {"id": 9, "type": "row", "title": "Traces", "collapsed": True, "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
          "panels": [{"id": 1, "title": "T", "type": "traces", "gridPos": {"x": 0, "y": 1, "w": 24, "h": 8},
                      "datasource": {"type": "tempo", "uid": "tempo"},
                      "targets": [{"refId": "A", "queryType": "traceql", "query": "{ .a = }"}]}]}]},
     f"{F}: dashboard 'new', panel 1 'T', query A: TraceQL does not parse: syntax error at column 8 near '}}'"),
    ("newer TraceQL syntax around a real error",
     modern({"datasource": {"type": "tempo", "uid": "tempo"},
             "targets": [{"refId": "A", "queryType": "traceql", "query": "{ .a = } | rate() with(sample=true)"}]}),
     f"{F}: dashboard 'new', panel 1 'P', query A: TraceQL does not parse: syntax error at column 8 near '}} | rate() "),
    ("a Prometheus 1.x function", modern({"targets": [{"refId": "A", "expr": "x / count_scalar(up)"}]}),
     f"{F}: dashboard 'new', panel 1 'P', query A: PromQL does not parse: unknown function with name "
     "'count_scalar' (count_scalar was removed in Prometheus 2.0: use scalar(count(…))): x / count_scalar(up)"),
    ("a numeric variable still needs a valid query around it",
     modern({"targets": [{"refId": "A", "expr": "topk($n, sum(up)"}]},
            templating={"list": [{"name": "n", "type": "custom", "query": "5", "current": {"value": "5"}}]}),
     f"{F}: dashboard 'new', panel 1 'P', query A: PromQL does not parse: unclosed left parenthesis: "
     "topk($n, sum(up) (checked as: topk(5, sum(up))"),
    ("unknown data source uid",
     modern({"datasource": {"type": "prometheus", "uid": "elsewhere"}, "targets": [{"refId": "A", "expr": "up"}]}),
     f"{F}: dashboard 'new', panel 1 'P': data source 'elsewhere' does not exist in environment 'dev'"),
    ("no title", {"uid": "x", "panels": []}, f"{F}: title: is required (a string) in an exported dashboard"),
    ("not an object", [1, 2], f"{F}: expected a dashboard JSON object"),
]


@pytest.mark.parametrize("name, config, message", CASES, ids=[c[0] for c in CASES])
def test_really_wrong_exports_are_refused(dashboard_tree, name, config, message):
    dashboard_tree.write("export.json", json.dumps(config))
    with collecting_warnings(), pytest.raises(UserError) as raised:
        dashboard_tree.load()
    assert any(str(p).startswith(message) for p in raised.value.problems), [str(p) for p in raised.value.problems]


def test_malformed_json_is_refused(dashboard_tree):
    dashboard_tree.write("export.json", '{"title": "T",\n "panels": [}')
    with pytest.raises(UserError) as raised:
        dashboard_tree.load()
    assert [str(p) for p in raised.value.problems] == [f"{F}: line 2: malformed JSON: Expecting value"]


def test_every_problem_of_every_file_is_reported_together(dashboard_tree):
    dashboard_tree.write("export.json", json.dumps(legacy("sum(rate(x[5m])")))
    dashboard_tree.write("second.json", json.dumps({**modern({"targets": [{"refId": "A", "expr": "up +"}]}),
                                                    "uid": "second"}))
    dashboard_tree.write("third.json", "{")
    dashboard_tree.write("zdup.json", json.dumps({**modern({"targets": [{"refId": "A", "expr": "up"}]}),
                                                  "title": "Dup", "uid": "second"}))
    with collecting_warnings(), pytest.raises(UserError) as raised:
        dashboard_tree.load()
    found = [str(p) for p in raised.value.problems]
    assert any(p.startswith(F) and "PromQL" in p for p in found)
    assert any(p.startswith("dashboards/team/second.json") and "PromQL" in p for p in found)
    assert any(p.startswith("dashboards/team/third.json: line 1: malformed JSON") for p in found)
    assert "dashboards/team/zdup.json: uid: dashboard uid 'second' is already used by dashboards/team/second.json" \
        in found


def test_what_grafana_repairs_is_only_a_warning(dashboard_tree):
    config = modern({"datasource": None, "timeFrom": None, "targets": [{"refId": "A", "expr": "vector($n)"}],
                     "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [{"color": "green"}]}}}},
                    gnetId=None, links=[{"title": "Docs", "url": "https://example.com"}])
    config["panels"].append({**config["panels"][0], "gridPos": {"x": 20, "y": 0, "w": 12, "h": 8}})
    config["templating"] = {"list": [{"name": "n", "type": "textbox", "query": ""}]}
    del config["uid"]
    dashboard_tree.write("export.json", json.dumps(config))
    with collecting_warnings() as warnings:
        [dashboard] = dashboard_tree.load()
    assert dashboard.uid == "export"
    messages = [str(w) for w in warnings]
    assert any("uid: missing; using 'export'" in m for m in messages)
    assert any("panel id 1 is used twice; renumbered to 2" in m for m in messages)
    assert any("moved to x 12, w 12" in m for m in messages)
    config = thaw(dashboard.config)
    panel = config["panels"][0]
    assert "timeFrom" not in panel and "datasource" not in panel and "gnetId" not in config
    assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"][0] == {"color": "green", "value": None}
    assert panel["fieldConfig"]["overrides"] == []
    assert config["links"][0] == {"asDropdown": False, "icon": "external link", "includeVars": False,
                                                  "keepTime": False, "tags": [], "targetBlank": False,
                                                  "title": "Docs", "tooltip": "", "type": "link",
                                                  "url": "https://example.com"}


def test_old_value_mappings_are_upgraded_as_grafana_does():
    from grafana_as_code.dashboards.value_mappings import upgrade_mappings
    panel = {"fieldConfig": {"defaults": {
        "thresholds": {"steps": [{"color": "green", "value": None}, {"color": "red", "value": 1}]},
        "mappings": [{"type": 1, "value": "0", "text": "Down"}, {"type": 1, "value": "null", "text": "N/A"},
                     {"type": 2, "from": "2", "to": "5", "text": "3"}]}, "overrides": []}}
    assert upgrade_mappings(panel)
    assert panel["fieldConfig"]["defaults"]["mappings"] == [
        {"options": {"0": {"text": "Down"}}, "type": "value"},
        {"options": {"match": "null", "result": {"text": "N/A"}}, "type": "special"},
        {"options": {"from": 2, "result": {"color": "red", "text": "3"}, "to": 5}, "type": "range"},
    ]
    assert not upgrade_mappings(panel), "current mappings are left alone"


def test_panel_id_zero_is_renumbered_like_a_missing_one(dashboard_tree):
    config = modern({"id": 0, "targets": [{"refId": "A", "expr": "up"}]})
    dashboard_tree.write("export.json", json.dumps(config))
    with collecting_warnings():
        [dashboard] = dashboard_tree.load()
    assert dashboard.config["panels"][0]["id"] == 1
