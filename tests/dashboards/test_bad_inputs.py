"""Bad dashboards: each gives one clear message naming the file and the field, panel or query; never a traceback."""
from __future__ import annotations

import pytest

from grafana_as_code.errors import UserError

F = "dashboards/team/bad.yaml"
PANEL = "panels:\n  - {type: stat, title: Up, queries: [{expr: up}]}\n"

CASES = [
    ("unknown top-level key", "title: T\ndatasource: prometheus\nrefersh: 30s\n" + PANEL,
     f"{F}: refersh: unknown field; did you mean 'refresh'?"),
    ("missing title", "datasource: prometheus\n" + PANEL,
     f"{F}: title: is required (a string)"),
    ("malformed YAML", "title: T\npanels: [\n",
     f"{F}: malformed YAML: line 3, column 1: expected the node content, but found '<stream end>'"),
    ("undefined Jinja variable", "title: '{{ env.thresholds.nope }}'\ndatasource: prometheus\n" + PANEL,
     f"{F}: line 1: template error: 'dict object' has no attribute 'nope'"),
    ("unknown panel type", "title: T\ndatasource: prometheus\npanels:\n  - {type: graph, title: Old}\n",
     f"{F}: panels[0].type: unknown panel type 'graph'; one of: bargauge, gauge, heatmap, logs, nodeGraph, "
     "piechart, stat, state-timeline, table, text, timeseries, traces"),
    ("key of another panel type", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: Up, stack: normal, queries: [{expr: up}]}\n",
     f"{F}: panels[0].stack: does not apply to a stat panel (an option of: timeseries)"),
    ("unknown data source", "title: T\ndatasource: promethues\n" + PANEL,
     f"{F}: datasource: unknown data source 'promethues' in environment 'dev'; known: loki, postgres, "
     "prometheus, sentry, tempo"),
    ("undefined data source variable", "title: T\npanels:\n  - {type: stat, title: Up, datasource: $ds, "
     "queries: [{expr: up}]}\n",
     f"{F}: panels[0].datasource: '$ds' is not a data source variable of this dashboard (data source variables: none)"),
    ("expr on SQL data source", "title: T\npanels:\n  - {type: table, title: Rows, datasource: postgres, "
     "queries: [{expr: up}]}\n",
     f"{F}: panels[0].queries[0].expr: data source type 'grafana-postgresql-datasource' takes no expr; use sql"),
    ("panel without queries", "title: T\ndatasource: prometheus\npanels:\n  - {type: timeseries, title: Empty}\n",
     f"{F}: panels[0].queries: is required: at least one query (a panel without one shows nothing)"),
    ("thresholds not increasing", "title: T\ndatasource: prometheus\npanels:\n  - {type: stat, title: Up, "
     "thresholds: [green, {value: 5, color: orange}, {value: 3, color: red}], queries: [{expr: up}]}\n",
     f"{F}: panels[0].thresholds[2]: threshold values must increase; 3 follows 5"),
    ("bad refresh", "title: T\nrefresh: often\ndatasource: prometheus\n" + PANEL,
     f"{F}: refresh: expected a duration such as 30s, 1m or 1d, or off; got 'often'"),
    ("duplicate variable", "title: T\ndatasource: prometheus\nvariables:\n"
     "  - {name: env, type: constant, value: a}\n  - {name: env, type: constant, value: b}\n" + PANEL,
     f"{F}: variables[1].name: variable 'env' is already defined at variables[0]"),
    ("width beyond the grid", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: Up, width: 30, queries: [{expr: up}]}\n",
     f"{F}: panels[0].width: must be between 1 and 24 (grid columns), got 30"),
    ("explicit gridPos overlapping", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: A, gridPos: {x: 0, y: 0, w: 12, h: 4}, queries: [{expr: up}]}\n"
     "  - {type: stat, title: B, gridPos: {x: 6, y: 2, w: 12, h: 4}, queries: [{expr: up}]}\n",
     f"{F}: dashboard 'bad', panel 2 'B': gridPos {{x: 6, y: 2, w: 12, h: 4}} overlaps panel 1 'A' "
     "at {x: 0, y: 0, w: 12, h: 4}"),
    ("gridPos past column 24", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: A, gridPos: {x: 20, y: 0, w: 8, h: 4}, queries: [{expr: up}]}\n",
     f"{F}: dashboard 'bad', panel 1 'A': gridPos x 20 + w 8 = 28 extends past the 24 grid columns"),
    ("undefined variable in a query", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: Up, queries: [{expr: 'up{job=\"$job\"}'}]}\n",
     f"{F}: dashboard 'bad', panel 1 'Up', query A: uses variable $job, which the dashboard does not define"),
    ("misspelled built-in", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: Up, queries: [{expr: 'rate(x[$__rate_intervall])'}]}\n",
     f"{F}: dashboard 'bad', panel 1 'Up', query A: uses variable $__rate_intervall, which the dashboard does not "
     "define (Grafana's built-ins start with two underscores)"),
    ("broken PromQL", "title: T\ndatasource: prometheus\npanels:\n"
     "  - {type: stat, title: Rate, queries: [{expr: 'sum(rate(http_requests_total[5m])'}]}\n",
     f"{F}: dashboard 'bad', panel 1 'Rate', query A: PromQL does not parse: unclosed left parenthesis: "
     "sum(rate(http_requests_total[5m])"),
    ("broken LogQL", "title: T\npanels:\n"
     "  - {type: logs, title: Logs, datasource: loki, queries: [{expr: '{job=\"api\" | json'}]}\n",
     f"{F}: dashboard 'bad', panel 1 'Logs', query A: LogQL does not parse: syntax error at column 12 near "
     "'| json': {job=\"api\" | json"),
    ("broken TraceQL", "title: T\npanels:\n"
     "  - {type: table, title: Traces, datasource: tempo, queries: [{expr: '{ .http.status_code = }'}]}\n",
     f"{F}: dashboard 'bad', panel 1 'Traces', query A: TraceQL does not parse: syntax error at column 23 near "
     "'}': { .http.status_code = }"),
    ("link to a missing dashboard", "title: T\ndatasource: prometheus\nlinks:\n"
     "  - {title: Elsewhere, dashboard: nowhere}\n" + PANEL,
     f"{F}: dashboard 'bad', link 'Elsewhere': links to dashboard uid 'nowhere', which does not exist"),
    ("uid too long", "uid: " + "x" * 41 + "\ntitle: T\ndatasource: prometheus\n" + PANEL,
     f"{F}: uid: uid '{'x' * 41}' is 41 characters; Grafana allows at most 40"),
    ("annotation with neither tags nor expr", "title: T\ndatasource: prometheus\nannotations:\n"
     "  - {name: Deploys}\n" + PANEL,
     f"{F}: annotations[0]: give either tags (Grafana annotations carrying those tags) or expr (a query)"),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_located_message(dashboard_tree, text, expected):
    dashboard_tree.write("bad.yaml", text)
    with pytest.raises(UserError) as caught:
        dashboard_tree.load()
    assert str(caught.value) == expected


