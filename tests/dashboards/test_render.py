"""A YAML spec renders to Grafana's documented dashboard JSON; per-environment values come through Jinja."""
from __future__ import annotations

from grafana_as_code.environment import thaw


def _by_uid(dashboards):
    return {d.uid: d for d in dashboards}


# Grafana's dashboard JSON model (Classic), as documented at
# https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/ and typed by
# @grafana/schema (grafana_as_code/dashboards/dashboard.schema.json). Each assertion below is one documented field of
# the README's complete example rendered for the fixture project's prod (tests/fixtures/project-minimal), reviewed
# by hand against those pages: no expected file written by the renderer it checks.
def test_complete_example_renders_to_grafanas_documented_model(dashboard_tree, fixtures):
    dashboard_tree.write("minimal.yaml", (fixtures / "minimal.yaml").read_text())
    dashboard_tree.write("checkout-overview.yaml", (fixtures / "checkout-overview.yaml").read_text())
    dashboard = _by_uid(dashboard_tree.load("prod", keep_min_refresh=True))["checkout-latency"]
    config = thaw(dashboard.config)
    assert dashboard.folder_uid == "team" and dashboard.title == "Checkout latency"
    # Top level: uid, title, description, tags as written; "browser" is the documented default timezone;
    # graphTooltip 1 is "shared crosshair" (0 default, 2 shared tooltip); no id/version (Grafana assigns them).
    assert {k: config[k] for k in ("uid", "title", "description", "tags", "timezone", "editable", "graphTooltip")} == {
        "uid": "checkout-latency", "title": "Checkout latency", "description": "p95 latency of the checkout service.",
        "tags": ["checkout"], "timezone": "browser", "editable": True, "graphTooltip": 1}
    assert "id" not in config and "version" not in config
    assert config["time"] == {"from": "now-3h", "to": "now"}
    assert config["refresh"] == "30s"  # above prod's 10s floor: kept as written
    assert isinstance(config["schemaVersion"], int) and config["schemaVersion"] >= 39
    # Links: a dashboard link is type "link" with the URL of the dashboard by uid (/d/<uid>).
    (link,) = config["links"]
    assert (link["type"], link["title"], link["url"]) == ("link", "Overview", "/d/checkout-overview")
    # Annotations: the built-in "Annotations & Alerts" query (builtIn 1, data source -- Grafana --) comes first;
    # a tag annotation queries Grafana's own annotations with target {type: tags, tags}.
    builtin, deployments = config["annotations"]["list"]
    assert builtin["builtIn"] == 1 and builtin["datasource"] == {"type": "grafana", "uid": "-- Grafana --"}
    assert builtin["name"] == "Annotations & Alerts" and builtin["type"] == "dashboard"
    assert deployments["name"] == "Deployments" and deployments["enable"] is True
    assert deployments["datasource"] == {"type": "grafana", "uid": "-- Grafana --"}
    assert deployments["target"]["type"] == "tags" and deployments["target"]["tags"] == ["deployment"]
    # Variables (templating.list): a datasource variable's query is the plugin id; a query variable names its data
    # source and keeps its query and definition, refresh 1 = on dashboard load; an interval variable's query is the
    # comma-separated values, refresh 2 = on time range change, and current is the default.
    ds, job, window = config["templating"]["list"]
    assert (ds["type"], ds["name"], ds["query"], ds["label"]) == ("datasource", "ds", "prometheus", "Data source")
    assert (job["type"], job["name"], job["includeAll"], job["refresh"]) == ("query", "job", True, 1)
    assert job["datasource"] == {"type": "prometheus", "uid": "${ds}"}
    assert job["definition"] == "label_values(up, job)" and job["query"]["query"] == "label_values(up, job)"
    assert (window["type"], window["query"], window["refresh"]) == ("interval", "1m,5m", 2)
    assert window["current"] == {"text": "5m", "value": "5m"}
    assert [o["value"] for o in window["options"] if o["selected"]] == ["5m"]
    # Panels: ids unique, gridPos on the 24-column grid (w 1..24, x + w <= 24); a row is type "row" with its own
    # (empty, not collapsed) panels list; panels after it start below it.
    row, stat, series, logs = config["panels"]
    assert [p["id"] for p in config["panels"]] == [1, 2, 3, 4]
    assert (row["type"], row["title"], row["collapsed"], row["panels"]) == ("row", "Latency", False, [])
    assert row["gridPos"] == {"h": 1, "w": 24, "x": 0, "y": 0}
    assert stat["gridPos"] == {"h": 4, "w": 6, "x": 0, "y": 1}
    assert series["gridPos"] == {"h": 8, "w": 18, "x": 6, "y": 1}  # width 18 fills the row beside the stat
    assert logs["gridPos"]["x"] == 0 and logs["gridPos"]["y"] == 9 and logs["gridPos"]["w"] == 24
    # Data sources are references {type, uid}; a variable reference keeps the variable as uid.
    assert stat["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert series["datasource"] == {"type": "prometheus", "uid": "${ds}"}
    assert logs["datasource"] == {"type": "loki", "uid": "loki"}
    # Targets: refId A, B, … per panel; Prometheus expr and legendFormat as written.
    assert [(t["refId"], t["legendFormat"]) for t in series["targets"]] == [("A", "{{job}}"), ("B", "errors")]
    assert stat["targets"][0]["expr"] == ('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds'
                                          '_bucket{job=~"$job"}[$window])))')
    assert logs["targets"][0]["expr"] == '{job=~"$job"} | json | level="error"'
    # fieldConfig.defaults: unit, and thresholds {mode, steps}: the base step has value null, then ascending values;
    # the value comes from the environment (fixture prod: p95_latency_seconds 0.25).
    defaults = stat["fieldConfig"]["defaults"]
    assert defaults["unit"] == "s"
    assert defaults["thresholds"] == {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                                    {"color": "red", "value": 0.25}]}
    # fieldConfig.overrides: a series-name match is matcher {id: byName, options: <name>} with a fixed colour.
    (override,) = series["fieldConfig"]["overrides"]
    assert override["matcher"] == {"id": "byName", "options": "errors"}
    assert override["properties"] == [{"id": "color", "value": {"fixedColor": "red", "mode": "fixed"}}]
    assert (stat["type"], series["type"], logs["type"]) == ("stat", "timeseries", "logs")


