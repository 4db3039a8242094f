"""What a Grafana-managed rule needs beyond a Prometheus rule file: ``alerts/grafana/<system>.yaml``.

promtool refuses unknown keys in rule files, so the Grafana extras live beside them, one optional file per system
(same name as its rule file). It is a Jinja2 template rendered with ``env``, like data sources, so an extra may
differ per environment (``paused: {{ env.name == "dev" }}``).

    folder: intelliflow            # folder path under dashboards/ (default: the system name)
    datasource: prometheus         # data source uid the queries run on (default: prometheus)
    recording:
      target_datasource: mimir     # where recording rules write their series (default: `datasource`)
    no_data_state: OK              # default for every rule: OK | NoData | Alerting | KeepLast
    exec_err_state: Error          # default for every rule: Error | Alerting | OK | KeepLast
    groups:
      intelliflow-database: {paused: false}
    rules:
      DatabaseDown:
        no_data_state: Alerting
        dashboard: {uid: intelliflow-database, panel: Active connections}   # panel title or id
        notification_settings: {contact_point: oncall, group_by: [alertname, grafana_folder]}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..environment import Environment
from ..templating import render
from ..yaml_io import Fields, display_path, parse_yaml, read_text
from .prometheus_rules import RuleFile, duration_seconds

NO_DATA_STATES = ("OK", "NoData", "Alerting", "KeepLast")
EXEC_ERR_STATES = ("Error", "Alerting", "OK", "KeepLast")
# Prometheus semantics by default: no series means no alert; a failing query is surfaced as an error alert
# (Prometheus would only log it, and an unreachable data source must not look like "all clear").
DEFAULT_NO_DATA_STATE = "OK"
DEFAULT_EXEC_ERR_STATE = "Error"
DEFAULT_DATASOURCE = "prometheus"


@dataclass(frozen=True)
class DashboardLink:
    uid: str
    panel: str | int | None  # a panel title or id; None links the dashboard only


@dataclass(frozen=True)
class NotificationSettings:
    """Send this rule's alerts straight to a contact point, bypassing the policy tree (Grafana >= 10.4)."""

    contact_point: str
    group_by: tuple[str, ...] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute_timings: tuple[str, ...] | None = None
    active_timings: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RuleExtras:
    no_data_state: str | None = None
    exec_err_state: str | None = None
    paused: bool | None = None
    dashboard: DashboardLink | None = None
    notification_settings: NotificationSettings | None = None
    missing_series_evals_to_resolve: int | None = None


@dataclass(frozen=True)
class GrafanaExtras:
    file: str  # the extras file, or the rule file when the system has none
    folder: str
    datasource: str
    no_data_state: str = DEFAULT_NO_DATA_STATE
    exec_err_state: str = DEFAULT_EXEC_ERR_STATE
    paused_groups: frozenset[str] = frozenset()
    rules: Mapping[str, RuleExtras] = field(default_factory=lambda: MappingProxyType({}))
    # Where Grafana-managed recording rules write (a Prometheus-type data source that accepts remote write). None:
    # the query data source, so a recorded series lands where Prometheus would have put it, beside its inputs.
    recording_target: str | None = None

    @property
    def recording_datasource(self) -> str:
        return self.recording_target or self.datasource

    def rule(self, alert: str) -> RuleExtras:
        return self.rules.get(alert, RuleExtras())


