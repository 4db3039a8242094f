"""Grafana-managed rule groups of one environment: Prometheus rule files + Grafana extras, checked and translated.

One ``grafana_rule_group`` per Prometheus group (a group lives in exactly one folder). Alerting rules become
Grafana alert rules; recording rules become Grafana-managed recording rules (``record``), written to a data source
chosen in the extras. Everything Grafana would refuse at apply time is refused here, naming the file and field: an
unknown folder, data source, dashboard or panel; a group name used twice in one folder; an interval that is not a
multiple of 10 s; a feature the environment's Grafana (``grafana.version``) does not have. Every problem of the run
is reported together.

Rule titles: Grafana 12.0 dropped the rule that titles are unique per folder ("Alerting: Remove constraints for
uniqueness of rule title", grafana/grafana#102067, in the 12.0.0 changelog), so the same alert name at two
severities keeps its name there. For an older Grafana the repeats get a suffix, deterministically, with a warning.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..dashboards import Dashboard
from ..dashboard_panels import panels_of
from ..datasources import DataSource
from ..environment import Environment
from ..errors import Collector, UserError, warn
from ..folders import Folder
from ..uids import MAX_UID_LENGTH
from ..yaml_io import display_path
from . import translate
from .annotation_functions import prometheus_only_function
from .grafana_extras import GrafanaExtras, NotificationSettings, RuleExtras, load_extras
from .prometheus_rules import MAX_NAME_LENGTH, Rule, RuleFile, RuleGroup, load_rule_files, too_long
from .version_gates import check_active_timings, check_rule_features

EVALUATION_STEP_SECONDS = 10  # Grafana's scheduler ticks every 10 s; group intervals must be multiples of it
ALERTING_DATASOURCE_TYPES = ("prometheus",)  # the PromQL the rule files hold runs on these
# Grafana writes recorded series with Prometheus remote write, to a Prometheus-type data source ("Target datasource
# type must be Prometheus for recording rules", pkg/services/ngalert/prom/convert.go).
RECORDING_TARGET_TYPES = ("prometheus",)
# The `record` block: "Available since Grafana 11.2, requires feature flag 'grafanaManagedRecordingRules'" (provider
# schema v4.45.1); on by default, with a per-rule target data source, since 12.1 ("Alerting: Enable recording rules
# by default", grafana/grafana#105603, a breaking change in the 12.1.0 changelog).
RECORDING_RULES_SINCE = (11, 2)
RECORDING_RULES_DEFAULT_SINCE = (12, 1)
REPEATED_TITLES_SINCE = (12, 0)  # grafana/grafana#102067


@dataclass(frozen=True)
class RecordSettings:
    """What a Grafana-managed recording rule writes: ``metric``, from query ``from_``, into ``target_datasource``."""

    metric: str
    from_: str
    target_datasource: str


@dataclass(frozen=True)
class GrafanaRule:
    title: str
    uid: str
    data: tuple[Mapping[str, Any], ...]  # {ref_id, datasource_uid, model (JSON string), relative_time_range}
    condition: str | None  # None for a recording rule (the provider refuses one there)
    for_: str | None
    keep_firing_for: str | None
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    no_data_state: str | None  # None for a recording rule
    exec_err_state: str | None
    is_paused: bool
    notification_settings: NotificationSettings | None
    missing_series_evals_to_resolve: int | None
    shape: str  # how the condition was translated: threshold, math, present; "record" for a recording rule
    record: RecordSettings | None = None
    name: str = ""  # the alert name or recorded metric in the rule file (the title, unless made unique)
    field: str = ""  # where the rule is in its file (groups[g].rules[Name])


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


def _dashboard_annotations(extras: GrafanaExtras, rule: Rule, rule_extras: RuleExtras,
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
    check_active_timings(settings.active_timings, ctx.env, extras.file, f"{field}.active_timings", f"rule {alert!r}")
    if ctx.mute_timings is not None:
        for key in ("mute_timings", "active_timings"):
            for name in getattr(settings, key) or ():
                if name not in ctx.mute_timings:
                    raise UserError(extras.file, f"{field}.{key}", f"unknown mute timing {name!r} "
                                                                   f"(known: {', '.join(sorted(ctx.mute_timings))})")


def _time_range(group: RuleGroup) -> dict[str, int]:
    # An instant query evaluates at the end of its range; `query_offset` moves that end back, as in Prometheus.
    offset = group.query_offset_seconds
    return {"from": translate.QUERY_LOOKBACK_SECONDS + offset, "to": offset}


def _query(expr: str, group: RuleGroup, source: DataSource) -> Mapping[str, Any]:
    return MappingProxyType({"ref_id": translate.QUERY_REF, "datasource_uid": source.uid,
                             "relative_time_range": _time_range(group),
                             "model": translate.model_json(translate.query_model(expr, source.uid, source.type))})


def _data(rule: Rule, group: RuleGroup, source: DataSource,
          env: Environment) -> tuple[tuple[Mapping[str, Any], ...], str]:
    translation = translate.translate(rule.expr, env.grafana.at_least(*translate.THRESHOLD_IGNORES_NAN_FROM))
    condition = {"ref_id": translate.CONDITION_REF, "datasource_uid": translate.EXPRESSION_DATASOURCE,
                 "relative_time_range": {"from": 0, "to": 0},
                 "model": translate.model_json(translate.condition_model(translation))}
    return (_query(translation.query, group, source), MappingProxyType(condition)), translation.shape


def _annotations(rule_file: RuleFile, rule: Rule) -> dict[str, str]:
    problems = Collector()
    out = {}
    for key, text in rule.annotations.items():
        problem = translate.unsupported_template_variable(text) or prometheus_only_function(text)
        if problem:
            problems.add(*UserError(rule_file.file, f"{rule.field}.annotations.{key}", problem).problems)
        out[key] = translate.annotation(text)
    problems.raise_if_any()
    return out


def _alert_rule(rule_file: RuleFile, group: RuleGroup, rule: Rule, extras: GrafanaExtras, source: DataSource,
                ctx: RuleContext) -> GrafanaRule:
    rule_extras = extras.rule(rule.name)
    problems = Collector()
    with problems.guard():
        _check_notification(extras, rule.name, rule_extras.notification_settings, ctx)
    annotations: dict[str, str] = {}
    with problems.guard():
        annotations = _annotations(rule_file, rule)
    with problems.guard():
        annotations.update(_dashboard_annotations(extras, rule, rule_extras, ctx))
    with problems.guard():
        check_rule_features(rule_file, rule, ctx.env)
    problems.raise_if_any()
    data, shape = _data(rule, group, source, ctx.env)
    # The environment's labels (environment=prod) play the part of Prometheus' external labels.
    labels = {**ctx.env.labels, **rule.labels}
    return GrafanaRule(
        title=rule.name, uid="", data=data, condition=translate.CONDITION_REF,
        for_=rule.for_, keep_firing_for=rule.keep_firing_for,
        labels=MappingProxyType(dict(sorted(labels.items()))),
        annotations=MappingProxyType(dict(sorted(annotations.items()))),
        no_data_state=rule_extras.no_data_state or extras.no_data_state,
        exec_err_state=rule_extras.exec_err_state or extras.exec_err_state,
        is_paused=rule_extras.paused if rule_extras.paused is not None else group.name in extras.paused_groups,
        notification_settings=rule_extras.notification_settings,
        missing_series_evals_to_resolve=rule_extras.missing_series_evals_to_resolve, shape=shape,
        name=rule.name, field=rule.field)


def _recording_rule(group: RuleGroup, rule: Rule, extras: GrafanaExtras, source: DataSource,
                    target: DataSource) -> GrafanaRule:
    """One query node and a `record` block, as Grafana's own Prometheus import builds it (convert.go).

    The whole expression is query A: Prometheus records every series it returns, and so does Grafana. The
    environment's labels are not added: Prometheus adds external labels only to what leaves it, not to recorded
    series, and an alert reading the recorded series back must find the labels the expression gave it.
    """
    rule_extras = extras.rule(rule.name)
    return GrafanaRule(
        title=rule.name, uid="", data=(_query(rule.expr, group, source),), condition=None, for_=None,
        keep_firing_for=None, labels=MappingProxyType(dict(sorted(rule.labels.items()))),
        annotations=MappingProxyType({}), no_data_state=None, exec_err_state=None,
        is_paused=rule_extras.paused if rule_extras.paused is not None else group.name in extras.paused_groups,
        notification_settings=None, missing_series_evals_to_resolve=None, shape="record",
        record=RecordSettings(metric=rule.name, from_=translate.QUERY_REF, target_datasource=target.uid),
        name=rule.name, field=rule.field)


def _interval(rule_file: RuleFile, group: RuleGroup) -> int:
    seconds = group.interval_seconds
    if seconds < EVALUATION_STEP_SECONDS or seconds % EVALUATION_STEP_SECONDS:
        raise UserError(rule_file.file, f"{group.field}.interval",
                        f"{group.interval} is not a multiple of {EVALUATION_STEP_SECONDS}s; Grafana evaluates rules "
                        f"on a {EVALUATION_STEP_SECONDS}-second tick (use e.g. 30s or 1m)")
    return int(seconds)


def _datasource(extras: GrafanaExtras, ctx: RuleContext, field: str, uid: str, types: tuple[str, ...],
                why: str) -> DataSource:
    source = ctx.datasources.get(uid)
    if source is None:
        raise UserError(extras.file, field, f"environment {ctx.env.name!r} has no data source {uid!r} "
                                            f"(it has: {', '.join(sorted(ctx.datasources))})")
    if source.type not in types:
        raise UserError(extras.file, field, f"data source {source.uid!r} is of type {source.type!r}; {why}")
    return source


def _target(extras: GrafanaExtras, ctx: RuleContext) -> tuple[Folder, DataSource]:
    problems = Collector()
    folder = ctx.folders.get(extras.folder)
    if folder is None:
        problems.add(*UserError(extras.file, "folder", f"unknown folder {extras.folder!r}; folders are the "
                                f"directories of dashboards/ ({', '.join(sorted(ctx.folders))})").problems)
    source = None
    with problems.guard():
        source = _datasource(extras, ctx, "datasource", extras.datasource, ALERTING_DATASOURCE_TYPES,
                             "the rules hold PromQL, which runs on a Prometheus data source")
    problems.raise_if_any()
    return folder, source


def _recording_target(rule_file: RuleFile, extras: GrafanaExtras, ctx: RuleContext) -> DataSource | None:
    """Where this file's recording rules write, after checking the environment's Grafana can run them at all."""
    recording = [rule for rule in rule_file.rules if rule.record]
    if not recording:
        return None
    grafana = ctx.env.grafana
    first = recording[0].field
    if not grafana.at_least(*RECORDING_RULES_SINCE):
        raise UserError(rule_file.file, first, f"{len(recording)} recording rule(s): Grafana-managed recording rules "
                                               f"need Grafana {'.'.join(map(str, RECORDING_RULES_SINCE))} or newer, "
                                               f"and environment {ctx.env.name!r} runs {grafana.version_text} "
                                               f"({ctx.env.file}: grafana.version); keep them in Prometheus instead")
    if not grafana.at_least(*RECORDING_RULES_DEFAULT_SINCE):
        warn(rule_file.file, first, f"Grafana {grafana.version_text} (environment {ctx.env.name!r}) runs "
                                    "Grafana-managed recording rules only with the feature toggles "
                                    "grafanaManagedRecordingRules and grafanaManagedRecordingRulesDatasources and "
                                    "[recording_rules] enabled = true (the default from Grafana 12.1)")
    field = "recording.target_datasource" if extras.recording_target else "datasource"
    return _datasource(extras, ctx, field, extras.recording_datasource, RECORDING_TARGET_TYPES,
                       "Grafana writes recorded series with Prometheus remote write, to a Prometheus-type data "
                       "source (set recording.target_datasource)")


def _file_groups(rule_file: RuleFile, extras_dir: Path, ctx: RuleContext) -> list[GrafanaRuleGroup]:
    """The rule groups of one file, with every problem in it reported together."""
    extras = load_extras(extras_dir, rule_file, ctx.env)
    problems = Collector()
    folder = source = target = None
    groups: list[tuple[RuleGroup, GrafanaRuleGroup]] = []
    with problems.guard():
        folder, source = _target(extras, ctx)
    with problems.guard():
        target = _recording_target(rule_file, extras, ctx)
    for group in rule_file.groups:
        interval = 0
        with problems.guard():
            interval = _interval(rule_file, group)
        rules = []
        for rule in group.rules:
            with problems.guard():
                if source is None:  # the data source is unknown: check what can be checked without it
                    _annotations(rule_file, rule)
                elif rule.record:
                    if target is not None:
                        rules.append(_recording_rule(group, rule, extras, source, target))
                else:
                    rules.append(_alert_rule(rule_file, group, rule, extras, source, ctx))
        if folder is not None and rules:  # an empty group (skipped with a warning by the loader) creates nothing
            groups.append((group, GrafanaRuleGroup(name=group.name, folder_uid=folder.uid, interval_seconds=interval,
                                                   rules=tuple(rules), file=rule_file.file)))
    problems.raise_if_any()
    return _with_uids(rule_file.system, groups)


# ----- identity: uids and titles --------------------------------------------------------------------------------

def rule_uid(system: str, name: str, distinct: str = "") -> str:
    """A stable uid per system and rule name (Grafana uids are unique per org and at most 40 characters).

    ``distinct`` tells apart rules that share a name (a warning and a critical tier): it adds a short digest.
    """
    uid = f"{system}-{_kebab(name)}"
    if not distinct and len(uid) <= MAX_UID_LENGTH:
        return uid
    digest = hashlib.sha256(f"{uid}\0{distinct}".encode() if distinct else uid.encode()).hexdigest()[:8]
    return f"{uid[:MAX_UID_LENGTH - 9].rstrip('-')}-{digest}"


def _identity(group: RuleGroup, rule: Rule) -> str:
    """What tells apart rules of one name: their group and own labels (the severity of a tier), not their position
    (the environment's labels are left out: a rule keeps its uid in every environment)."""
    return "\0".join([group.name, *(f"{k}={v}" for k, v in sorted(rule.labels.items()))])


def _with_uids(system: str, groups: list[tuple[RuleGroup, GrafanaRuleGroup]]) -> list[GrafanaRuleGroup]:
    """Uids for every rule of a file, stable and unique: the first rule of a name keeps ``<system>-<name>``, so
    adding a second tier leaves the first one alone; the others add a digest of their group and labels, and rules
    that are alike in those too add their rank among them."""
    taken: set[str] = set()
    out = []
    for group, built in groups:
        named = []
        for source, rule in zip(group.rules, built.rules):
            uid = rule_uid(system, rule.name)
            rank = 1
            while uid in taken:
                identity = _identity(group, source) + (f"\0{rank}" if rank > 1 else "")
                uid = rule_uid(system, rule.name, identity)
                rank += 1
            taken.add(uid)
            named.append(dataclasses.replace(rule, uid=uid))
        out.append(dataclasses.replace(built, rules=tuple(named)))
    return out


def _distinguishing(rule: GrafanaRule, others: list[GrafanaRule]) -> str:
    """The labels in which ``rule`` differs from the others of its title, as a readable suffix."""
    keys = sorted({k for other in others for k in {*other.labels, *rule.labels}
                   if other.labels.get(k) != rule.labels.get(k)})
    return ", ".join(f"{k}={rule.labels[k]}" for k in keys if k in rule.labels)


def _suffixed(title: str, suffix: str) -> str:
    """``title (suffix)`` within Grafana's limit for a rule title: 190 bytes (Go's ``len``; AlertRuleMaxTitleLength,
    checked in pkg/services/ngalert/api/validation/api_ruler_validation.go). A name near the limit is cut before the
    suffix, which tells the repeats apart, so that Grafana does not refuse the rule on apply."""
    tail = f" ({suffix})"
    if not too_long(title + tail):
        return title + tail
    room = MAX_NAME_LENGTH - len(tail.encode()) - len("...")
    return title.encode()[:room].decode(errors="ignore") + "..." + tail


def _unique_titles(groups: list[GrafanaRuleGroup], folder_paths: Mapping[str, str],
                   ctx: RuleContext) -> list[GrafanaRuleGroup]:
    """Before Grafana 12.0 a title is unique per folder: repeats get a suffix, deterministically, with a warning.

    Groups come sorted by (folder, name), so which rule keeps the plain title does not depend on file order.
    """
    if ctx.env.grafana.at_least(*REPEATED_TITLES_SINCE):
        return groups
    by_title: dict[tuple[str, str], list[GrafanaRule]] = defaultdict(list)
    for group in groups:
        for rule in group.rules:
            by_title[(group.folder_uid, rule.title)].append(rule)
    titles: dict[str, str] = {}  # rule uid -> new title
    used = set(by_title)
    for (folder_uid, title), rules in by_title.items():
        for rank, rule in enumerate(rules[1:], start=2):
            suffix = _distinguishing(rule, [r for r in rules if r is not rule]) or str(rank)
            if len(f" ({suffix}, 99)".encode()) > MAX_NAME_LENGTH // 2:
                suffix = str(rank)  # label values too long to name the repeat: its rank does
            new = _suffixed(title, suffix)
            extra = 2
            while (folder_uid, new) in used:  # the suffix is taken (by a rule or another repeat): count on
                new = _suffixed(title, f"{suffix}, {extra}")
                extra += 1
            used.add((folder_uid, new))
            titles[rule.uid] = new
    if not titles:
        return groups
    out = []
    for group in groups:
        rules = []
        for rule in group.rules:
            if rule.uid in titles:
                # A recording rule's title is only its name in Grafana's rule list: the series it writes keeps the
                # metric name of its `record` block (the Mimir mixin records one metric from nine rules).
                effect = (f"the series it records keeps the name {rule.record.metric!r}" if rule.record is not None
                          else "its alertname differs there")
                warn(group.file, rule.field, f"is titled {titles[rule.uid]!r} in environment {ctx.env.name!r}: "
                                             f"Grafana {ctx.env.grafana.version_text} needs rule titles unique per "
                                             f"folder ({folder_paths.get(group.folder_uid, group.folder_uid)!r}; "
                                             f"12.0 and newer do not); {effect}")
                rule = dataclasses.replace(rule, title=titles[rule.uid])
            rules.append(rule)
        out.append(dataclasses.replace(group, rules=tuple(rules)))
    return out


def _check_identities(groups: list[GrafanaRuleGroup], folder_paths: Mapping[str, str]) -> None:
    """Group names are unique per folder in Grafana, rule uids per organization; two systems may share a folder."""
    problems = Collector()
    names: dict[tuple[str, str], str] = {}
    uids: dict[str, str] = {}
    for group in groups:
        where = folder_paths.get(group.folder_uid, group.folder_uid)
        key = (group.folder_uid, group.name)
        if key in names:
            problems.add(*UserError(group.file, f"groups[{group.name}]", f"group name {group.name!r} is also used "
                                    f"by {names[key]} in folder {where!r}; group names are unique per folder"
                                    ).problems)
        names.setdefault(key, group.file)
        for rule in group.rules:
            if rule.uid in uids and uids[rule.uid] != group.file:
                problems.add(*UserError(group.file, rule.field, f"its uid {rule.uid!r} is also the uid of a rule in "
                                        f"{uids[rule.uid]}; rename one of them (uids are <system>-<name>)").problems)
            uids.setdefault(rule.uid, group.file)
    problems.raise_if_any()


def build_rule_groups(rule_files: list[RuleFile], extras_dir: Path, ctx: RuleContext) -> tuple[GrafanaRuleGroup, ...]:
    problems = Collector()
    if extras_dir.is_dir():
        for path in sorted(extras_dir.glob("*.yaml")):
            # The rule file's presence, not its loading: a broken rule file is reported on its own.
            if not (extras_dir.parent / "rules" / path.name).is_file():
                problems.add(*UserError(display_path(path), "", f"no rule file alerts/rules/{path.name} for these "
                                                                "extras").problems)
    groups: list[GrafanaRuleGroup] = []
    for rule_file in rule_files:
        with problems.guard():
            groups.extend(_file_groups(rule_file, extras_dir, ctx))
    problems.raise_if_any()
    folder_paths = {folder.uid: folder.path for folder in ctx.folders.values()}
    groups.sort(key=lambda g: (g.folder_uid, g.name, g.file))
    _check_identities(groups, folder_paths)
    return tuple(_unique_titles(groups, folder_paths, ctx))


def load_rule_groups(alerts_dir: Path, ctx: RuleContext) -> tuple[GrafanaRuleGroup, ...]:
    return build_rule_groups(load_rule_files(alerts_dir / "rules"), alerts_dir / "grafana", ctx)
