"""Naming a place in a rendered dashboard the way a reader finds it: dashboard uid, panel id and title, query."""
from __future__ import annotations

from typing import Any


def panel_label(panel: dict[str, Any]) -> str:
    title = panel.get("title")
    kind = "row" if panel.get("type") == "row" else "panel"
    return f"{kind} {panel.get('id', '?')} {title!r}" if title else f"{kind} {panel.get('id', '?')}"


def place(uid: str, panel: dict[str, Any] | None = None, query: str | None = None) -> str:
    parts = [f"dashboard {uid!r}"]
    if panel is not None:
        parts.append(panel_label(panel))
    if query is not None:
        parts.append(query)
    return ", ".join(parts)


def target_label(target: dict[str, Any], index: int) -> str:
    ref = target.get("refId")
    return f"query {ref}" if isinstance(ref, str) and ref else f"query #{index + 1}"
