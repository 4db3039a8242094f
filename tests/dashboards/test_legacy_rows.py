"""The legacy rows model migrated to grid panels exactly where Grafana's DashboardMigrator (schemaVersion 16 step,
``upgradeToGridLayout``) puts them; positions below are worked out by hand from that algorithm."""
from __future__ import annotations

from grafana_as_code.dashboards.legacy_rows import grid_height, migrate_rows


def positions(config):
    out = []
    for panel in config["panels"]:
        out.append((panel["type"], panel.get("title"), tuple(panel["gridPos"][k] for k in "xywh")))
        out += [("  in row", inner.get("title"), tuple(inner["gridPos"][k] for k in "xywh"))
                for inner in panel.get("panels", [])]
    return out


def test_heights_are_grid_cells_of_38_pixels_at_least_three():
    assert grid_height(250) == 7 and grid_height("250px") == 7 and grid_height("350px") == 10
    assert grid_height(40) == 3  # MIN_PANEL_HEIGHT is 3 cells of 30 px: ceil(90 / 38)
    assert grid_height(None) == 7


def test_untitled_rows_stack_their_panels_without_row_panels():
    config = {"rows": [
        {"panels": [{"id": 1, "span": 6, "title": "a", "type": "graph"}, {"id": 2, "span": 6, "title": "b",
                                                                           "type": "graph"}]},
        {"height": "350px", "panels": [{"id": 3, "span": 12, "title": "c", "type": "graph"}]},
    ], "hideControls": False, "schemaVersion": 14}
    migrated = migrate_rows(config)
    assert "rows" not in migrated and "hideControls" not in migrated and migrated["schemaVersion"] == 14
    assert positions(migrated) == [("graph", "a", (0, 0, 12, 7)), ("graph", "b", (12, 0, 12, 7)),
                                   ("graph", "c", (0, 7, 24, 10))]


def test_panels_wrap_inside_their_row_and_default_to_span_4():
    config = {"rows": [{"panels": [
        {"id": 1, "span": 8, "title": "a", "type": "graph"}, {"id": 2, "title": "b", "type": "graph"},
        {"id": 3, "span": 6, "title": "c", "type": "graph"}, {"id": 4, "span": 6, "height": 500, "title": "d",
                                                               "type": "graph"}]}]}
    assert positions(migrate_rows(config)) == [
        ("graph", "a", (0, 0, 16, 7)), ("graph", "b", (16, 0, 8, 7)),   # span 4 (the default) is 8 columns
        ("graph", "c", (0, 7, 12, 7)), ("graph", "d", (12, 7, 12, 14)),  # the row is full: wrap below it
    ]


def test_a_titled_or_collapsed_row_becomes_a_row_panel_and_collapsed_ones_keep_their_panels():
    config = {"rows": [
        {"title": "Top", "showTitle": True, "panels": [{"id": 5, "span": 12, "title": "a", "type": "graph"}]},
        {"title": "Hidden", "collapse": True, "repeat": "job",
         "panels": [{"id": 6, "span": 6, "title": "b", "type": "graph"}]},
        {"title": "Copy", "repeatIteration": 1, "panels": [{"id": 7, "title": "copy", "type": "graph"}]},
        {"title": "Last", "panels": [{"id": 8, "span": 12, "title": "c", "type": "graph"}]},
    ]}
    migrated = migrate_rows(config)
    assert positions(migrated) == [
        ("row", "Top", (0, 0, 24, 1)), ("graph", "a", (0, 1, 24, 7)),
        ("row", "Hidden", (0, 8, 24, 1)), ("  in row", "b", (0, 9, 12, 7)),
        ("row", "Last", (0, 9, 24, 1)), ("graph", "c", (0, 10, 24, 7)),
    ]
    rows = [p for p in migrated["panels"] if p["type"] == "row"]
    assert [(r["id"], r["collapsed"], r.get("repeat")) for r in rows] == [(9, False, None), (10, True, "job"),
                                                                          (11, False, None)]


def test_an_empty_rows_list_is_dropped_without_a_warning() -> None:
    """Exports of schemaVersion < 16 often keep `rows: []` beside grid panels (Grafana's mixins do): Grafana drops the
    key and nothing moves, so there is nothing to warn about; a real row still warns."""
    from grafana_as_code.dashboards.repair import repair_dashboard
    from grafana_as_code.errors import collecting_warnings

    panel = {"id": 1, "type": "stat", "title": "Up", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0}}
    with collecting_warnings() as warnings:
        repaired = repair_dashboard({"uid": "u", "schemaVersion": 14, "rows": [], "panels": [panel]}, "d.json")
    assert "rows" not in repaired and [p["title"] for p in repaired["panels"]] == ["Up"]
    assert [str(w) for w in warnings] == []
    with collecting_warnings() as warnings:
        repair_dashboard({"uid": "u", "schemaVersion": 14, "rows": [{"panels": [dict(panel)]}]}, "d.json")
    assert [w.field for w in warnings] == ["rows"]
