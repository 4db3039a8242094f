"""Prometheus rule files (``alerts/rules/<system>.yaml``), loaded into a frozen model.

They are real Prometheus rule files, so promtool checks and unit-tests them; this loader refuses what promtool
refuses (unknown keys, bad durations, unparsable expressions) and accepts what it accepts: alerting and recording
rules mixed in one group, and the same alert name more than once (a warning and a critical tier of
``NodeFilesystemSpaceFillingUp``). Every problem of every file is reported in one run, each located by the group's
and the rule's *name* (``groups[node-exporter].rules[NodeFilesystemSpaceFillingUp#2].for``), never by position.

A Kubernetes ``PrometheusRule`` object is not a rule file (promtool cannot read it); it is refused with the command
that unwraps its ``spec.groups`` into one (``import-rules``, see ``rule_import.py``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import promql_parser

from ..errors import Collector, Problem, UserError, warn
from ..yaml_io import Fields, display_path, load_yaml

# Prometheus' duration syntax: units in descending order, each at most once ("1h30m", "90s", "0s").
PROM_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_UNIT_SECONDS = (31536000, 604800, 86400, 3600, 60, 1, 0.001)
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")  # what `record:` may be (Prometheus and Grafana alike)

# Prometheus 3 group fields: `labels` are added to every rule of the group (Grafana's own Prometheus import does
# the same, pkg/services/ngalert/prom/convert.go) and `query_offset` shifts the queries' time range. `limit` has no
# Grafana equivalent: Grafana's import refuses it too ("limit is not supported", pkg/services/ngalert/prom/models.go).
GROUP_FIELDS = ("name", "interval", "limit", "query_offset", "rules", "labels")
ALERT_FIELDS = ("alert", "expr", "for", "keep_firing_for", "labels", "annotations")
RECORD_FIELDS = ("record", "expr", "labels")  # promtool refuses for/keep_firing_for/annotations on recording rules
DEFAULT_INTERVAL = "1m"  # Prometheus' global evaluation_interval default
MAX_NAME_LENGTH = 190  # Grafana's limit for rule titles and rule group names, in bytes (Go's len: AlertRuleMaxTitleLength
# and AlertRuleMaxRuleGroupNameLength, pkg/services/ngalert/api/validation/api_ruler_validation.go)


def too_long(name: str) -> bool:
    """Over Grafana's limit, which counts UTF-8 bytes: an alert name of 100 "é" is 200 bytes."""
    return len(name.encode()) > MAX_NAME_LENGTH


def duration_seconds(text: str) -> float | None:
    """Seconds in a Prometheus duration, or None when ``text`` is not one."""
    match = PROM_DURATION.match(text)
    if not match or not text:
        return None
    return sum(int(part) * unit for part, unit in zip(match.groups(), _UNIT_SECONDS) if part)


