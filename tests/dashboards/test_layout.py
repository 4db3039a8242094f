"""Automatic layout on the 24-column grid, rows, explicit positions and the grid rules of the validator."""
from __future__ import annotations

from grafana_as_code.dashboards.layout import GridCursor
from grafana_as_code.environment import thaw


def positions(config):
    return [(p["title"], p["gridPos"]["x"], p["gridPos"]["y"], p["gridPos"]["w"], p["gridPos"]["h"])
            for p in config["panels"]]


def test_panels_flow_wrap_and_rows_reset_x(dashboard_tree):
    dashboard_tree.write("flow.yaml", """\
        title: Flow
        datasource: prometheus
        panels:
          - {type: stat, title: s1, queries: [{expr: up}]}
          - {type: stat, title: s2, queries: [{expr: up}]}
          - {type: timeseries, title: t1, queries: [{expr: up}]}
          - {type: timeseries, title: t2, queries: [{expr: up}]}
          - row: Details
          - {type: piechart, title: p1, queries: [{expr: up}]}
          - {type: logs, title: l1, datasource: loki, queries: [{expr: '{job="a"}'}]}
        """)
    config = thaw(dashboard_tree.load()[0].config)
    assert positions(config) == [
        ("s1", 0, 0, 6, 4), ("s2", 6, 0, 6, 4), ("t1", 12, 0, 12, 8),
        ("t2", 0, 4, 12, 8),  # wraps, and rises into the space under the short stats
        ("Details", 0, 12, 24, 1), ("p1", 0, 13, 8, 8), ("l1", 0, 21, 24, 10)]
    assert [p["id"] for p in config["panels"]] == [1, 2, 3, 4, 5, 6, 7]


def test_explicit_grid_position_and_ids_are_kept(dashboard_tree):
    dashboard_tree.write("explicit.yaml", """\
        title: Explicit
        datasource: prometheus
        panels:
          - {type: stat, title: a, id: 2, queries: [{expr: up}]}
          - {type: stat, title: b, gridPos: {x: 12, y: 0, w: 12, h: 6}, queries: [{expr: up}]}
          - {type: stat, title: c, queries: [{expr: up}]}
        """)
    config = thaw(dashboard_tree.load()[0].config)
    assert positions(config) == [("a", 0, 0, 6, 4), ("b", 12, 0, 12, 6), ("c", 0, 4, 6, 4)]
    assert [p["id"] for p in config["panels"]] == [2, 1, 3]


def test_collapsed_row_holds_its_panels(dashboard_tree):
    dashboard_tree.write("collapsed.yaml", """\
        title: Collapsed
        datasource: prometheus
        panels:
          - {type: stat, title: top, queries: [{expr: up}]}
          - {row: More, collapsed: true}
          - {type: timeseries, title: inner1, queries: [{expr: up}]}
          - {type: timeseries, title: inner2, queries: [{expr: up}]}
          - row: Next
        """)
    config = thaw(dashboard_tree.load()[0].config)
    assert positions(config) == [("top", 0, 0, 6, 4), ("More", 0, 4, 24, 1), ("Next", 0, 5, 24, 1)]
    assert [(p["title"], p["gridPos"]) for p in config["panels"][1]["panels"]] == [
        ("inner1", {"h": 8, "w": 12, "x": 0, "y": 5}), ("inner2", {"h": 8, "w": 12, "x": 12, "y": 5})]


def test_cursor_wraps_when_the_next_panel_does_not_fit():
    cursor = GridCursor()
    assert cursor.place(20, 4) == {"h": 4, "w": 20, "x": 0, "y": 0}
    assert cursor.place(6, 3) == {"h": 3, "w": 6, "x": 0, "y": 4}
    assert cursor.row() == {"h": 1, "w": 24, "x": 0, "y": 7}
