"""Automatic placement on Grafana's 24-column grid.

Panels flow left to right in the order written and wrap to column 0 when the next one does not fit. A panel
drops only as far as the columns it covers require: Grafana floats panels up itself when it loads a dashboard
(vertical compaction), so placing them anywhere lower would render differently from the JSON we store. A row
takes a full-width line below everything so far and restarts the flow at column 0. A panel with an explicit
``gridPos`` is placed exactly there and the flow continues to its right.
"""
from __future__ import annotations

from dataclasses import dataclass, field

GRID_COLUMNS = 24
ROW_HEIGHT = 1

# (width, height) when a spec gives neither: small single-value panels side by side, graphs two per line,
# event lists and trace views full width.
DEFAULT_SIZE: dict[str, tuple[int, int]] = {
    "stat": (6, 4),
    "gauge": (6, 6),
    "bargauge": (12, 8),
    "timeseries": (12, 8),
    "table": (12, 8),
    "heatmap": (12, 8),
    "piechart": (8, 8),
    "state-timeline": (24, 6),
    "logs": (24, 10),
    "traces": (24, 12),
    "nodeGraph": (24, 12),
    "text": (24, 3),
}


@dataclass
class GridCursor:
    """Where the next automatically placed panel goes: a column cursor and the first free y of every column."""

    x: int = 0
    skyline: list[int] = field(default_factory=lambda: [0] * GRID_COLUMNS)

    @classmethod
    def below(cls, y: int) -> GridCursor:
        return cls(skyline=[y] * GRID_COLUMNS)

    def place(self, width: int, height: int) -> dict[str, int]:
        if self.x + width > GRID_COLUMNS:
            self.x = 0
        y = max(self.skyline[self.x:self.x + width])
        return self.place_at(self.x, y, width, height)

    def place_at(self, x: int, y: int, width: int, height: int) -> dict[str, int]:
        for column in range(max(x, 0), min(x + width, GRID_COLUMNS)):
            self.skyline[column] = max(self.skyline[column], y + height)
        self.x = x + width
        return {"h": height, "w": width, "x": x, "y": y}

    def row(self) -> dict[str, int]:
        y = max(self.skyline)
        self.skyline = [y + ROW_HEIGHT] * GRID_COLUMNS
        self.x = 0
        return {"h": ROW_HEIGHT, "w": GRID_COLUMNS, "x": 0, "y": y}
