"""Grafana-managed alert rules: one ``grafana_rule_group`` per Prometheus rule group, in its folder.

``disable_provenance`` is left unset (false): rules written here are "provisioned" and locked in Grafana's UI,
so the repository stays the only place they change (see alerts/README.md, "Provenance").
"""
from __future__ import annotations

from typing import Callable, Protocol

from imports.grafana import RuleGroup as RuleGroupResource
from imports.grafana.rule_group import RuleGroupRule, RuleGroupRuleData, RuleGroupRuleNotificationSettings

from ..alerting.grafana_extras import NotificationSettings
from ..alerting.rule_groups import GrafanaRule, GrafanaRuleGroup
from ..alerting.translate import EXPRESSION_DATASOURCE
from ..bindings.runtime import Component
from ..cdk import Construct
from ..uids import terraform_name
from .datasources import DataSources
from .folders import FolderTree


class NotificationTargets(Protocol):
    """Resolves contact point and mute timing names to references, so Terraform creates them before the rules."""

    def contact_point(self, name: str) -> str: ...

    def mute_timing(self, name: str) -> str: ...


def _names(names: tuple[str, ...] | None, resolve: Callable[[str], str] | None) -> list[str] | None:
    if names is None:
        return None
    return [resolve(name) if resolve else name for name in names]


def _notification_settings(settings: NotificationSettings | None,
                           targets: NotificationTargets | None) -> RuleGroupRuleNotificationSettings | None:
    if settings is None:
        return None
    mute = targets.mute_timing if targets else None
    return RuleGroupRuleNotificationSettings(
        contact_point=targets.contact_point(settings.contact_point) if targets else settings.contact_point,
        group_by=list(settings.group_by) if settings.group_by is not None else None,
        group_wait=settings.group_wait, group_interval=settings.group_interval,
        repeat_interval=settings.repeat_interval,
        mute_timings=_names(settings.mute_timings, mute), active_timings=_names(settings.active_timings, mute))


def _rule(rule: GrafanaRule, datasources: DataSources, targets: NotificationTargets | None) -> RuleGroupRule:
    return RuleGroupRule(
        name=rule.title, uid=rule.uid, condition=rule.condition, for_=rule.for_,
        keep_firing_for=rule.keep_firing_for, labels=dict(rule.labels), annotations=dict(rule.annotations),
        no_data_state=rule.no_data_state, exec_err_state=rule.exec_err_state,
        is_paused=rule.is_paused or None,  # unset rather than false: the provider's default, no diff either way
        missing_series_evals_to_resolve=rule.missing_series_evals_to_resolve,
        notification_settings=_notification_settings(rule.notification_settings, targets),
        data=[RuleGroupRuleData(ref_id=d["ref_id"], model=d["model"], relative_time_range=d["relative_time_range"],
                                datasource_uid=(d["datasource_uid"] if d["datasource_uid"] == EXPRESSION_DATASOURCE
                                                else datasources.uid(d["datasource_uid"])))
              for d in rule.data],
    )


class RuleGroups(Component):
    def __init__(self, scope: Construct, id: str, groups: tuple[GrafanaRuleGroup, ...], folders: FolderTree,
                 datasources: DataSources, org_id: str | None = None,
                 targets: NotificationTargets | None = None) -> None:
        super().__init__(scope, id)
        names = [group.name for group in groups]
        for group in groups:
            # grafana_rule_group.<group name>; the folder joins the name only where two folders share a group name.
            logical_id = terraform_name(group.name if names.count(group.name) == 1 else f"{group.folder_uid}_{group.name}")
            RuleGroupResource(
                self, logical_id, logical_id=logical_id, name=group.name,
                folder_uid=folders.uid(group.folder_uid), interval_seconds=group.interval_seconds, org_id=org_id,
                rule=[_rule(rule, datasources, targets) for rule in group.rules],
            )
