"""Value mappings of the old shapes (``{type: 1, value, text}``, ``{type: 2, from, to, text}``, before Grafana 8)
upgraded to the current mapping objects, as Grafana's DashboardMigrator does (``upgradeValueMappings`` in
public/app/features/dashboard/state/DashboardMigrator.ts): all value->text entries in one ``value`` mapping, the
colour taken from the thresholds, ``"null"`` as a special-value mapping."""
from __future__ import annotations

from typing import Any


def _upgrade_value_mappings(old: list[Any], thresholds: Any) -> list[Any]:
    """Grafana's ``upgradeValueMappings``: ``{type: 1, value, text}`` / ``{type: 2, from, to, text}`` to the
    current mapping objects, all value->text entries in one ``value`` mapping (colours from the thresholds)."""
    values: dict[str, Any] = {}
    result: list[Any] = []
    steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
    for item in old:
        if not isinstance(item, dict):
            continue
        if item.get("type") and item.get("options"):
            if item["type"] == "value" and isinstance(item["options"], dict):
                values.update(item["options"])
            else:
                result.append(item)
            continue
        text = item.get("text")
        mapped: dict[str, Any] = {"text": text}
        colour = _threshold_colour(text, steps)
        if colour:
            mapped["color"] = colour
        if item.get("type") in (1, "1") and item.get("value") is not None:
            if item["value"] == "null":
                result.append({"options": {"match": "null", "result": mapped}, "type": "special"})
            else:
                values[str(item["value"])] = mapped
        elif item.get("type") in (2, "2"):
            result.append({"options": {"from": _number(item.get("from")), "result": mapped,
                                       "to": _number(item.get("to"))}, "type": "range"})
    if values:
        result.insert(0, {"options": values, "type": "value"})
    return result


def _number(value: Any) -> float | int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _threshold_colour(text: Any, steps: Any) -> str | None:
    number = _number(text)
    if number is None or not isinstance(steps, list):
        return None
    colour = None
    for step in steps:
        if isinstance(step, dict):
            limit = step.get("value")
            if limit is None or (isinstance(limit, (int, float)) and number >= limit):
                colour = step.get("color")
    return colour


def _is_old_mappings(mappings: Any) -> bool:
    return isinstance(mappings, list) and any(isinstance(m, dict) and isinstance(m.get("type"), int) for m in mappings)


def upgrade_mappings(panel: dict[str, Any]) -> bool:
    field_config = panel.get("fieldConfig")
    if not isinstance(field_config, dict):
        return False
    changed = False
    defaults = field_config.get("defaults")
    if isinstance(defaults, dict) and _is_old_mappings(defaults.get("mappings")):
        defaults["mappings"] = _upgrade_value_mappings(defaults["mappings"], defaults.get("thresholds"))
        changed = True
    for override in field_config.get("overrides") or []:
        for prop in (override.get("properties") or []) if isinstance(override, dict) else []:
            if isinstance(prop, dict) and prop.get("id") == "mappings" and _is_old_mappings(prop.get("value")):
                prop["value"] = _upgrade_value_mappings(prop["value"], None)
                changed = True
    return changed