def _choice(fields: Fields, key: str, choices: tuple[str, ...], default: Any) -> Any:
    value = fields.str(key, default)
    if value is not None and value not in choices:
        raise fields.error(key, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _duration(fields: Fields, key: str) -> str | None:
    value = fields.str(key, None)
    if value is not None and duration_seconds(value) is None:
        raise fields.error(key, f"expected a duration such as 30s, 5m or 4h, got {value!r}")
    return value


def _names(fields: Fields, key: str) -> tuple[str, ...] | None:
    values = fields.str_list(key, None)
    return None if values is None else tuple(values)


def _notification_settings(fields: Fields) -> NotificationSettings:
    fields.only(("contact_point", "group_by", "group_wait", "group_interval", "repeat_interval", "mute_timings",
                 "active_timings"))
    group_by = _names(fields, "group_by")
    if group_by is not None and not {"alertname", "grafana_folder"} <= set(group_by) and group_by != ("...",):
        # Grafana refuses a rule-level grouping without these two (provider docs).
        raise fields.error("group_by", "must include alertname and grafana_folder (or be ['...'])")
    return NotificationSettings(
        contact_point=fields.str("contact_point"), group_by=group_by,
        group_wait=_duration(fields, "group_wait"), group_interval=_duration(fields, "group_interval"),
        repeat_interval=_duration(fields, "repeat_interval"), mute_timings=_names(fields, "mute_timings"),
        active_timings=_names(fields, "active_timings"))


def _dashboard(fields: Fields) -> DashboardLink:
    fields.only(("uid", "panel"))
    panel = fields.data.get("panel")
    if panel is not None and (isinstance(panel, bool) or not isinstance(panel, (str, int))):
        raise fields.error("panel", "expected a panel title (string) or id (integer)")
    return DashboardLink(uid=fields.str("uid"), panel=panel)


def _rule_extras(fields: Fields) -> RuleExtras:
    fields.only(("no_data_state", "exec_err_state", "paused", "dashboard", "notification_settings",
                 "missing_series_evals_to_resolve"))
    evals = fields.int("missing_series_evals_to_resolve", None)
    if evals is not None and evals < 1:
        raise fields.error("missing_series_evals_to_resolve", "must be 1 or more")
    return RuleExtras(
        no_data_state=_choice(fields, "no_data_state", NO_DATA_STATES, None),
        exec_err_state=_choice(fields, "exec_err_state", EXEC_ERR_STATES, None),
        paused=fields.bool("paused", None),
        dashboard=_dashboard(fields.sub("dashboard")) if fields.data.get("dashboard") is not None else None,
        notification_settings=(_notification_settings(fields.sub("notification_settings"))
                               if fields.data.get("notification_settings") is not None else None),
        missing_series_evals_to_resolve=evals)


def _groups(fields: Fields, rule_file: RuleFile) -> frozenset[str]:
    known = {group.name for group in rule_file.groups}
    paused = set()
    for name in fields.data:
        if name not in known:
            raise fields.error(str(name), f"no group {name!r} in {rule_file.file} (groups: {', '.join(sorted(known))})")
        group = fields.sub(name)
        group.only(("paused",))
        if group.bool("paused", False):
            paused.add(name)
    return frozenset(paused)


# What a recording rule can have in Grafana: the provider refuses condition, for, no_data_state and exec_err_state
# on a rule with `record` (its acceptance test testAccRecordingRuleInvalid), and `missing_series_evals_to_resolve`
# with `record` fails (provider #2442). Pausing works.
RECORDING_RULE_EXTRAS = ("paused",)


def _rules(fields: Fields, rule_file: RuleFile) -> Mapping[str, RuleExtras]:
    """Extras by rule name; a name used by several rules (a warning and a critical tier) applies to all of them."""
    alerts = {rule.name for rule in rule_file.rules if not rule.record}
    records = {rule.name for rule in rule_file.rules if rule.record}
    extras = {}
    for name in fields.data:
        if name not in alerts | records:
            raise fields.error(str(name), f"no alert {name!r} in {rule_file.file}")
        sub = fields.sub(name)
        if name not in alerts:
            sub.only(RECORDING_RULE_EXTRAS)  # a recording rule has no states, dashboard or notifications
        extras[name] = _rule_extras(sub)
    return MappingProxyType(extras)


def _recording_target(fields: Fields) -> str | None:
    fields.only(("target_datasource",))
    return fields.str("target_datasource", None)


def load_extras(directory: Path, rule_file: RuleFile, env: Environment) -> GrafanaExtras:
    """The extras of one system for one environment (defaults when the system has no extras file)."""
    path = directory / f"{rule_file.system}.yaml"
    if not path.is_file():
        return GrafanaExtras(file=rule_file.file, folder=rule_file.system, datasource=DEFAULT_DATASOURCE)
    where = display_path(path)
    data = parse_yaml(render(read_text(path), where, {"env": env.template_context()}), where)
    fields = Fields(data if data is not None else {}, where)
    fields.only(("folder", "datasource", "recording", "no_data_state", "exec_err_state", "groups", "rules"))
    return GrafanaExtras(
        file=where,
        folder=fields.str("folder", rule_file.system).strip("/"),
        datasource=fields.str("datasource", DEFAULT_DATASOURCE),
        no_data_state=_choice(fields, "no_data_state", NO_DATA_STATES, DEFAULT_NO_DATA_STATE),
        exec_err_state=_choice(fields, "exec_err_state", EXEC_ERR_STATES, DEFAULT_EXEC_ERR_STATE),
        paused_groups=_groups(fields.sub("groups", {}), rule_file),
        rules=_rules(fields.sub("rules", {}), rule_file),
        recording_target=_recording_target(fields.sub("recording", {})),
    )
