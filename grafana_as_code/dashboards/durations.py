"""Grafana durations ("30s", "5m", "1d") as used by refresh rates and intervals, and the per-environment floor."""
from __future__ import annotations

import re

_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
DURATION = re.compile(r"^(\d+)(ms|s|m|h|d|w|y)$")


def seconds(text: str) -> float | None:
    """Seconds in a single-unit duration, or None when ``text`` is not one."""
    match = DURATION.match(text)
    return int(match.group(1)) * _SECONDS[match.group(2)] if match else None


def total_seconds(text: str) -> float | None:
    """Seconds in a possibly compound duration such as ``1h30m`` (the form environments use for min_refresh)."""
    parts = re.findall(r"(\d+)(ms|s|m|h|d|w|y)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(int(n) * _SECONDS[u] for n, u in parts)


def at_least(refresh: str, minimum: str | None) -> str:
    """``refresh`` slowed down to ``minimum``: an environment may forbid fast auto-refresh (load on its Prometheus).

    An empty refresh means "off" and stays off; Grafana would otherwise clamp it itself and report a change.
    """
    if not refresh or not minimum:
        return refresh
    current, floor = seconds(refresh), total_seconds(minimum)
    if current is None or floor is None or current >= floor:
        return refresh
    return minimum