def test_environment_thresholds_reach_the_panel(dashboard_tree, fixtures):
    dashboard_tree.write("minimal.yaml", (fixtures / "minimal.yaml").read_text())
    dashboard_tree.write("checkout-overview.yaml", (fixtures / "checkout-overview.yaml").read_text())
    dev = _by_uid(dashboard_tree.load("dev"))["checkout-latency"]
    prod = _by_uid(dashboard_tree.load("prod"))["checkout-latency"]
    steps = lambda d: thaw(d.config)["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"]  # noqa: E731
    assert steps(dev)[1]["value"] == 2  # tests/fixtures/project-minimal/environments/dev.yaml: p95_latency_seconds 2
    assert steps(prod)[1]["value"] == 0.25  # and prod.yaml: 0.25


def test_min_refresh_raises_faster_refresh_only(dashboard_tree):
    dashboard_tree.write("fast.yaml", """\
        title: Fast
        refresh: 5s
        timepicker: {refresh_intervals: [5s, 10s, 30s, 1m]}
        datasource: prometheus
        panels:
          - {type: stat, title: Up, queries: [{expr: up}]}
        """)
    dashboard_tree.write("slow.yaml", """\
        title: Slow
        refresh: 5m
        datasource: prometheus
        panels:
          - {type: stat, title: Up, queries: [{expr: up}]}
        """)
    loaded = _by_uid(dashboard_tree.load(min_refresh="30s"))
    assert loaded["fast"].config["refresh"] == "30s"
    assert list(loaded["fast"].config["timepicker"]["refresh_intervals"]) == ["30s", "1m"]
    assert loaded["slow"].config["refresh"] == "5m"
    assert _by_uid(dashboard_tree.load(min_refresh=None))["fast"].config["refresh"] == "5s"


