"""What one environment's stack declares, by resource type and import-id key (see import_ids.FORMATS)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .adopt_file import Key
from .import_ids import POLICY_ID

if TYPE_CHECKING:
    from ..project import Catalog


def declared_keys(catalog: Catalog) -> dict[str, set[Key]]:
    notifications = catalog.notifications
    return {
        "grafana_folder": {(f.uid,) for f in catalog.folders},
        "grafana_data_source": {(d.uid,) for d in catalog.datasources},
        "grafana_dashboard": {(d.uid,) for d in catalog.dashboards},
        "grafana_library_panel": {(p.uid,) for p in catalog.library_panels},
        "grafana_rule_group": {(g.folder_uid, g.name) for g in catalog.rule_groups},
        "grafana_contact_point": {(name,) for name in notifications.contact_point_names},
        "grafana_message_template": {(t.name,) for t in notifications.templates},
        "grafana_mute_timing": {(name,) for name in notifications.mute_timing_names},
        "grafana_notification_policy": {(POLICY_ID,)} if notifications.policy is not None else set(),
    }
