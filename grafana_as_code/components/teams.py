"""Teams and folder permissions: a ``grafana_team`` per team (or a ``data "grafana_team"`` lookup for a team an
identity provider syncs), and an authoritative ``grafana_folder_permission`` per owned folder."""
from __future__ import annotations

from typing import Any

from imports.grafana import DataGrafanaTeam, FolderPermission, Team as TeamResource

from ..bindings.runtime import Component
from ..cdk import Construct
from ..teams import FolderAccess, Team
from ..uids import terraform_name
from .folders import FolderTree

# Grafana's folder permission levels (provider: grafana_folder_permission.permissions.permission: View, Edit, Admin).
EDIT, VIEW = "Edit", "View"
# ``viewers: everyone``: the organisation's basic roles that Grafana grants View and Edit by default; Admins keep
# their access through their role whatever a folder says.
EVERYONE_ROLES = ("Editor", "Viewer")


class Teams(Component):
    def __init__(self, scope: Construct, id: str, teams: tuple[Team, ...], access: tuple[FolderAccess, ...],
                 folders: FolderTree, org_id: str | None = None) -> None:
        super().__init__(scope, id)
        self._team_ids: dict[str, Any] = {}
        for team in teams:
            name = terraform_name(team.key)
            if team.existing:
                found = DataGrafanaTeam(self, f"data-{team.key}", logical_id=name, name=team.name, org_id=org_id)
                self._team_ids[team.key] = found.team_id
            else:
                created = TeamResource(self, team.key, logical_id=name, name=team.name, email=team.email,
                                       members=_sorted(team.members), admins=_sorted(team.admins), org_id=org_id)
                self._team_ids[team.key] = created.team_id
        for item in access:
            FolderPermission(self, f"permissions-{item.folder.uid}", logical_id=terraform_name(item.folder.uid),
                             folder_uid=folders.uid(item.folder.uid), org_id=org_id,
                             permissions=self._permissions(item))

    def _permissions(self, item: FolderAccess) -> list[dict[str, str]]:
        entries = [{"permission": EDIT, "team_id": self._team_ids[item.owner]}]
        if item.viewers is None:
            entries += [{"permission": VIEW, "role": role} for role in EVERYONE_ROLES]
        else:
            entries += [{"permission": VIEW, "team_id": self._team_ids[key]} for key in item.viewers]
        return entries


def _sorted(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else sorted(values)
