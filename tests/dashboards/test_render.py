"""A YAML spec renders to exactly the expected dashboard JSON; per-environment values come through Jinja."""
from __future__ import annotations

import json

from grafana_as_code.environment import thaw


def _by_uid(dashboards):
    return {d.uid: d for d in dashboards}


def test_spec_renders_to_exact_expected_json(dashboard_tree, fixtures):
    dashboard_tree.write("minimal.yaml", (fixtures / "minimal.yaml").read_text())
    dashboard_tree.write("checkout-overview.yaml", (fixtures / "checkout-overview.yaml").read_text())
    dashboard = _by_uid(dashboard_tree.load("prod", keep_min_refresh=True))["checkout-latency"]
    rendered = json.dumps(thaw(dashboard.config), sort_keys=True, indent=2) + "\n"
    assert rendered == (fixtures / "minimal.expected.json").read_text()
    assert dashboard.folder_uid == "team"
    assert dashboard.title == "Checkout latency"


def test_output_is_deterministic(dashboard_tree, fixtures):
    dashboard_tree.write("minimal.yaml", (fixtures / "minimal.yaml").read_text())
    dashboard_tree.write("checkout-overview.yaml", (fixtures / "checkout-overview.yaml").read_text())
    first = [d.config_json() for d in dashboard_tree.load("prod")]
    second = [d.config_json() for d in dashboard_tree.load("prod")]
    assert first == second


def test_environment_thresholds_reach_the_panel(dashboard_tree, fixtures):
    dashboard_tree.write("minimal.yaml", (fixtures / "minimal.yaml").read_text())
    dashboard_tree.write("checkout-overview.yaml", (fixtures / "checkout-overview.yaml").read_text())
    dev = _by_uid(dashboard_tree.load("dev"))["checkout-latency"]
    prod = _by_uid(dashboard_tree.load("prod"))["checkout-latency"]
    steps = lambda d: thaw(d.config)["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"]  # noqa: E731
    assert steps(dev)[1]["value"] == 1.0  # environments/dev.yaml: p95_latency_seconds 1
    assert steps(prod)[1]["value"] == 0.5  # environments/prod.yaml: p95_latency_seconds 0.5


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
    config = thaw(_by_uid(dashboard_tree.load("staging"))["legend"].config)
    assert config["panels"][0]["description"] == "staging view"
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
