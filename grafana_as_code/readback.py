"""How Grafana and the provider read values back, and the canonical forms we write so that nothing differs.

A value the provider stores in Terraform state is what Grafana *returns*, not what we sent. Where the two spellings
differ and the provider does not treat them as equal, every plan shows a change for ever (``group_interval = "24h"``
is returned as ``"1d"``). So we write each value the way it comes back. ``READ_BACK`` is the one table of those
facts: each row says which attribute, what Grafana/the provider do to it, where that is in their source, and the
functions that model it. ``tests/test_readback.py`` tests every row on examples, and checks every value of the
synthesized stacks against its row.

Sources (read through the search tools; versions as in /work/shared/reference/grafana-provider.md):

* provider v4.45.1 ``internal/resources/grafana/resource_alerting_notification_policy.go`` (``packNotifPolicy``,
  ``packSpecificPolicy``: the durations Grafana returns are copied into state verbatim, no DiffSuppressFunc);
* ``resource_alerting_rule_group.go`` (``packAlertRule``: ``"for": r.For.String()``, ``keep_firing_for`` likewise
  and only when non-zero, a DiffSuppressFunc treating equal durations as equal; ``packNotificationSettings``:
  group_wait/group_interval/repeat_interval copied verbatim; ``normalizeModelJSON``: the model's default
  ``intervalMs`` 1000 and ``maxDataPoints`` 43200 removed, then ``json.Marshal``);
* ``resource_alerting_mute_timing.go`` (``packIntervals``: strings copied verbatim; ``suppressMonthDiff``: month
  names and numbers equal);
* ``resource_alerting_message_template.go`` (template compared after trimming whitespace);
* ``resource_dashboard.go`` (``NormalizeDashboardConfigJSON``, the StateFunc of ``config_json``: removes ``id``,
  ``version`` and top-level ``panels[].id``, then ``json.Marshal``);
* prometheus/common ``model/time.go`` (``Duration.String``: ``24h`` → ``1d``, ``168h`` → ``1w``, years and weeks
  only when exact); Grafana's policy tree and rule notification settings hold ``model.Duration``;
* prometheus/alertmanager ``timeinterval/timeinterval.go`` (``TimeRange.MarshalJSON`` ``%02d:%02d``;
  ``WeekdayRange.MarshalText`` lower-case names, a one-day range as one name; months, days and years through
  ``InclusiveRange.MarshalText``: numbers, ``"1:1"`` → ``"1"``);
* grafana/grafana ``pkg/services/ngalert/models/alert_query.go`` (``PreSave``/``GetModel``: the model is decoded into
  a map and re-encoded with Go's ``encoding/json``, adding ``intervalMs``/``maxDataPoints`` when absent);
  ``pkg/services/ngalert/api/tooling/definitions`` ``NotificationTemplate.Validate`` (``strings.TrimSpace``);
  ``pkg/services/dashboards/service/dashboard_service.go`` ``BuildSaveDashboardCommand`` (title trimmed, Grafana
  sets ``id``, ``uid``, ``version``);
* Go's ``encoding/json`` (``Marshal``: map keys sorted, no spaces, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped;
  float64 in the shortest form, ``%e`` below 1e-6 and from 1e21, exponent without a leading zero).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

# ----- durations ------------------------------------------------------------------------------------------------

_PROM_UNITS = (("y", 365 * 86400000), ("w", 7 * 86400000), ("d", 86400000), ("h", 3600000), ("m", 60000),
               ("s", 1000), ("ms", 1))
_PROM_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def duration_ms(text: str) -> int | None:
    """Milliseconds in a Prometheus duration (``1h30m``, ``0``), or None when Prometheus would refuse it.

    Units must go from the biggest to the smallest, as ``model.ParseDuration`` requires.
    """
    if text == "0":
        return 0
    parts = _PROM_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    order = [unit for unit, _ in _PROM_UNITS]
    positions = [order.index(u) for _, u in parts]
    if positions != sorted(set(positions)):
        return None
    size = dict(_PROM_UNITS)
    return sum(int(n) * size[u] for n, u in parts)


def prometheus_duration(text: str) -> str:
    """``model.Duration.String()`` of a duration: ``24h`` → ``1d``, ``90m`` → ``1h30m``, ``0`` → ``0s``."""
    ms = duration_ms(text)
    if ms is None:
        return text  # not a duration: Grafana refuses it, and the loaders already did
    if ms == 0:
        return "0s"
    out = ""
    for unit, size in _PROM_UNITS:
        if unit in ("y", "w") and ms % size:
            continue  # years and weeks only when exact: 90d, not 12w6d
        if ms >= size:
            out += f"{ms // size}{unit}"
            ms %= size
    return out


def go_duration(text: str) -> str:
    """Go's ``time.Duration.String()`` (what strfmt.Duration prints): ``5m`` → ``5m0s``, ``1d`` → ``24h0m0s``."""
    ms = duration_ms(text)
    if ms is None:
        return text
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3600000)
    minutes, rest = divmod(rest, 60000)
    seconds = format(Decimal(rest) / 1000, "f").rstrip("0").rstrip(".") if rest % 1000 else str(rest // 1000)
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{minutes}m{seconds}s"
    return f"{seconds}s"


# ----- Go's encoding/json -----------------------------------------------------------------------------------------

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_GO_ESCAPE = re.compile("[<>&\u2028\u2029]")


def go_float(value: float) -> str:
    """A float64 as Go's ``encoding/json`` writes it (``strconv.AppendFloat`` with -1 precision, then e-07 → e-7)."""
    digits = repr(value)  # Python's repr is the shortest round-tripping form, like Go's -1 precision
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        mantissa, exponent = digits.split("e")  # Python uses an exponent in this whole range too
        power = int(exponent)
        return f"{mantissa}e-{-power}" if power < 0 else f"{mantissa}e+{power:02d}"
    return format(Decimal(digits), "f")


def _go_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return go_float(value)
    text = json.dumps(value, ensure_ascii=False)
    return _GO_ESCAPE.sub(lambda m: _GO_ESCAPES[m.group(0)], text)


def go_json(value: Any) -> str:
    """``json.Marshal`` of a decoded JSON value in Go: sorted keys, compact, HTML-safe escapes, Go's numbers."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_go_scalar(str(k))}:{go_json(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    return _go_scalar(value)


def decode_as_go(text: str) -> Any:
    """JSON decoded the way Go decodes into ``map[string]any``: every number a float64."""
    return json.loads(text, parse_int=float)


# ----- what Grafana and the provider do to each attribute ---------------------------------------------------------

_MODEL_DEFAULTS = {"intervalMs": 1000.0, "maxDataPoints": 43200.0}


def rule_model_read_back(model: str) -> str:
    """A rule's ``data[].model`` in state: Grafana's PreSave re-encoding, then the provider's normalizeModelJSON."""
    decoded = decode_as_go(model)
    for key, default in _MODEL_DEFAULTS.items():  # Grafana adds them when absent or 0 …
        if not decoded.get(key):
            decoded[key] = default
    for key, default in _MODEL_DEFAULTS.items():  # … and the provider drops them when they are the default
        if decoded.get(key) == default:
            del decoded[key]
    return go_json(decoded)


def rule_model(model: dict[str, Any]) -> str:
    """The canonical text of a rule model: exactly what ``rule_model_read_back`` returns for it."""
    return rule_model_read_back(json.dumps(model))


_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


def _range_read_back(text: str, member: Callable[[str], int], show: Callable[[int], str]) -> str:
    parts = [member(part) for part in text.lower().split(":")]
    begin, end = parts[0], parts[-1]
    return show(begin) if begin == end else f"{show(begin)}:{show(end)}"


def weekdays_read_back(text: str) -> str:
    return _range_read_back(text, _WEEKDAYS.index, lambda n: _WEEKDAYS[n])


def months_read_back(text: str) -> str:
    return _range_read_back(text, lambda t: _MONTHS.index(t) + 1 if t in _MONTHS else int(t), str)


def number_range_read_back(text: str) -> str:
    return _range_read_back(text, int, str)


def time_of_day_read_back(text: str) -> str:
    hours, minutes = text.split(":")
    return f"{int(hours):02d}:{int(minutes):02d}"


def canonical_header(name: str) -> str:
    """Go's ``textproto.CanonicalMIMEHeaderKey``: ``x-scope-orgid`` → ``X-Scope-Orgid``; names with characters
    outside an HTTP token are left as they are, as Go does."""
    if not name or not all(c.isalnum() and c.isascii() or c in "!#$%&'*+-.^_`|~" for c in name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def json_read_back(text: str) -> str:
    """A JSON attribute the provider re-encodes with Go's json.Marshal (state) or NormalizeJsonString (plan)."""
    return go_json(decode_as_go(text))


def template_read_back(text: str) -> str:
    """Grafana trims a message template (and wraps one without ``define``; ours always have one)."""
    return text.strip()


def dashboard_state(config_json: str) -> str:
    """The provider's StateFunc for ``config_json``: without ``id``, ``version`` and top-level panel ids."""
    dashboard = decode_as_go(config_json)
    dashboard.pop("id", None)
    dashboard.pop("version", None)
    for panel in dashboard.get("panels") or []:
        if isinstance(panel, dict):
            panel.pop("id", None)
            library = panel.get("libraryPanel")
            if isinstance(library, dict):
                for key in [k for k in library if k not in ("name", "uid")]:
                    del library[key]
    return go_json(dashboard)


def dashboard_read_back(config_json: str) -> str:
    """What the provider stores after Grafana saved our JSON: Grafana sets id/version and trims the title."""
    dashboard = json.loads(config_json)
    dashboard.update(id=4242, version=7)
    if isinstance(dashboard.get("title"), str):
        dashboard["title"] = dashboard["title"].strip()
    return dashboard_state(json.dumps(dashboard))


# ----- the table --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReadBack:
    """One fact: how ``attribute`` of ``resource_type`` comes back from Grafana into Terraform state."""

    name: str
    resource_type: str
    attribute: str  # a path pattern: '.' between names, '*' for every list element or map value
    fact: str  # what Grafana / the provider do
    source: str  # where the fact is in their source
    read_back: Callable[[str], str]  # the value in state after Grafana returned what we wrote
    state_func: Callable[[str], str] = lambda value: value  # what the provider makes of our value in the plan
    on_keys: bool = False  # the attribute is a map whose *keys* are read back


_POLICY_LEVELS = ("", "policy.*.", "policy.*.policy.*.", "policy.*.policy.*.policy.*.",
                  "policy.*.policy.*.policy.*.policy.*.", "policy.*.policy.*.policy.*.policy.*.policy.*.")

READ_BACK: tuple[ReadBack, ...] = (
    *(ReadBack(f"policy {key}", "grafana_notification_policy", f"{level}{key}",
               "Grafana keeps policy timings as model.Duration and returns Duration.String() (24h → 1d); the "
               "provider copies the string into state with no equal-duration check",
               "provider resource_alerting_notification_policy.go packNotifPolicy/packSpecificPolicy; "
               "prometheus/common model/time.go Duration.String", prometheus_duration)
      for key in ("group_wait", "group_interval", "repeat_interval") for level in _POLICY_LEVELS),
    *(ReadBack(f"rule notification_settings {key}", "grafana_rule_group", f"rule.*.notification_settings.*.{key}",
               "a rule's notification timings are model.Duration in Grafana, copied verbatim into state",
               "provider resource_alerting_rule_group.go packNotificationSettings; prometheus/common model/time.go",
               prometheus_duration)
      for key in ("group_wait", "group_interval", "repeat_interval")),
    *(ReadBack(f"rule {key}", "grafana_rule_group", f"rule.*.{key}",
               "state holds Go's time.Duration text (5m → 5m0s); equal durations are diff-suppressed",
               "provider resource_alerting_rule_group.go packAlertRule (r.For.String(), strfmt.Duration)",
               go_duration)
      for key in ("for", "keep_firing_for")),
    ReadBack("rule model", "grafana_rule_group", "rule.*.data.*.model",
             "Grafana re-encodes the model with Go's encoding/json (sorted keys, float64 numbers, <>& escaped) and "
             "adds intervalMs/maxDataPoints defaults, which the provider strips again",
             "grafana pkg/services/ngalert/models/alert_query.go PreSave/GetModel; provider "
             "resource_alerting_rule_group.go normalizeModelJSON (its StateFunc)",
             rule_model_read_back, rule_model_read_back),
    ReadBack("mute timing times", "grafana_mute_timing", "intervals.*.times.*.start",
             "times are kept in minutes and printed %02d:%02d",
             "alertmanager timeinterval.go TimeRange.MarshalJSON", time_of_day_read_back),
    ReadBack("mute timing times (end)", "grafana_mute_timing", "intervals.*.times.*.end",
             "times are kept in minutes and printed %02d:%02d",
             "alertmanager timeinterval.go TimeRange.MarshalJSON", time_of_day_read_back),
    ReadBack("mute timing weekdays", "grafana_mute_timing", "intervals.*.weekdays.*",
             "weekday ranges come back as lower-case names, a one-day range as one name",
             "alertmanager timeinterval.go WeekdayRange.MarshalText", weekdays_read_back),
    ReadBack("mute timing months", "grafana_mute_timing", "intervals.*.months.*",
             "month ranges come back as numbers (names are equal to the provider, suppressMonthDiff, but not to "
             "a plan-report reader)", "alertmanager timeinterval.go InclusiveRange.MarshalText; provider "
             "resource_alerting_mute_timing.go suppressMonthDiff", months_read_back),
    ReadBack("mute timing days of month", "grafana_mute_timing", "intervals.*.days_of_month.*",
             "numeric ranges, a one-element range as one number", "alertmanager timeinterval.go "
             "InclusiveRange.MarshalText", number_range_read_back),
    ReadBack("mute timing years", "grafana_mute_timing", "intervals.*.years.*",
             "numeric ranges, a one-element range as one number", "alertmanager timeinterval.go "
             "InclusiveRange.MarshalText", number_range_read_back),
    ReadBack("message template", "grafana_message_template", "template",
             "Grafana trims the template (strings.TrimSpace) before storing it",
             "grafana definitions NotificationTemplate.Validate; provider resource_alerting_message_template.go",
             template_read_back),
    ReadBack("dashboard config_json", "grafana_dashboard", "config_json",
             "Grafana sets id and version and trims the title; the provider's StateFunc removes id, version and "
             "top-level panel ids from both sides and re-encodes (so key order and panel ids never show; we keep "
             "panel ids: rule links name them)",
             "provider resource_dashboard.go NormalizeDashboardConfigJSON; grafana dashboard_service.go "
             "BuildSaveDashboardCommand", dashboard_read_back, dashboard_state),
    ReadBack("data source json_data_encoded", "grafana_data_source", "json_data_encoded",
             "the provider stores json.Marshal of the jsonData Grafana returns, and normalizes our value the same "
             "way (NormalizeJsonString) before comparing", "provider resource_data_source.go "
             "datasourceConfigToState, datasourceJSONDataAttribute (StateFunc, SuppressEquivalentJSONDiffs)",
             json_read_back, json_read_back),
    ReadBack("data source http_headers names", "grafana_data_source", "http_headers",
             "the provider keeps our header values (Grafana never returns them) and drops names Grafana no longer "
             "returns; names are case-insensitive, so we write Go's canonical form, which reads back the same "
             "whether Grafana stores names as sent or canonically (not verified against a live Grafana)",
             "provider resource_data_source.go datasourceConfigToState/removeHeadersFromJSONData; Go "
             "net/textproto CanonicalMIMEHeaderKey", canonical_header, on_keys=True),
)


def values_at(block: Any, pattern: str) -> list[tuple[str, Any]]:
    """Every (path, value) in a resource's JSON that ``pattern`` names ('*': every element of a list or map)."""
    found: list[tuple[str, Any]] = []

    def walk(value: Any, steps: list[str], path: str) -> None:
        if not steps:
            found.append((path, value))
            return
        step, rest = steps[0], steps[1:]
        if step == "*":
            items = (value.items() if isinstance(value, dict)
                     else enumerate(value) if isinstance(value, list) else ())
            for key, item in items:
                walk(item, rest, f"{path}[{key}]")
        elif isinstance(value, dict) and step in value:
            walk(value[step], rest, f"{path}.{step}" if path else step)
    walk(block, pattern.split("."), "")
    return found


def differences(resource_type: str, block: dict[str, Any]) -> list[tuple[ReadBack, str, str, str]]:
    """(row, path, what the plan holds, what state would hold) for every value that would read back differently."""
    out = []
    for row in READ_BACK:
        if row.resource_type != resource_type:
            continue
        for path, value in values_at(block, row.attribute):
            if row.on_keys and isinstance(value, dict):
                out += [(row, f"{path}[{key}]", key, row.read_back(key)) for key in value if row.read_back(key) != key]
                continue
            if not isinstance(value, str) or "${" in value:
                continue  # references are resolved by Terraform, not written by us
            planned, stored = row.state_func(value), row.read_back(value)
            if planned != stored:
                out.append((row, path, planned, stored))
    return out