@dataclass(frozen=True)
class Rule:
    """One alerting rule (``alert:``) or recording rule (``record:``) of a group."""

    name: str  # the alert name, or the metric a recording rule writes
    expr: str
    for_: str | None
    keep_firing_for: str | None
    labels: Mapping[str, str]  # the group's labels, then the rule's own (as Prometheus applies them)
    annotations: Mapping[str, str]
    field: str  # where it is in its file, by name: "groups[node].rules[NodeDown]" ("…rules[NodeDown#2]" for a repeat)
    record: bool = False

    @property
    def alert(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        return "recording rule" if self.record else "alert"


AlertRule = Rule  # the name it had when rule files held alerts only


@dataclass(frozen=True)
class RuleGroup:
    name: str
    interval: str  # as written, or Prometheus' default
    rules: tuple[Rule, ...]
    field: str
    query_offset: str | None = None

    @property
    def interval_seconds(self) -> float:
        return duration_seconds(self.interval) or 0

    @property
    def query_offset_seconds(self) -> int:
        return int(duration_seconds(self.query_offset) or 0) if self.query_offset else 0


@dataclass(frozen=True)
class RuleFile:
    system: str  # the file stem
    file: str
    groups: tuple[RuleGroup, ...]

    @property
    def rules(self) -> list[Rule]:
        return [rule for group in self.groups for rule in group.rules]


def _duration(fields: Fields, key: str) -> str | None:
    value = fields.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or duration_seconds(value) is None:
        raise fields.error(key, f"expected a Prometheus duration such as 30s, 5m or 1h30m, got {value!r}")
    return value


def _label_map(fields: Fields, key: str, problems: Collector) -> dict[str, str]:
    values = {}
    with problems.guard():
        values = dict(fields.str_map(key, {}))
    for name in list(values):
        if not LABEL_NAME.match(name) or name.startswith("__"):
            problems.add(*UserError(fields.where, f"{fields.path(key)}.{name}", "is not a valid label name (letters, "
                                    "digits and '_', not starting with a digit or '__')").problems)
            del values[name]
    return values


def _expr(fields: Fields) -> str:
    expr = fields.str("expr").strip()
    try:
        promql_parser.parse(expr)
    except Exception as exc:  # the parser raises plain exceptions with the position in the message
        raise fields.error("expr", f"does not parse as PromQL: {exc}") from None
    return expr


def _name(fields: Fields, problems: Collector) -> tuple[str | None, bool]:
    """The rule's name and whether it records; None when neither is usable (the problem is recorded)."""
    alert, record = fields.data.get("alert"), fields.data.get("record")
    if (alert is None) == (record is None):
        problems.add(*UserError(fields.where, fields.prefix, "a rule has exactly one of `alert` or `record`").problems)
        return None, False
    key = "record" if record is not None else "alert"
    value = alert if record is None else record
    if not isinstance(value, str) or not value.strip():
        problems.add(*fields.error(key, f"expected a non-empty string, got {value!r}").problems)
        return None, key == "record"
    if key == "record" and not METRIC_NAME.match(value):
        problems.add(*fields.error(key, f"{value!r} is not a valid metric name (letters, digits, '_' and ':', not "
                                        "starting with a digit)").problems)
        return None, True
    if too_long(value):
        size = len(value.encode())
        unit = "characters" if size == len(value) else f"bytes in UTF-8 ({len(value)} characters)"
        problems.add(*fields.error(key, f"is {size} {unit}; Grafana allows at most {MAX_NAME_LENGTH} bytes"
                                   ).problems)
        return None, key == "record"
    return value, key == "record"


def _rule(fields: Fields, group_labels: Mapping[str, str], problems: Collector) -> Rule | None:
    """One rule; every problem of it is recorded in ``problems`` (None when it cannot be built)."""
    found = len(problems.problems)
    name, record = _name(fields, problems)
    if not ("alert" in fields.data and "record" in fields.data):  # both: already said, not "unknown field" too
        with problems.guard():
            fields.only(RECORD_FIELDS if record else ALERT_FIELDS)
    expr = for_ = keep_firing_for = None
    with problems.guard():
        expr = _expr(fields)
    if not record:
        with problems.guard():
            for_ = _duration(fields, "for")
        with problems.guard():
            keep_firing_for = _duration(fields, "keep_firing_for")
    labels = {**group_labels, **_label_map(fields, "labels", problems)}
    annotations = {} if record else _label_map(fields, "annotations", problems)
    if name is None or expr is None or len(problems.problems) > found:
        return None
    return Rule(name=name, expr=expr, for_=for_, keep_firing_for=keep_firing_for,
                labels=MappingProxyType(labels), annotations=MappingProxyType(annotations), field=fields.prefix,
                record=record)


def _named(items: list[Fields], names: list[Any], prefix: str) -> list[Fields]:
    """The same Fields, located by name instead of position: ``rules[NodeDown]``, ``rules[NodeDown#2]`` for a repeat.

    An item without a usable name keeps its position (``rules[3]``): that is all there is to go by.
    """
    seen: Counter[str] = Counter()
    out = []
    for index, (item, name) in enumerate(zip(items, names)):
        if isinstance(name, str) and name.strip() and not too_long(name):
            seen[name] += 1
            label = name if seen[name] == 1 else f"{name}#{seen[name]}"
        else:
            label = str(index)
        out.append(Fields(item.data, item.where, f"{prefix}[{label}]"))
    return out


def _group(fields: Fields, problems: Collector) -> RuleGroup | None:
    found = len(problems.problems)
    with problems.guard():
        fields.only(GROUP_FIELDS)
    if "limit" in fields.data:
        problems.add(*fields.error("limit", "has no Grafana equivalent (Grafana's own Prometheus import refuses it "
                                            "too); remove it").problems)
    name = fields.data.get("name")
    if not isinstance(name, str) or not name.strip() or too_long(name):
        problems.add(*fields.error("name", f"a group name is 1 to {MAX_NAME_LENGTH} bytes in UTF-8 (Grafana's "
                                           "limit)").problems)
    interval = query_offset = None
    with problems.guard():
        interval = _duration(fields, "interval") or DEFAULT_INTERVAL
    with problems.guard():
        query_offset = _duration(fields, "query_offset")
    group_labels = _label_map(fields, "labels", problems)
    items: list[Fields] = []
    with problems.guard():
        items = fields.items("rules")
    if not items:  # promtool accepts it; Grafana has no empty groups (the provider's `rule` needs one): skipped
        warn(fields.where, fields.prefix, "has no rules; there is nothing to create in Grafana, so it is skipped")
    names = [item.data.get("alert", item.data.get("record")) for item in items]
    rules = [_rule(item, group_labels, problems) for item in _named(items, names, fields.path("rules"))]
    if len(problems.problems) > found or interval is None:
        return None
    return RuleGroup(name=name, interval=interval, rules=tuple(r for r in rules if r is not None),
                     field=fields.prefix, query_offset=query_offset)


def _is_kubernetes_object(data: Any) -> bool:
    return isinstance(data, Mapping) and "apiVersion" in data and "kind" in data


def parse_rule_file(data: Any, where: str, system: str) -> RuleFile:
    """A rule file's parsed YAML, with every problem in it reported together (a ``UserError`` holding all)."""
    if _is_kubernetes_object(data):
        raise UserError(where, "kind", f"is a Kubernetes {data.get('kind')} object, not a Prometheus rule file; "
                                       f"unwrap its spec.groups with `python -m grafana_as_code import-rules {where}`")
    fields = Fields(data, where)
    problems = Collector()
    with problems.guard():
        fields.only(("groups",))
    items: list[Fields] = []
    with problems.guard():
        items = fields.items("groups")
    if not items:  # promtool accepts an empty rule file; it simply creates nothing
        warn(where, "groups", "the file has no groups; nothing is created in Grafana for it")
    names = [item.data.get("name") for item in items]
    for name, count in sorted(Counter(n for n in names if isinstance(n, str)).items()):
        if count > 1:  # promtool: "groupname ... is repeated in the same file"
            problems.add(*UserError(where, f"groups[{name}]", f"group {name!r} is defined {count} times; group "
                                                               "names are unique in a file").problems)
    groups = [_group(item, problems) for item in _named(items, names, "groups")]
    problems.raise_if_any()
    return RuleFile(system=system, file=where, groups=tuple(g for g in groups if g is not None))


def load_rule_file(path: Path) -> RuleFile:
    return parse_rule_file(load_yaml(path), display_path(path), path.stem)


def read_rule_files(directory: Path) -> tuple[list[RuleFile], list[Problem]]:
    """Every ``*.yaml`` under ``directory`` (one per system) that loads, sorted by name for stable output, and the
    problems of those that do not: the caller checks what it can of the rest and reports everything together."""
    if not directory.is_dir():
        return [], []
    problems = Collector()
    files = []
    for path in sorted(directory.glob("*.yaml")):
        with problems.guard():
            files.append(load_rule_file(path))
    return files, problems.problems


def load_rule_files(directory: Path) -> list[RuleFile]:
    """Every rule file under ``directory``; every problem of every file is reported together."""
    files, problems = read_rule_files(directory)
    if problems:
        raise UserError(problems)
    return files
