"""Terraform ``import`` blocks for the objects an environment adopts (grafana_as_code/adopt/adopt_file.py).

Each adopted object is imported into the very resource that declares it (the engine's ``import_from``, which
writes ``"import": [{"to": "grafana_folder.x", "id": "…"}]`` at the top of cdk.tf.json; Terraform >= 1.5).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..adopt.adopt_file import Adoption, Key
from .dashboards import Dashboards
from .datasources import DataSources
from .folders import FolderTree
from .library_panels import LibraryPanels
from .notifications import NotificationResources
from .rule_groups import RuleGroups


def declared_resources(folders: FolderTree, datasources: DataSources, dashboards: Dashboards,
                       notifications: NotificationResources, rule_groups: RuleGroups,
                       library_panels: LibraryPanels | None = None) -> dict[str, Mapping[Key, Any]]:
    """Every resource of the stack by type and import-id key (the same keys as adopt.declared.declared_keys)."""
    return {
        "grafana_library_panel": {(uid,): r for uid, r in library_panels._by_uid.items()} if library_panels else {},
        "grafana_folder": {(uid,): r for uid, r in folders._by_uid.items()},
        "grafana_data_source": {(uid,): r for uid, r in datasources._by_uid.items()},
        "grafana_dashboard": {(uid,): r for uid, r in dashboards.by_uid.items()},
        "grafana_rule_group": dict(rule_groups.by_key),
        "grafana_contact_point": {(name,): r for name, r in notifications.contact_points.items()},
        "grafana_message_template": {(name,): r for name, r in notifications.templates.items()},
        "grafana_mute_timing": {(name,): r for name, r in notifications.mute_timings.items()},
        "grafana_notification_policy": {("policy",): notifications.policy} if notifications.policy else {},
    }


def import_adopted(adoption: Adoption, resources: dict[str, Mapping[Key, Any]], partial: bool = False) -> None:
    """``partial``: the environment is split into stacks (grafana_as_code/shards.py), and each imports the entries
    whose resources it declares; the others are another stack's."""
    # Import blocks need Terraform 1.5; every stack already requires more (stacks/grafana_stack.py).
    # The adoption list was checked against the catalog when it was loaded, so every entry has its resource.
    for entry in adoption.entries:
        resource = resources.get(entry.resource_type, {}).get(entry.key)
        if resource is None and partial:
            continue
        resources[entry.resource_type][entry.key].import_from(entry.import_id)
