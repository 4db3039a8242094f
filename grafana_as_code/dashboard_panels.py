"""The panels of a Grafana dashboard's JSON, rows and collapsed rows included.

A module of its own, outside ``grafana_as_code.dashboards``, so that readers of plan JSON can walk panels without
importing the dashboard loaders and validators.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def panels_of(config: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every panel, rows included, and the panels stored inside collapsed rows (plain or frozen JSON alike)."""
    panels = config.get("panels")
    for panel in panels if isinstance(panels, (list, tuple)) else []:
        if not isinstance(panel, Mapping):
            continue
        yield panel
        inner_panels = panel.get("panels") if panel.get("type") == "row" else None
        for inner in inner_panels if isinstance(inner_panels, (list, tuple)) else []:
            if isinstance(inner, Mapping):
                yield inner
