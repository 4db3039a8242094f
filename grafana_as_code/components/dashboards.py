"""Dashboards: one ``grafana_dashboard`` each, in its folder, with canonical JSON."""
from __future__ import annotations

import json

from imports.grafana import Dashboard as DashboardResource

from ..bindings.runtime import Component
from ..cdk import Construct
from ..dashboard_panels import panels_of
from ..dashboards import Dashboard
from ..uids import terraform_name
from .folders import FolderTree
from .library_panels import LibraryPanels


def library_panel_uids(dashboard: Dashboard) -> list[str]:
    """Uids of the library panels a dashboard shows, sorted (the loader has checked that they exist)."""
    if '"libraryPanel"' not in dashboard.config_json():  # most show none: no need to read the JSON back
        return []
    return sorted({panel["libraryPanel"]["uid"] for panel in panels_of(json.loads(dashboard.config_json()))
                   if isinstance(panel.get("libraryPanel"), dict) and isinstance(panel["libraryPanel"].get("uid"), str)})


class Dashboards(Component):
    def __init__(self, scope: Construct, id: str, dashboards: tuple[Dashboard, ...], folders: FolderTree,
                 org_id: str | None = None, library_panels: LibraryPanels | None = None) -> None:
        super().__init__(scope, id)
        self.by_uid: dict[str, DashboardResource] = {}
        for dashboard in dashboards:
            shown = library_panel_uids(dashboard) if library_panels is not None else []
            self.by_uid[dashboard.uid] = DashboardResource(
                self, dashboard.uid, logical_id=terraform_name(dashboard.uid),
                config_json=dashboard.config_json(), org_id=org_id,
                folder=folders.uid(dashboard.folder_uid) if dashboard.folder_uid else None,
                # the library panels it shows exist before it (Grafana refuses an unknown libraryPanel.uid)
                depends_on=(library_panels.in_stack(shown) or None) if library_panels else None,
            )
