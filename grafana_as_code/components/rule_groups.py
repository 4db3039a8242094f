"""Grafana-managed alert and recording rules: one ``grafana_rule_group`` per Prometheus rule group, in its folder.

A group's Terraform address depends only on its own identity, its folder and name, never on the other groups of the
stack: ``grafana_rule_group.<folder uid>_<group name>`` (with a digest where the two cannot be read back apart, see
``address``). Adding a group with the same name in another folder leaves every existing address, and so every
existing group, alone. A ``moved`` block carries groups over from the addresses of earlier releases
(``grafana_rule_group.<group name>``), so upgrading never destroys and recreates a group.

``disable_provenance`` is left unset (false): rules written here are "provisioned" and locked in Grafana's UI,
so the repository stays the only place they change (see alerts/README.md, "Provenance").
"""
from __future__ import annotations

import hashlib
import re
from typing import Callable, Protocol

from imports.grafana import RuleGroup as RuleGroupResource
from imports.grafana.rule_group import (RuleGroupRule, RuleGroupRuleData, RuleGroupRuleNotificationSettings,
                                       RuleGroupRuleRecord)

from ..alerting.grafana_extras import NotificationSettings
from ..alerting.rule_groups import GrafanaRule, GrafanaRuleGroup, RecordSettings
from ..alerting.translate import EXPRESSION_DATASOURCE
from .. import readback
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
        # durations as Grafana returns them (readback.READ_BACK)
        group_wait=_duration(settings.group_wait, readback.prometheus_duration),
        group_interval=_duration(settings.group_interval, readback.prometheus_duration),
        repeat_interval=_duration(settings.repeat_interval, readback.prometheus_duration),
        mute_timings=_names(settings.mute_timings, mute), active_timings=_names(settings.active_timings, mute))


def _record(record: RecordSettings | None, datasources: DataSources) -> RuleGroupRuleRecord | None:
    if record is None:
        return None
    return RuleGroupRuleRecord(metric=record.metric, from_=record.from_,
                               target_datasource_uid=datasources.uid(record.target_datasource))


def _duration(text: str | None, canonical: Callable[[str], str]) -> str | None:
    return canonical(text) if text is not None else None


def _rule(rule: GrafanaRule, datasources: DataSources, targets: NotificationTargets | None) -> RuleGroupRule:
    return RuleGroupRule(
        name=rule.title, uid=rule.uid, condition=rule.condition, for_=_duration(rule.for_, readback.go_duration),
        keep_firing_for=_duration(rule.keep_firing_for, readback.go_duration),
        labels=dict(rule.labels), annotations=dict(rule.annotations),
        no_data_state=rule.no_data_state, exec_err_state=rule.exec_err_state,
        is_paused=rule.is_paused or None,  # unset rather than false: the provider's default, no diff either way
        missing_series_evals_to_resolve=rule.missing_series_evals_to_resolve,
        notification_settings=_notification_settings(rule.notification_settings, targets),
        record=_record(rule.record, datasources),
        data=[RuleGroupRuleData(ref_id=d["ref_id"], model=d["model"], relative_time_range=d["relative_time_range"],
                                datasource_uid=(d["datasource_uid"] if d["datasource_uid"] == EXPRESSION_DATASOURCE
                                                else datasources.uid(d["datasource_uid"])))
              for d in rule.data],
    )


_PLAIN_FOLDER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")  # no "_": the first "_" of an address ends the folder
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def address(folder_uid: str, name: str) -> str:
    """The Terraform name of a group, from its folder uid and name alone.

    ``<folder>_<name>`` when both are written in Terraform's alphabet and the folder uid has no ``_`` (so the address
    reads back unambiguously); otherwise ``_<cleaned folder_name>_<digest>`` (8 hex digits of the exact folder and
    name), which starts with ``_`` and so never meets a plain one.
    """
    if _PLAIN_FOLDER.match(folder_uid) and _PLAIN_NAME.match(name):
        return f"{folder_uid}_{name}"
    digest = hashlib.sha256(f"{folder_uid}\0{name}".encode()).hexdigest()[:8]
    return f"_{terraform_name(f'{folder_uid}_{name}').lstrip('_')}_{digest}"


def _earlier_address(group: GrafanaRuleGroup, groups: tuple[GrafanaRuleGroup, ...]) -> str:
    """The address releases before folder-qualified addresses gave (the name alone where it was unique)."""
    shared = sum(1 for g in groups if g.name == group.name) > 1
    return terraform_name(f"{group.folder_uid}_{group.name}" if shared else group.name)


class RuleGroups(Component):
    def __init__(self, scope: Construct, id: str, groups: tuple[GrafanaRuleGroup, ...], folders: FolderTree,
                 datasources: DataSources, org_id: str | None = None,
                 targets: NotificationTargets | None = None) -> None:
        super().__init__(scope, id)
        addresses = [address(group.folder_uid, group.name) for group in groups]
        self.by_key: dict[tuple[str, str], RuleGroupResource] = {}  # (folder uid, group name): Grafana's identity
        for group, logical_id in zip(groups, addresses):
            resource = self.by_key[(group.folder_uid, group.name)] = RuleGroupResource(
                self, logical_id, logical_id=logical_id, name=group.name,
                folder_uid=folders.uid(group.folder_uid), interval_seconds=group.interval_seconds, org_id=org_id,
                rule=[_rule(rule, datasources, targets) for rule in group.rules],
            )
            earlier = _earlier_address(group, groups)
            if earlier != logical_id and earlier not in addresses:
                # Terraform moves the state of the old address, if there is one, instead of destroying the group.
                resource.move_from_id(f"grafana_rule_group.{earlier}")