def test_grafana_legend_braces_survive_jinja(dashboard_tree):
    dashboard_tree.write("legend.yaml", """\
        title: Legends
        datasource: prometheus
        panels:
          - type: timeseries
            title: By env label and Jinja
            description: "{{ env.name }} view"
            queries:
              - {expr: 'sum by (env) (up)', legend: "{{env}} / {{ job }}"}
          - type: logs
            title: Formatted
            datasource: loki
            queries:
              - {expr: '{job="x"} | json | line_format "{{.msg}}"'}
        """)
    config = thaw(_by_uid(dashboard_tree.load("prod"))["legend"].config)
    assert config["panels"][0]["description"] == "prod view"
    assert config["panels"][0]["targets"][0]["legendFormat"] == "{{env}} / {{ job }}"
    assert config["panels"][1]["targets"][0]["expr"] == '{job="x"} | json | line_format "{{.msg}}"'


def test_uid_defaults_to_file_name_and_panel_types_render(dashboard_tree):
    dashboard_tree.write("all-types.yaml", """\
        title: All types
        datasource: prometheus
        panels:
          - {type: timeseries, title: a, queries: [{expr: up}]}
          - {type: stat, title: b, queries: [{expr: up}]}
          - {type: gauge, title: c, queries: [{expr: up}]}
          - {type: bargauge, title: d, queries: [{expr: up}]}
          - {type: table, title: e, queries: [{expr: up, instant: true, format: table}]}
          - {type: heatmap, title: f, queries: [{expr: up, format: heatmap}]}
          - {type: piechart, title: g, queries: [{expr: up}]}
          - {type: state-timeline, title: h, queries: [{expr: up}]}
          - {type: logs, title: i, datasource: loki, queries: [{expr: '{job="a"}'}]}
          - {type: traces, title: j, datasource: tempo, queries: [{expr: '{ status = error }'}]}
          - {type: nodeGraph, title: k, datasource: tempo, queries: [{query_type: serviceMap}]}
          - {type: text, title: l, content: "# Hello"}
          - {type: table, title: m, datasource: sentry, queries: [{raw: {queryType: issues, projectIds: []}}]}
          - {type: table, title: n, datasource: postgres, queries: [{sql: "SELECT 1"}]}
        """)
    config = thaw(_by_uid(dashboard_tree.load())["all-types"].config)
    assert [p["type"] for p in config["panels"]] == ["timeseries", "stat", "gauge", "bargauge", "table", "heatmap",
                                                     "piechart", "state-timeline", "logs", "traces", "nodeGraph",
                                                     "text", "table", "table"]
    assert config["panels"][9]["targets"][0] == {"datasource": {"type": "tempo", "uid": "tempo"}, "limit": 20,
                                                 "query": "{ status = error }", "queryType": "traceql",
                                                 "refId": "A", "tableType": "traces"}
    assert config["panels"][13]["targets"][0]["rawSql"] == "SELECT 1"
    assert config["panels"][12]["targets"][0]["queryType"] == "issues"
    assert "targets" not in config["panels"][11]


def test_mixed_data_sources_make_a_mixed_panel(dashboard_tree):
    dashboard_tree.write("mixed.yaml", """\
        title: Mixed
        panels:
          - type: timeseries
            title: Metrics and logs
            queries:
              - {datasource: prometheus, expr: 'sum(rate(http_requests_total[5m]))'}
              - {datasource: loki, expr: 'sum(count_over_time({job="a"}[5m]))'}
        """)
    panel = thaw(_by_uid(dashboard_tree.load())["mixed"].config)["panels"][0]
    assert panel["datasource"] == {"type": "datasource", "uid": "-- Mixed --"}
    assert [t["datasource"]["uid"] for t in panel["targets"]] == ["prometheus", "loki"]


def test_readme_example_is_the_tested_fixture(repo_root, fixtures):
    readme = (repo_root / "dashboards" / "README.md").read_text()
    example = readme.split("### A complete example\n\n```yaml\n", 1)[1].split("```", 1)[0]
    fixture = "".join(line for line in (fixtures / "minimal.yaml").read_text().splitlines(keepends=True)
                      if not line.startswith("#"))
    assert example == fixture