def test_duplicate_uid_names_both_files(dashboard_tree):
    dashboard_tree.write("a.yaml", "uid: same\ntitle: A\ndatasource: prometheus\n" + PANEL)
    dashboard_tree.write("b.yaml", "uid: same\ntitle: B\ndatasource: prometheus\n" + PANEL)
    with pytest.raises(UserError) as caught:
        dashboard_tree.load()
    assert str(caught.value) == ("dashboards/team/b.yaml: uid: dashboard uid 'same' is already used by "
                                 "dashboards/team/a.yaml")


def test_all_problems_of_a_run_are_reported_together(dashboard_tree):
    dashboard_tree.write("bad.yaml", "title: T\ndatasource: prometheus\npanels:\n"
                         "  - {type: stat, title: A, queries: [{expr: 'sum(x'}, {expr: 'up{job=\"$nope\"}'}]}\n"
                         "  - {type: logs, title: L, datasource: loki, queries: [{expr: '{job='}]}\n")
    with pytest.raises(UserError) as caught:
        dashboard_tree.load()
    fields = [p.field for p in caught.value.problems]
    assert fields == ["dashboard 'bad', panel 1 'A', query B", "dashboard 'bad', panel 1 'A', query A",
                      "dashboard 'bad', panel 2 'L', query A"]
