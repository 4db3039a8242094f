"""Grid and identity rules Grafana does not enforce on save but renders badly: unique panel ids, panels inside the
24 columns, no two panels on the same cells (checked among top-level panels and within each collapsed row)."""
from __future__ import annotations

from typing import Any

from ...errors import Problem
from ..model import Dashboard
from ...dashboard_panels import panels_of
from .locations import panel_label, place

COLUMNS = 24


def _grid(panel: dict[str, Any]) -> tuple[int, int, int, int] | None:
    grid = panel.get("gridPos")
    if not isinstance(grid, dict):
        return None
    values = [grid.get(k) for k in ("x", "y", "w", "h")]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    return tuple(values)  # type: ignore[return-value]


def _overlaps(dashboard: Dashboard, panels: list[dict[str, Any]]) -> list[Problem]:
    problems = []
    placed: list[tuple[dict[str, Any], tuple[int, int, int, int]]] = []
    for panel in panels:
        grid = _grid(panel)
        if grid is None:
            continue
        x, y, w, h = grid
        if panel.get("type") == "row":
            h = 1  # Grafana's grid shows every row one cell high, whatever its gridPos says
        for other, (ox, oy, ow, oh) in placed:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                problems.append(Problem(dashboard.file, place(dashboard.uid, panel),
                                        f"gridPos {{x: {x}, y: {y}, w: {w}, h: {h}}} overlaps {panel_label(other)} "
                                        f"at {{x: {ox}, y: {oy}, w: {ow}, h: {oh}}}"))
                break
        placed.append((panel, (x, y, w, h)))
    return problems


def structure_problems(dashboard: Dashboard, config: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[int, dict[str, Any]] = {}
    for panel in panels_of(config):
        panel_id = panel.get("id")
        if not isinstance(panel_id, int) or isinstance(panel_id, bool):
            problems.append(Problem(dashboard.file, place(dashboard.uid, panel), "needs an integer id"))
        elif panel_id in seen:
            problems.append(Problem(dashboard.file, place(dashboard.uid, panel),
                                    f"id {panel_id} is also used by {panel_label(seen[panel_id])}"))
        else:
            seen[panel_id] = panel
        grid = _grid(panel)
        if grid is None:
            problems.append(Problem(dashboard.file, place(dashboard.uid, panel),
                                    "needs a gridPos with integer x, y, w and h"))
            continue
        x, y, w, h = grid
        if x < 0 or y < 0 or w < 1 or h < 1:
            problems.append(Problem(dashboard.file, place(dashboard.uid, panel),
                                    f"gridPos {{x: {x}, y: {y}, w: {w}, h: {h}}} needs x, y >= 0 and w, h >= 1"))
        elif x + w > COLUMNS:
            problems.append(Problem(dashboard.file, place(dashboard.uid, panel),
                                    f"gridPos x {x} + w {w} = {x + w} extends past the {COLUMNS} grid columns"))
    top = [p for p in config.get("panels") or [] if isinstance(p, dict)]
    problems += _overlaps(dashboard, top)
    for row in top:
        if row.get("type") == "row" and row.get("collapsed"):
            problems += _overlaps(dashboard, [p for p in row.get("panels") or [] if isinstance(p, dict)])
    return problems
