"""Grafana-managed rule groups of one environment: Prometheus rule files + Grafana extras, checked and translated.

One ``grafana_rule_group`` per Prometheus group (a group lives in exactly one folder). Everything Grafana would
refuse at apply time is refused here, naming the file and field: an unknown folder, data source, dashboard or
panel; a rule title used twice in one folder; an interval that is not a multiple of 10 s.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..dashboards import Dashboard
from ..dashboard_panels import panels_of
from ..datasources import DataSource
from ..environment import Environment
from ..errors import UserError
from ..folders import Folder
from ..uids import MAX_UID_LENGTH
from ..yaml_io import display_path
from . import translate
from .grafana_extras import GrafanaExtras, NotificationSettings, RuleExtras, load_extras
from .prometheus_rules import AlertRule, RuleFile, RuleGroup, load_rule_files

EVALUATION_STEP_SECONDS = 10  # Grafana's scheduler ticks every 10 s; group intervals must be multiples of it
ALERTING_DATASOURCE_TYPES = ("prometheus",)  # the PromQL the rule files hold runs on these


@dataclass(frozen=True)
class GrafanaRule:
    title: str
    uid: str
    data: tuple[Mapping[str, Any], ...]  # {ref_id, datasource_uid, model (JSON string), relative_time_range}
    condition: str
    for_: str | None
    keep_firing_for: str | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    no_data_state: str
    exec_err_state: str
    is_paused: bool
    notification_settings: NotificationSettings | None
    missing_series_evals_to_resolve: int | None
    shape: str  # how the condition was translated: threshold, math or present


@dataclass(frozen=True)
class GrafanaRuleGroup:
    name: str
    folder_uid: str
    interval_seconds: int
    rules: tuple[GrafanaRule, ...]
    file: str


@dataclass(frozen=True)
class RuleContext:
    """What a rule may refer to in one environment."""

    env: Environment
    folders: Mapping[str, Folder]  # by path
    datasources: Mapping[str, DataSource]  # by uid
    dashboards: Mapping[str, Dashboard]  # by uid
    contact_points: frozenset[str] | None = None  # None: not checked (no notification definitions loaded)
    mute_timings: frozenset[str] | None = None


def _kebab(name: str) -> str:
    """CamelCase to kebab-case: HighErrorRate -> high-error-rate, DBPoolHigh -> db-pool-high, OAuthToken -> oauth-token."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", re.sub(r"([A-Z]{2,})([A-Z][a-z])", r"\1-\2", name))
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


def rule_uid(system: str, alert: str) -> str:
    """A stable uid per system and alert (Grafana uids are unique per org and at most 40 characters)."""
    uid = f"{system}-{_kebab(alert)}"
    if len(uid) <= MAX_UID_LENGTH:
        return uid
    digest = hashlib.sha256(uid.encode()).hexdigest()[:8]
    return f"{uid[:MAX_UID_LENGTH - 9].rstrip('-')}-{digest}"


def _dashboard_annotations(extras: GrafanaExtras, rule: AlertRule, rule_extras: RuleExtras,
                           ctx: RuleContext) -> dict[str, str]:
    link = rule_extras.dashboard
    if link is None:
        return {}
    field = f"rules.{rule.alert}.dashboard"
    dashboard = ctx.dashboards.get(link.uid)
    if dashboard is None:
        raise UserError(extras.file, f"{field}.uid", f"unknown dashboard {link.uid!r}")
    annotations = {"__dashboardUid__": dashboard.uid}
    if link.panel is None:
        return annotations
    panels = list(panels_of(dashboard.config))
    matches = [p for p in panels if (p.get("id") == link.panel if isinstance(link.panel, int)
                                     else p.get("title") == link.panel)]
    if len(matches) != 1:
        titles = sorted({str(p.get("title")) for p in panels if p.get("title") and p.get("type") != "row"})
        problem = "no panel" if not matches else f"{len(matches)} panels"
        raise UserError(extras.file, f"{field}.panel", f"{problem} {link.panel!r} in dashboard {dashboard.uid} "
                                                       f"({dashboard.file}); panels: {', '.join(titles)}")
    annotations["__panelId__"] = str(matches[0]["id"])
    return annotations


def _check_notification(extras: GrafanaExtras, alert: str, settings: NotificationSettings | None,
                        ctx: RuleContext) -> None:
    if settings is None:
        return
    field = f"rules.{alert}.notification_settings"
    if ctx.contact_points is not None and settings.contact_point not in ctx.contact_points:
        raise UserError(extras.file, f"{field}.contact_point", f"unknown contact point {settings.contact_point!r} "
                                                               f"(known: {', '.join(sorted(ctx.contact_points))})")
    if ctx.mute_timings is not None:
        for key in ("mute_timings", "active_timings"):
            for name in getattr(settings, key) or ():
                if name not in ctx.mute_timings:
                    raise UserError(extras.file, f"{field}.{key}", f"unknown mute timing {name!r} "
                                                                   f"(known: {', '.join(sorted(ctx.mute_timings))})")


def _data(rule: AlertRule, source: DataSource) -> tuple[tuple[Mapping[str, Any], ...], str]:
    translation = translate.translate(rule.expr)
    query = {"ref_id": translate.QUERY_REF, "datasource_uid": source.uid,
             "relative_time_range": {"from": translate.QUERY_LOOKBACK_SECONDS, "to": 0},
             "model": translate.model_json(translate.query_model(translation.query, source.uid, source.type))}
    condition = {"ref_id": translate.CONDITION_REF, "datasource_uid": translate.EXPRESSION_DATASOURCE,
                 "relative_time_range": {"from": 0, "to": 0},
                 "model": translate.model_json(translate.condition_model(translation))}
    return (MappingProxyType(query), MappingProxyType(condition)), translation.shape


