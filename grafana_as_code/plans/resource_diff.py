"""What one resource change means, as findings: dashboards by meaning, everything else attribute by attribute.

Shared by the plan report and the drift report, so a change reads the same in a PR comment and in a drift issue.
"""
from __future__ import annotations

from typing import Any

from . import dashboard_diff
from .attribute_diff import diff_values, parse_json_attribute
from .findings import MISSING, Finding, show
from .model import UNKNOWN, ResourceChange

# Resources whose configuration is one JSON document compared by meaning (the key) rather than as text.
DASHBOARD_TYPES = {"grafana_dashboard": "config_json"}
# Names a resource by its most telling attribute in summaries.
_NAME_KEYS = ("name", "title", "uid")
MAX_CREATE_LINES = 15
# Computed attributes that every update makes unknown (Grafana assigns them): listing them says nothing.
_COMPUTED = frozenset({"id", "url", "version", "dashboard_id", "output"})
SAME_DASHBOARD = ("same dashboard: only key order, whitespace, id, version or panel ids differ "
                  "(Grafana sets them; the provider ignores them)")


def update_findings(change: ResourceChange) -> list[Finding]:
    """Findings between the change's before and after; values unknown until apply summed up in one finding."""
    before, after = change.before, change.after
    json_key = DASHBOARD_TYPES.get(change.type)
    findings: list[Finding] = []
    if json_key and isinstance(before, dict) and isinstance(after, dict):
        if before.get(json_key) != after.get(json_key):
            findings += dashboard_diff.dashboard_findings(before.get(json_key), after.get(json_key)) or [
                Finding(json_key, note=SAME_DASHBOARD, reformatted=True)]
        findings += diff_values(before, after, skip=(json_key,))
    else:
        findings += diff_values(before, after)
    unknown = [f for f in findings if f.after is UNKNOWN and f.path[:1] != () and f.path[0] not in _COMPUTED]
    known = [f for f in findings if f.after is not UNKNOWN]  # the computed ones are left out altogether
    if unknown:
        known.append(Finding("known after apply", note=", ".join(f.label for f in unknown), kind="computed"))
    return known


def describe(change: ResourceChange, value: Any) -> str:
    """A created or destroyed object in a few words: ``dashboard “API”: 4 panels, 6 queries``, or its name."""
    if not isinstance(value, dict):
        return ""
    json_key = DASHBOARD_TYPES.get(change.type)
    if json_key and isinstance(value.get(json_key), str):
        return dashboard_diff.summary(value[json_key])
    if change.type == "grafana_library_panel":
        return _library_panel_summary(value)
    for key in _NAME_KEYS:
        if isinstance(value.get(key), str) and value[key]:
            return f"{key} “{value[key]}”"
    return ""


def _library_panel_summary(value: dict[str, Any]) -> str:
    """``library panel “Error rate”: stat, 1 query`` (its model_json is compared key by key when it changes)."""
    model = parse_json_attribute(value.get("model_json"))
    name = value.get("name") if isinstance(value.get("name"), str) else "?"
    if not isinstance(model, dict):
        return f"library panel “{name}”"
    targets = model.get("targets") if isinstance(model.get("targets"), list) else []
    return (f"library panel “{name}”: {model.get('type') or 'panel'}, {len(targets)} "
            f"quer{'y' if len(targets) == 1 else 'ies'}")


def created_lines(change: ResourceChange) -> list[Finding]:
    """What a new object will hold: its scalar attributes and, for nested blocks, their names."""
    after = change.after if isinstance(change.after, dict) else {}
    findings: list[Finding] = []
    description = describe(change, after)
    if description:
        findings.append(Finding("new", note=description, kind="created"))
    for key in sorted(after):
        value = after[key]
        if value is None or value is UNKNOWN or value in ("", [], {}) or key == DASHBOARD_TYPES.get(change.type):
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            names = [next((show(i[k]) for k in ("name", "ref_id", "contact_point") if isinstance(i.get(k), str)),
                          "…") for i in value]
            findings.append(Finding(key, note=f"{len(value)} block(s): {', '.join(names)}", kind="created"))
        elif parse_json_attribute(value) is not MISSING:
            findings.append(Finding(key, note="JSON document", kind="created"))
        else:
            findings.append(Finding(key, MISSING, value, kind="created"))
    return findings[:MAX_CREATE_LINES]


def value_at(value: Any, path: tuple[Any, ...]) -> Any:
    """The value at an attribute path (``replace_paths`` entries), or MISSING."""
    for step in path:
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return MISSING
    return value
