"""Library panels: one ``grafana_library_panel`` each, in its folder, with canonical model JSON.

Dashboards that show a library panel depend on it (``Dashboards`` asks ``resource``): Grafana refuses to save a
dashboard whose ``libraryPanel.uid`` does not exist yet, and refuses to delete a library panel a dashboard still
shows, so Terraform must create it first and delete it last.

The Terraform name is the uid: the provider never sends a changed ``uid`` (its update is a PATCH of the old one
without it), so a new uid must be a new resource; with the uid in the address, Terraform creates the new panel,
updates the dashboards, then deletes the old one.
"""
from __future__ import annotations

from imports.grafana import LibraryPanel as LibraryPanelResource

from ..bindings.runtime import Component
from ..cdk import Construct
from ..dashboards.model import LibraryPanel
from ..uids import terraform_name
from .folders import FolderTree


class LibraryPanels(Component):
    def __init__(self, scope: Construct, id: str, panels: tuple[LibraryPanel, ...], folders: FolderTree,
                 org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self._by_uid: dict[str, LibraryPanelResource] = {}
        for panel in panels:
            self._by_uid[panel.uid] = LibraryPanelResource(
                self, panel.uid, logical_id=terraform_name(panel.uid),
                uid=panel.uid, name=panel.name, model_json=panel.model_json(), org_id=org_id,
                folder_uid=folders.uid(panel.folder_uid) if panel.folder_uid else None,
            )

    def resource(self, uid: str) -> LibraryPanelResource:
        return self._by_uid[uid]

    def in_stack(self, uids: list[str]) -> list[LibraryPanelResource]:
        """The resources of those uids this stack holds (with team stacks, another team's are in its stack)."""
        return [self._by_uid[uid] for uid in uids if uid in self._by_uid]
