"""Prometheus rule files (``alerts/rules/<system>.yaml``), loaded strictly into a frozen model.

They are real Prometheus rule files, so promtool checks and unit-tests them; this loader refuses what promtool
refuses (unknown keys, bad durations, unparsable expressions) with a message naming the file and field, so a bad
rule stops synthesis before anything is written, even where promtool is not installed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import promql_parser

from ..errors import UserError
from ..yaml_io import Fields, display_path, load_yaml

# Prometheus' duration syntax: units in descending order, each at most once ("1h30m", "90s", "0s").
PROM_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_UNIT_SECONDS = (31536000, 604800, 86400, 3600, 60, 1, 0.001)
ALERT_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")  # a valid label value for alertname, as Prometheus users write
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")

GROUP_FIELDS = ("name", "interval", "limit", "query_offset", "rules", "labels")
RULE_FIELDS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
DEFAULT_INTERVAL = "1m"  # Prometheus' global evaluation_interval default
MAX_NAME_LENGTH = 190  # Grafana's limit for rule titles and rule group names


def duration_seconds(text: str) -> float | None:
    """Seconds in a Prometheus duration, or None when ``text`` is not one."""
    match = PROM_DURATION.match(text)
    if not match or not text:
        return None
    return sum(int(part) * unit for part, unit in zip(match.groups(), _UNIT_SECONDS) if part)


@dataclass(frozen=True)
class AlertRule:
    alert: str
    expr: str
    for_: str | None
    keep_firing_for: str | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    field: str  # where it is in its file, e.g. "groups[0].rules[2]"


@dataclass(frozen=True)
class RuleGroup:
    name: str
    interval: str  # as written, or Prometheus' default
    rules: tuple[AlertRule, ...]
    field: str

    @property
    def interval_seconds(self) -> float:
        return duration_seconds(self.interval) or 0


@dataclass(frozen=True)
class RuleFile:
    system: str  # the file stem
    file: str
    groups: tuple[RuleGroup, ...]

    @property
    def rules(self) -> list[AlertRule]:
        return [rule for group in self.groups for rule in group.rules]


def _duration(fields: Fields, key: str) -> str | None:
    value = fields.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or duration_seconds(value) is None:
        raise fields.error(key, f"expected a Prometheus duration such as 30s, 5m or 1h30m, got {value!r}")
    return value


def _label_map(fields: Fields, key: str) -> Mapping[str, str]:
    values = fields.str_map(key, {})
    for name in values:
        if not LABEL_NAME.match(name) or name.startswith("__"):
            raise UserError(fields.where, f"{fields.path(key)}.{name}",
                            "is not a valid label name (letters, digits and '_', not starting with a digit or '__')")
    return MappingProxyType(dict(values))


def _expr(fields: Fields) -> str:
    expr = fields.str("expr").strip()
    try:
        promql_parser.parse(expr)
    except Exception as exc:  # the parser raises plain exceptions with the position in the message
        raise fields.error("expr", f"does not parse as PromQL: {exc}") from None
    return expr


def _rule(fields: Fields) -> AlertRule:
    fields.only(RULE_FIELDS)
    if "record" in fields.data:
        raise fields.error("record", "recording rules are not translated to Grafana; keep them in Prometheus or "
                                     "Mimir and alert on the recorded series here")
    alert = fields.str("alert")
    if len(alert) > MAX_NAME_LENGTH:
        raise fields.error("alert", f"is {len(alert)} characters; Grafana allows at most {MAX_NAME_LENGTH}")
    if not ALERT_NAME.match(alert):
        raise fields.error("alert", f"alert names are CamelCase identifiers (letters, digits, '_'), got {alert!r}")
    return AlertRule(alert=alert, expr=_expr(fields), for_=_duration(fields, "for"),
                     keep_firing_for=_duration(fields, "keep_firing_for"), labels=_label_map(fields, "labels"),
                     annotations=_label_map(fields, "annotations"), field=fields.prefix)


def _group(fields: Fields) -> RuleGroup:
    fields.only(GROUP_FIELDS)
    for unsupported in ("limit", "query_offset", "labels"):
        if unsupported in fields.data:
            raise fields.error(unsupported, "has no Grafana equivalent here; remove it (or set it per rule)")
    name = fields.str("name")
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise fields.error("name", f"a group name is 1 to {MAX_NAME_LENGTH} characters (Grafana's limit)")
    interval = _duration(fields, "interval") or DEFAULT_INTERVAL
    rules = tuple(_rule(item) for item in fields.items("rules"))
    if not rules:
        raise fields.error("rules", "a group needs at least one rule")
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.alert in seen:
            raise UserError(fields.where, f"{rule.field}.alert",
                            f"alert {rule.alert!r} is already defined at {seen[rule.alert]}")
        seen[rule.alert] = rule.field
    return RuleGroup(name=name, interval=interval, rules=rules, field=fields.prefix)


def load_rule_file(path: Path) -> RuleFile:
    where = display_path(path)
    fields = Fields(load_yaml(path), where)
    fields.only(("groups",))
    groups = tuple(_group(item) for item in fields.items("groups"))
    if not groups:
        raise UserError(where, "groups", "a rule file needs at least one group")
    names: dict[str, str] = {}
    alerts: dict[str, str] = {}
    for group in groups:
        if group.name in names:
            raise UserError(where, f"{group.field}.name", f"group {group.name!r} is already defined at {names[group.name]}")
        names[group.name] = group.field
        for rule in group.rules:
            # One system is one Grafana folder, where rule titles must be unique.
            if rule.alert in alerts:
                raise UserError(where, f"{rule.field}.alert",
                                f"alert {rule.alert!r} is already defined at {alerts[rule.alert]}; "
                                "alert names are unique within a system (they become Grafana rule titles)")
            alerts[rule.alert] = rule.field
    return RuleFile(system=path.stem, file=where, groups=groups)


def load_rule_files(directory: Path) -> list[RuleFile]:
    """Every ``*.yaml`` under ``directory`` (one per system), sorted by name for stable output."""
    if not directory.is_dir():
        return []
    return [load_rule_file(path) for path in sorted(directory.glob("*.yaml"))]
