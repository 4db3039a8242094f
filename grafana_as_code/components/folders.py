"""The folder tree: one ``grafana_folder`` per directory under ``dashboards/``, nested by ``parent_folder_uid``."""
from __future__ import annotations

from imports.grafana import Folder as FolderResource

from ..bindings.runtime import Component
from ..cdk import Construct
from ..folders import Folder
from ..uids import terraform_name


class FolderTree(Component):
    def __init__(self, scope: Construct, id: str, folders: tuple[Folder, ...], org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self._by_uid: dict[str, FolderResource] = {}
        for folder in folders:  # parents come first (sorted by path)
            parent = self._by_uid[folder.parent_uid].uid if folder.parent_uid else None
            self._by_uid[folder.uid] = FolderResource(
                self, folder.uid, logical_id=terraform_name(folder.uid),
                title=folder.title, uid=folder.uid, parent_folder_uid=parent, org_id=org_id,
                prevent_destroy_if_not_empty=folder.prevent_destroy_if_not_empty,
            )

    def uid(self, folder_uid: str) -> str:
        """A reference to the folder's uid, so Terraform creates the folder before what goes in it."""
        return self._by_uid[folder_uid].uid
