"""Dashboards: one ``grafana_dashboard`` each, in its folder, with canonical JSON."""
from __future__ import annotations

from imports.grafana import Dashboard as DashboardResource

from ..bindings.runtime import Component
from ..cdk import Construct
from ..dashboards import Dashboard
from ..uids import terraform_name
from .folders import FolderTree


class Dashboards(Component):
    def __init__(self, scope: Construct, id: str, dashboards: tuple[Dashboard, ...], folders: FolderTree,
                 org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self.by_uid: dict[str, DashboardResource] = {}
        for dashboard in dashboards:
            self.by_uid[dashboard.uid] = DashboardResource(
                self, dashboard.uid, logical_id=terraform_name(dashboard.uid),
                config_json=dashboard.config_json(), org_id=org_id,
                folder=folders.uid(dashboard.folder_uid) if dashboard.folder_uid else None,
            )
