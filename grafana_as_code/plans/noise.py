"""Differences between two of Grafana's own answers that are not a person's edit ("noise"), with their reasons.

They are recognised only in ``resource_drift`` (a refresh: the last state against Grafana's answer now), where both
sides come from Grafana, so a difference in spelling cannot be anybody's edit. A difference Terraform *plans*
(``resource_changes``) is never noise: apply would rewrite the object on every run, which is a permanent diff to
fix, not to hide (drift_report reports it as one). That is why our stacks write every value the way Grafana returns
it (grafana_as_code/readback.py).

``RULES`` is the list, one row per kind of noise, with who causes it (the provider's normalizations and issues, see
../shared/reference/grafana-provider.md) and whether our own stacks can still produce it as a planned change: the
goal is that none can, and ``OUR_STACKS_CAN_PRODUCE`` names the rows that still do.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from dataclasses import dataclass

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


@dataclass(frozen=True)
class NoiseRule:
    name: str
    cause: str  # who makes the difference, and why no way of writing our values avoids it in a refresh
    ours: str | None  # None: our stacks never produce it as a planned change; else when they still can
    prevented_by: tuple[str, ...] = ()  # the readback.READ_BACK rows that keep it out of our plans


RULES: tuple[NoiseRule, ...] = (
    NoiseRule("json reformatted", "the provider re-encodes JSON attributes (config_json, rule models, json_data) "
              "with Go's encoding/json in its StateFuncs; an older state may hold another encoding", None,
              ("dashboard config_json", "rule model", "data source json_data_encoded")),
    NoiseRule("reordered", "Terraform prints the elements of a set in hash order", None),
    NoiseRule("empty and unset", "the SDKv2 provider reads an unset optional value back as empty", None),
    NoiseRule("whitespace", "Grafana trims message templates; the provider compares them trimmed", None,
              ("message template",)),
    NoiseRule("equal durations", "Grafana returns durations in its own spelling (model.Duration: 24h → 1d; rule "
              "for: 5m0s)", None, ("policy group_interval", "policy repeat_interval", "policy group_wait",
                                   "rule for", "rule keep_firing_for", "rule notification_settings group_wait",
                                   "rule notification_settings group_interval",
                                   "rule notification_settings repeat_interval")),
    NoiseRule("General folder", "a dashboard in the General folder reads back as folder \"\" or \"0\"", None),
    NoiseRule("model defaults", "Grafana adds intervalMs 1000 / maxDataPoints 43200 to rule models; the provider "
              "strips them (#948, #936)", None, ("rule model",)),
    NoiseRule("Grafana-managed dashboard fields", "Grafana bumps version on every save, and Grafana 12.0.0 migrated "
              "schemaVersion/pluginVersion when reading a dashboard (grafana/grafana#104213, fixed in 12.0.1)",
              "against Grafana 12.0.0 only, for a dashboard whose schemaVersion is older than Grafana's",
              ("dashboard config_json",)),
    NoiseRule("header name case", "HTTP header names are case-insensitive; a Grafana that stores them canonically "
              "returns X-Scope-Orgid for X-Scope-OrgID", None, ("data source http_headers names",)),
)
OUR_STACKS_CAN_PRODUCE = tuple(rule.name for rule in RULES if rule.ours)


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
    value = after if finding.added else before
    if (finding.added or finding.removed) and isinstance(value, (int, float, str)) and (key, value) in _MODEL_DEFAULTS:
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