def _annotations(rule_file: RuleFile, rule: AlertRule) -> dict[str, str]:
    out = {}
    for key, text in rule.annotations.items():
        problem = translate.unsupported_template_variable(text)
        if problem:
            raise UserError(rule_file.file, f"{rule.field}.annotations.{key}", problem)
        out[key] = translate.annotation(text)
    return out


def _rule(rule_file: RuleFile, group: RuleGroup, rule: AlertRule, extras: GrafanaExtras, source: DataSource,
          ctx: RuleContext) -> GrafanaRule:
    rule_extras = extras.rule(rule.alert)
    _check_notification(extras, rule.alert, rule_extras.notification_settings, ctx)
    data, shape = _data(rule, source)
    # The environment's labels (environment=prod) play the part of Prometheus' external labels.
    labels = {**ctx.env.labels, **rule.labels}
    annotations = {**_annotations(rule_file, rule), **_dashboard_annotations(extras, rule, rule_extras, ctx)}
    return GrafanaRule(
        title=rule.alert, uid=rule_uid(rule_file.system, rule.alert), data=data, condition=translate.CONDITION_REF,
        for_=rule.for_, keep_firing_for=rule.keep_firing_for,
        labels=MappingProxyType(dict(sorted(labels.items()))),
        annotations=MappingProxyType(dict(sorted(annotations.items()))),
        no_data_state=rule_extras.no_data_state or extras.no_data_state,
        exec_err_state=rule_extras.exec_err_state or extras.exec_err_state,
        is_paused=rule_extras.paused if rule_extras.paused is not None else group.name in extras.paused_groups,
        notification_settings=rule_extras.notification_settings,
        missing_series_evals_to_resolve=rule_extras.missing_series_evals_to_resolve, shape=shape)


def _interval(rule_file: RuleFile, group: RuleGroup) -> int:
    seconds = group.interval_seconds
    if seconds < EVALUATION_STEP_SECONDS or seconds % EVALUATION_STEP_SECONDS:
        raise UserError(rule_file.file, f"{group.field}.interval",
                        f"{group.interval} is not a multiple of {EVALUATION_STEP_SECONDS}s; Grafana evaluates rules "
                        f"on a {EVALUATION_STEP_SECONDS}-second tick (use e.g. 30s or 1m)")
    return int(seconds)


def _target(extras: GrafanaExtras, ctx: RuleContext) -> tuple[Folder, DataSource]:
    folder = ctx.folders.get(extras.folder)
    if folder is None:
        raise UserError(extras.file, "folder", f"unknown folder {extras.folder!r}; folders are the directories of "
                                               f"dashboards/ ({', '.join(sorted(ctx.folders))})")
    source = ctx.datasources.get(extras.datasource)
    if source is None:
        raise UserError(extras.file, "datasource", f"environment {ctx.env.name!r} has no data source "
                                                   f"{extras.datasource!r} (it has: {', '.join(sorted(ctx.datasources))})")
    if source.type not in ALERTING_DATASOURCE_TYPES:
        raise UserError(extras.file, "datasource", f"data source {source.uid!r} is of type {source.type!r}; "
                                                   "the rules hold PromQL, which runs on a Prometheus data source")
    return folder, source


def _check_titles(groups: list[GrafanaRuleGroup], folders: Mapping[str, Folder]) -> None:
    """Rule titles and group names are unique per folder in Grafana; two systems may share a folder."""
    titles: dict[tuple[str, str], str] = {}
    names: dict[tuple[str, str], str] = {}
    paths = {folder.uid: folder.path for folder in folders.values()}
    for group in groups:
        where = paths.get(group.folder_uid, group.folder_uid)
        key = (group.folder_uid, group.name)
        if key in names:
            raise UserError(group.file, f"groups.{group.name}", f"group name {group.name!r} is also used by "
                                                                 f"{names[key]} in folder {where!r}")
        names[key] = group.file
        for rule in group.rules:
            key = (group.folder_uid, rule.title)
            if key in titles:
                raise UserError(group.file, f"groups.{group.name}.{rule.title}",
                                f"rule title {rule.title!r} is also used by {titles[key]} in folder {where!r}; "
                                "titles are unique per folder")
            titles[key] = group.file


def build_rule_groups(rule_files: list[RuleFile], extras_dir: Path, ctx: RuleContext) -> tuple[GrafanaRuleGroup, ...]:
    systems = {rule_file.system for rule_file in rule_files}
    if extras_dir.is_dir():
        for path in sorted(extras_dir.glob("*.yaml")):
            if path.stem not in systems:
                raise UserError(display_path(path), "", f"no rule file alerts/rules/{path.name} for these extras")
    groups = []
    for rule_file in rule_files:
        extras = load_extras(extras_dir, rule_file, ctx.env)
        folder, source = _target(extras, ctx)
        for group in rule_file.groups:
            rules = tuple(_rule(rule_file, group, rule, extras, source, ctx) for rule in group.rules)
            groups.append(GrafanaRuleGroup(name=group.name, folder_uid=folder.uid,
                                           interval_seconds=_interval(rule_file, group), rules=rules,
                                           file=rule_file.file))
    _check_titles(groups, ctx.folders)
    return tuple(sorted(groups, key=lambda g: (g.folder_uid, g.name)))


def load_rule_groups(alerts_dir: Path, ctx: RuleContext) -> tuple[GrafanaRuleGroup, ...]:
    return build_rule_groups(load_rule_files(alerts_dir / "rules"), alerts_dir / "grafana", ctx)
