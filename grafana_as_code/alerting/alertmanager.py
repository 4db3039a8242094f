"""A synthesized stack's notification setup as an Alertmanager configuration, for ``amtool``.

Grafana's notification policy tree is Alertmanager's routing tree (Grafana runs Alertmanager's own router on it), so
``amtool check-config`` (tree, receivers, time intervals, template syntax) and ``amtool config routes test`` (which
receivers a label set reaches) check it offline. The input is what is deployed: the ``grafana_notification_policy``,
``grafana_contact_point``, ``grafana_mute_timing`` and ``grafana_message_template`` resources of a synthesized
``cdk.tf.json``, read back as Terraform would see them, not the model they were made from. A bug in rendering the
tree into Terraform (a lost ``continue``, a reordered route, a dropped matcher) therefore shows in the routing tests.

Each contact point becomes a receiver of the same name with a placeholder webhook: no integration, URL or secret of
the real contact points is written. The attribute names are the provider's (grafana/grafana v4 schema of
``grafana_notification_policy``: nested ``policy`` blocks with ``matcher {label, match, value}``, ``continue``,
``mute_timings``, ``active_timings``, ``group_by`` and the three timings).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER_URL = "https://example.invalid/{name}"
TIMINGS = ("group_wait", "group_interval", "repeat_interval")
# Blocks of grafana_contact_point that are settings of the contact point, not integrations.
NOT_INTEGRATIONS = frozenset({"name", "org_id", "disable_provenance", "//", "depends_on", "lifecycle", "provider",
                              "count", "for_each"})
_REFERENCE = re.compile(r"^\$\{(grafana_[a-z_]+)\.([^.}]+)\.([a-z_]+)\}$")


class StackReader:
    """Terraform JSON of one stack, with ``${type.name.attr}`` references to its own resources resolved."""

    def __init__(self, stack: dict[str, Any]) -> None:
        self.resources: dict[str, dict[str, Any]] = stack.get("resource", {})

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.resources.get(kind, {})

    def value(self, raw: Any) -> Any:
        """A literal as Terraform reads it: ``$${``/``%%{`` escapes undone, references to our resources resolved."""
        if not isinstance(raw, str):
            return raw
        match = _REFERENCE.match(raw)
        if match:
            kind, name, attribute = match.groups()
            target = self.of_type(kind).get(name)
            if target is None or attribute not in target:
                raise ValueError(f"unresolvable reference {raw} in the stack")
            return self.value(target[attribute])
        if "${" in raw.replace("$${", ""):
            raise ValueError(f"cannot evaluate {raw!r} offline")
        return raw.replace("$${", "${").replace("%%{", "%{")


def _matcher(reader: StackReader, matcher: dict[str, Any]) -> str:
    return f"{reader.value(matcher['label'])}{reader.value(matcher['match'])}{json.dumps(reader.value(matcher['value']))}"


def _route(reader: StackReader, policy: dict[str, Any], root: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if policy.get("contact_point") is not None:
        out["receiver"] = reader.value(policy["contact_point"])
    if not root:
        out["matchers"] = [_matcher(reader, m) for m in policy.get("matcher", [])]
        if policy.get("continue"):
            out["continue"] = True
    if policy.get("group_by") is not None:
        out["group_by"] = [reader.value(label) for label in policy["group_by"]]
    for key in TIMINGS:
        if policy.get(key) is not None:
            out[key] = reader.value(policy[key])
    if not root:
        if policy.get("mute_timings"):
            out["mute_time_intervals"] = [reader.value(name) for name in policy["mute_timings"]]
        if policy.get("active_timings"):
            out["active_time_intervals"] = [reader.value(name) for name in policy["active_timings"]]
    children = policy.get("policy", [])
    if children:
        out["routes"] = [_route(reader, child) for child in children]
    return out


def _time_interval(reader: StackReader, timing: dict[str, Any]) -> dict[str, Any]:
    intervals = []
    for interval in timing.get("intervals", []):
        item: dict[str, Any] = {}
        if interval.get("times"):
            item["times"] = [{"start_time": t["start"], "end_time": t["end"]} for t in interval["times"]]
        for key in ("weekdays", "days_of_month", "months", "years"):
            if interval.get(key):
                item[key] = [reader.value(v) for v in interval[key]]
        if interval.get("location"):
            item["location"] = interval["location"]
        intervals.append(item)
    return {"name": reader.value(timing["name"]), "time_intervals": intervals}


def integration_kinds(contact_point: dict[str, Any]) -> frozenset[str]:
    """The integration blocks of a synthesized ``grafana_contact_point`` (``slack``, ``pagerduty``, …)."""
    return frozenset(key for key, value in contact_point.items()
                     if key not in NOT_INTEGRATIONS and isinstance(value, list) and value)


def contact_point_kinds(stack: dict[str, Any]) -> dict[str, frozenset[str]]:
    reader = StackReader(stack)
    return {reader.value(c["name"]): integration_kinds(c) for c in reader.of_type("grafana_contact_point").values()}


def alertmanager_config(stack: dict[str, Any], templates_glob: str | None = None) -> dict[str, Any]:
    """The Alertmanager configuration equivalent to one synthesized stack's notification resources."""
    reader = StackReader(stack)
    policies = list(reader.of_type("grafana_notification_policy").values())
    if len(policies) != 1:
        raise ValueError(f"expected one grafana_notification_policy in the stack, found {len(policies)}")
    config: dict[str, Any] = {
        "route": _route(reader, policies[0], root=True),
        "receivers": [{"name": name, "webhook_configs": [{"url": PLACEHOLDER_URL.format(name=name)}]}
                      for name in sorted(contact_point_kinds(stack))],
    }
    timings = reader.of_type("grafana_mute_timing")
    if timings:
        config["time_intervals"] = [_time_interval(reader, timings[key]) for key in sorted(timings)]
    if templates_glob:
        config["templates"] = [templates_glob]
    return config


# Functions Grafana's notification templates have beyond those of every Alertmanager's amtool (toUpper, toLower,
# title, join, match, safeHtml, reReplaceAll, stringSlice: Debian's amtool 0.25 knows only these). Grafana parses
# templates with Alertmanager's current DefaultFuncs (template/template.go: trimSpace, safeUrl, urlUnescape, date,
# tz, since, humanizeDuration, toJson) and adds gomplate's namespaces coll, data, time and tmpl (grafana/alerting
# templates/template_data.go, addFuncs). A template using them is valid in Grafana; amtool would refuse it.
GRAFANA_TEMPLATE_FUNCTIONS = frozenset({"trimSpace", "safeUrl", "urlUnescape", "date", "tz", "since",
                                        "humanizeDuration", "toJson", "coll", "data", "time", "tmpl"})
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
# Inside an action: string and raw-string literals, comments (left alone), and identifiers.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|/\*.*?\*/|(?<![\w.$])([A-Za-z_]\w*)', re.S)


def for_amtool(template: str) -> str:
    """The template as amtool's parser can check it: a call of a function Grafana has and amtool may not is renamed
    to one every Alertmanager knows. Parsing checks that a function exists, not its arguments, so what amtool then
    refuses (a syntax error, a function Grafana does not have either) Grafana refuses too."""
    def action(match: re.Match) -> str:
        def token(found: re.Match) -> str:
            return "toUpper" if found.group(1) in GRAFANA_TEMPLATE_FUNCTIONS else found.group(0)
        return "{{" + _TOKEN.sub(token, match.group(1)) + "}}"
    return _ACTION.sub(action, template)


def write_alertmanager_config(stack_file: Path, directory: Path) -> Path:
    """``directory/alertmanager.yml`` for the stack in ``stack_file`` (a ``cdk.tf.json``), plus the message
    templates it deploys, so amtool parses them with Alertmanager's template engine (Grafana's functions declared:
    ``for_amtool``)."""
    stack = json.loads(stack_file.read_text(encoding="utf-8"))
    reader = StackReader(stack)
    directory.mkdir(parents=True, exist_ok=True)
    templates = directory / "templates"
    templates.mkdir(exist_ok=True)
    deployed = reader.of_type("grafana_message_template")
    for template in deployed.values():
        name = reader.value(template["name"])
        (templates / f"{name}.tmpl").write_text(for_amtool(reader.value(template["template"])), encoding="utf-8")
    glob = str(templates / "*.tmpl") if deployed else None
    path = directory / "alertmanager.yml"
    path.write_text(yaml.safe_dump(alertmanager_config(stack, glob), sort_keys=False), encoding="utf-8")
    return path
