"""Known permanent-diff noise of the Grafana provider: differences that are not a person's edit.

Each rule names why a difference is not drift, so a drift report can show its reasoning instead of hiding things.
The rules come from the provider's documented normalizations and issues (see ../shared/reference/
grafana-provider.md): equal durations (#941), JSON re-marshalling of config_json and models, ``id``/``version``
bumped by Grafana and stripped by the provider (#223), model defaults it strips (#948, #936), schema migrations
Grafana runs when a dashboard is opened (grafana/grafana#104213), set order, and empty-versus-unset values.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .findings import MISSING, Finding

_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y))+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_EMPTY = (None, "", [], {})
# (key, value) pairs the provider drops from rule models when Grafana returns them (defaults, #948/#936).
_MODEL_DEFAULTS = {("intervalMs", 1000), ("maxDataPoints", 43200)}
# Dashboard fields Grafana rewrites on its own: version counters and schema migrations.
_GRAFANA_MANAGED = {
    "version": "a version counter Grafana bumps on every save",
    "schemaVersion": "migrated by Grafana when the dashboard is opened or saved",
    "pluginVersion": "migrated by Grafana when the panel's plugin is updated",
}


def seconds(text: str) -> float | None:
    """``1h30m`` → 5400.0; ``0`` → 0.0; None when the text is not a duration."""
    if text == "0":
        return 0.0
    if not _DURATION.match(text):
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(text))


def reason(resource_type: str, finding: Finding) -> str | None:
    """Why ``finding`` is provider noise, or None when it is a real difference."""
    before, after = finding.before, finding.after
    key = finding.path[-1] if finding.path else None
    if finding.reformatted:
        return finding.note or "same JSON: only key order or whitespace differ"
    if finding.note:  # a described change (panel moved, retitled, added): always a person's doing
        return None
    if finding.kind == "reordered":
        return "same elements in another order"
    if _empty(before) and _empty(after):
        return "empty and unset are the same to the provider"
    if isinstance(before, str) and isinstance(after, str):
        if before.strip() == after.strip():
            return "only leading or trailing whitespace differs (the provider trims it)"
        old, new = seconds(before), seconds(after)
        if old is not None and old == new:
            return f"equal durations ({before} = {after})"
        if key == "folder" and {before, after} <= {"", "0"}:
            return "both mean the General folder"
    if (finding.added or finding.removed) and (key, after if finding.added else before) in _MODEL_DEFAULTS:
        return "a default the provider strips from rule models"
    if resource_type == "grafana_dashboard" and key in _GRAFANA_MANAGED and not finding.note:
        return _GRAFANA_MANAGED[key]
    return None


def _empty(value: Any) -> bool:
    return value is MISSING or (not isinstance(value, bool) and value in _EMPTY)


def case_only_renames(findings: list[Finding]) -> dict[int, str]:
    """Map keys that differ only in case with equal values (Grafana canonicalizes e.g. header names).

    Returns the indexes of such removed/added pairs in ``findings`` with the reason.
    """
    removed: dict[tuple, list[int]] = defaultdict(list)
    noisy: dict[int, str] = {}
    for index, finding in enumerate(findings):
        if finding.removed and finding.path and isinstance(finding.path[-1], str):
            removed[(*finding.path[:-1], finding.path[-1].lower())].append(index)
    for index, finding in enumerate(findings):
        if not (finding.added and finding.path and isinstance(finding.path[-1], str)):
            continue
        for other in removed.get((*finding.path[:-1], finding.path[-1].lower()), []):
            if findings[other].before == finding.after and other not in noisy:
                why = f"same key in another case ({findings[other].path[-1]} → {finding.path[-1]})"
                noisy[other] = noisy[index] = why
                break
    return noisy


def split(resource_type: str, findings: list[Finding]) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """Findings that are real drift, and those that are noise with the reason."""
    renamed = case_only_renames(findings)
    real: list[Finding] = []
    noise: list[tuple[Finding, str]] = []
    for index, finding in enumerate(findings):
        why = renamed.get(index) or reason(resource_type, finding)
        if why:
            noise.append((finding, why))
        else:
            real.append(finding)
    return real, noise
