"""The legacy ``rows`` model (dashboards saved before Grafana 5, ``schemaVersion`` < 16) turned into grid panels.

Grafana still loads such dashboards: its frontend migrates them on load. This is the same migration, step for
step, so the panels land where Grafana puts them: ``upgradeToGridLayout`` and ``RowArea`` in Grafana's
public/app/features/dashboard/state/DashboardMigrator.ts (the ``oldVersion < 16`` step), with the constants of
public/app/core/constants.ts (GRID_CELL_HEIGHT 30, GRID_CELL_VMARGIN 8, GRID_COLUMN_COUNT 24,
DEFAULT_PANEL_SPAN 4, DEFAULT_ROW_HEIGHT 250, MIN_PANEL_HEIGHT = 3 cells). The old 12-column ``span`` becomes a
width on the 24-column grid, pixel heights become grid cells, and a row becomes a ``row`` panel when any row is
collapsed, repeated or shows its title (otherwise the panels are simply stacked).

``schemaVersion`` is left as it was: Grafana's own v16 step does nothing once ``rows`` is gone, and the other old
steps still run on the panels exactly as they would have.
"""
from __future__ import annotations

import math
from typing import Any

GRID_CELL_HEIGHT = 30
GRID_CELL_VMARGIN = 8
GRID_COLUMN_COUNT = 24
DEFAULT_PANEL_SPAN = 4
DEFAULT_ROW_HEIGHT = 250
MIN_PANEL_HEIGHT = GRID_CELL_HEIGHT * 3
LEGACY_TOP_KEYS = ("rows", "hideControls")  # hideControls: the pre-5.0 "hide controls" toggle, gone since
# Top-level keys of old dashboards that Grafana's DashboardMigrator still reads on load (sharedCrosshair becomes
# graphTooltip in its schemaVersion 14 step): kept in the JSON so Grafana migrates them; no schema matter.
MIGRATED_BY_GRAFANA = frozenset({"sharedCrosshair", "nav", "pulldowns", "services"})


def grid_height(height: Any) -> int:
    """Pixels (``250`` or ``"250px"``) to grid cells, as Grafana's ``getGridHeight``."""
    if isinstance(height, str):
        digits = height.strip().removesuffix("px").strip()
        try:
            height = int(float(digits))
        except ValueError:
            height = DEFAULT_ROW_HEIGHT
    if not isinstance(height, (int, float)) or isinstance(height, bool):
        height = DEFAULT_ROW_HEIGHT
    height = max(height, MIN_PANEL_HEIGHT)
    return math.ceil(height / (GRID_CELL_HEIGHT + GRID_CELL_VMARGIN))


class _RowArea:
    """The cells of one legacy row filled so far: ``area[column]`` is how far down that column is used."""

    def __init__(self, height: int, y: int):
        self.area = [0] * GRID_COLUMN_COUNT
        self.y = y
        self.height = height

    def add(self, grid: dict[str, int]) -> None:
        for column in range(grid["x"], min(grid["x"] + grid["w"], GRID_COLUMN_COUNT)):
            bottom = grid["y"] + grid["h"] - self.y
            if not self.area[column] or bottom > self.area[column]:
                self.area[column] = bottom

    def position(self, width: int, again: bool = False) -> tuple[int, int] | None:
        """Grafana's ``getPanelPosition``: the free run of columns at the right end, else wrap below the row."""
        start = end = None
        for column in range(len(self.area) - 1, -1, -1):
            if self.height - self.area[column] > 0:
                if end is None:
                    end = column
                elif column < len(self.area) - 1 and self.area[column] <= self.area[column + 1]:
                    start = column
                else:
                    break
            else:
                break
        if start is not None and end is not None and end - start >= width - 1:
            return start, max(self.area[start:])
        if again:
            return None
        self.y += self.height
        self.area = [0] * GRID_COLUMN_COUNT
        return self.position(width, again=True)


def has_legacy_rows(config: dict[str, Any]) -> bool:
    return isinstance(config.get("rows"), list)


def migrate_rows(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with ``rows`` moved into ``panels`` (a new dict; the input is not changed)."""
    out = {k: v for k, v in config.items() if k not in LEGACY_TOP_KEYS}
    rows = [r for r in config.get("rows") or [] if isinstance(r, dict)]
    panels: list[dict[str, Any]] = [p for p in config.get("panels") or [] if isinstance(p, dict)]
    ids = [p.get("id") for r in rows for p in r.get("panels") or [] if isinstance(p, dict)]
    ids += [p.get("id") for p in panels]
    numbers = [i for i in ids if isinstance(i, (int, float)) and not isinstance(i, bool)]
    next_row_id = int(max(numbers, default=0)) + 1
    show_rows = any(r.get("collapse") or r.get("showTitle") or r.get("repeat") for r in rows)
    y = 0
    for row in rows:
        if row.get("repeatIteration"):
            continue  # a copy Grafana made when it repeated the row; the original row is kept
        row_height = grid_height(row.get("height") or DEFAULT_ROW_HEIGHT)
        row_panel: dict[str, Any] | None = None
        if show_rows:
            # Grafana builds the row with the row's height, but its grid shows (and saves) every row panel
            # one cell high (DashboardGrid: ``if (panel.type === 'row') { w = GRID_COLUMN_COUNT; h = 1 }``).
            row_panel = {"collapsed": bool(row.get("collapse")), "gridPos": {"h": 1, "w": GRID_COLUMN_COUNT,
                                                                              "x": 0, "y": y},
                         "id": next_row_id, "panels": [], "title": row.get("title", ""), "type": "row"}
            if row.get("repeat"):
                row_panel["repeat"] = row["repeat"]
            next_row_id += 1
            y += 1
        area = _RowArea(row_height, y)
        for legacy in (p for p in row.get("panels") or [] if isinstance(p, dict)):
            panel = {k: v for k, v in legacy.items() if k != "span"}
            span = legacy.get("span") or DEFAULT_PANEL_SPAN
            if legacy.get("minSpan"):
                panel["minSpan"] = min(GRID_COLUMN_COUNT, (GRID_COLUMN_COUNT / 12) * legacy["minSpan"])
            # A span over 12 makes Grafana's placement fail; the widest a panel can be is the whole row.
            width = min(int(math.floor(span)) * (GRID_COLUMN_COUNT // 12), GRID_COLUMN_COUNT)
            height = grid_height(legacy["height"]) if legacy.get("height") else row_height
            position = area.position(width) or (0, 0)
            y = area.y
            panel["gridPos"] = {"h": height, "w": width, "x": position[0], "y": y + position[1]}
            area.add(panel["gridPos"])
            if row_panel is not None and row_panel["collapsed"]:
                row_panel["panels"].append(panel)
            else:
                panels.append(panel)
        if row_panel is not None:
            panels.append(row_panel)
        if not (row_panel is not None and row_panel["collapsed"]):
            y += row_height
    # Grafana's DashboardModel sorts panels by grid position when it loads them (sortPanelsByGridPos).
    out["panels"] = sorted(panels, key=lambda p: (_pos(p, "y"), _pos(p, "x")))
    return out


def _pos(panel: dict[str, Any], key: str) -> float:
    grid = panel.get("gridPos")
    value = grid.get(key) if isinstance(grid, dict) else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
