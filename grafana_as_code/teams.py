"""Teams: one YAML file each under ``teams/``, and the folder permissions that follow from what they own.

A team is declared once and exists in every environment: its ``grafana_team`` (or, for a team your identity
provider already syncs into Grafana, a lookup of it by name) and an authoritative ``grafana_folder_permission`` on
each folder it owns: the owning team edits, the folder's ``viewers`` (``_folder.yaml``; default ``everyone``) view.

Two facts of Grafana shape the checks (docs: "Manage folder permissions", nested folders): permissions of a folder
are inherited by its subfolders, and ``grafana_folder_permission`` manages only a folder's own (direct) permissions.
So a folder restricted to some teams cannot sit under a folder everyone can view, and an owned folder under an
unmanaged folder is still editable through Grafana's default "Editor role can edit" on that parent: both are said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Collector, UserError, warn
from .folders import EVERYONE, Folder
from .yaml_io import Fields, display_path, load_yaml

TEAM_KEY = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Team:
    key: str  # the file name: Terraform name (grafana_team.<key>) and how folders and alert labels name the team
    name: str  # the team's name in Grafana
    file: str
    existing: bool = False  # synced from an identity provider: looked up by name, never created or changed
    email: str | None = None
    members: tuple[str, ...] | None = None  # None: membership is not managed here
    admins: tuple[str, ...] | None = None
    folders: tuple[str, ...] = ()  # folder paths it owns (with their subfolders)


@dataclass(frozen=True)
class FolderAccess:
    """The permissions of one owned folder: ``owner`` edits, ``viewers`` (team keys) or everyone views."""

    folder: Folder
    owner: str  # team key
    viewers: tuple[str, ...] | None  # None: everyone in the organisation (the Viewer and Editor roles)


def _emails(fields: Fields, key: str) -> tuple[str, ...] | None:
    if key not in fields.data:
        return None
    values = fields.str_list(key, [])
    for index, value in enumerate(values):
        if not EMAIL.match(value):
            raise UserError(fields.where, f"{fields.path(key)}[{index}]", f"expected an e-mail address, got {value!r}")
    return tuple(values)


def load_team(path: Path) -> Team:
    where = display_path(path)
    fields = Fields(load_yaml(path) or {}, where)
    fields.only(("name", "existing", "email", "members", "admins", "folders"))
    key = path.stem
    if not TEAM_KEY.match(key):
        raise UserError(where, "", f"team file names must be lower-case letters, digits and '-' (starting with a "
                                   f"letter, at most 40 characters); got {key!r}")
    existing = fields.bool("existing", False)
    team = Team(key=key, name=fields.str("name"), file=where, existing=existing, email=fields.str("email", None),
                members=_emails(fields, "members"), admins=_emails(fields, "admins"),
                folders=tuple(fields.str_list("folders", [])))
    if existing and (team.members is not None or team.admins is not None or team.email is not None):
        raise UserError(where, "existing", "an existing team is only looked up by name: its email, members and "
                                           "admins are managed where it comes from (drop them here)")
    return team


def load_teams(directory: Path, folders: list[Folder]) -> list[Team]:
    """Every team under ``directory`` (none when it does not exist), with each owned folder checked to exist and
    to have one owner. Every problem of every file is reported together."""
    if not directory.is_dir():
        return []
    problems = Collector()
    teams: list[Team] = []
    for path in sorted(directory.glob("*.yaml")):
        with problems.guard():
            teams.append(load_team(path))
    known = {f.path: f for f in folders}
    owners: dict[str, Team] = {}
    names: dict[str, Team] = {}
    for team in teams:
        if team.name in names:
            problems.add(*UserError(team.file, "name", f"{team.name!r} is also the name of "
                                                       f"{names[team.name].file}; team names are unique").problems)
        names.setdefault(team.name, team)
        for index, path in enumerate(team.folders):
            field = f"folders[{index}]"
            if path not in known:
                hint = f"; known: {', '.join(sorted(known))}" if known else ""
                problems.add(*UserError(team.file, field, f"unknown folder {path!r} (a directory under "
                                                          f"dashboards/){hint}").problems)
            elif path in owners:
                problems.add(*UserError(team.file, field, f"folder {path!r} is already owned by "
                                                          f"{owners[path].file}; a folder has one owner").problems)
            else:
                owners[path] = team
    problems.raise_if_any()
    return teams


def owner_of(path: str, teams: list[Team]) -> Team | None:
    """The team owning a folder: the nearest of the folder and its ancestors that a team claims."""
    claims = {folder: team for team in teams for folder in team.folders}
    while path:
        if path in claims:
            return claims[path]
        path = path.rpartition("/")[0]
    return None


def folder_access(folders: list[Folder], teams: list[Team]) -> list[FolderAccess]:
    """The permissions of every owned folder (parents first), after checking that they can hold in Grafana."""
    by_key = {t.key: t for t in teams}
    by_path = {f.path: f for f in folders}
    problems = Collector()
    access: list[FolderAccess] = []
    for folder in folders:
        viewers = folder.viewers
        if viewers not in (None, (EVERYONE,)):
            for index, key in enumerate(viewers):
                if key not in by_key:
                    problems.add(*UserError(folder.file, f"viewers[{index}]", f"unknown team {key!r}; teams are the "
                                            f"files in teams/ ({', '.join(sorted(by_key)) or 'none yet'})").problems)
        owner = owner_of(folder.path, teams)
        if owner is None:
            if viewers is not None:
                problems.add(*UserError(folder.file, "viewers", "only folders a team owns have managed "
                                        "permissions: add this folder to a team's `folders` in teams/").problems)
            continue
        effective = _effective_viewers(folder, by_path)
        parent = by_path.get(folder.path.rpartition("/")[0])
        parent_owned = parent is not None and owner_of(parent.path, teams) is not None
        if effective is not None and parent is not None and (not parent_owned
                                                             or _effective_viewers(parent, by_path) is None):
            problems.add(*UserError(folder.file, "viewers", f"Grafana's nested folders inherit permissions: "
                                    f"everyone who can view {parent.path!r} can view this folder too; give the parent "
                                    f"an owner and restrict its viewers as well").problems)
        elif parent is not None and not parent_owned:
            warn(folder.file, "", f"owned by team {owner.key!r}, but its parent folder {parent.path!r} has no owner: "
                                  "Grafana's default permissions there (Editor role can edit) are inherited, so "
                                  "every Editor can still edit this folder; give the parent an owner")
        access.append(FolderAccess(folder=folder, owner=owner.key,
                                   viewers=None if effective is None else tuple(sorted(set(effective) - {owner.key}))))
    problems.raise_if_any()
    return access


def _effective_viewers(folder: Folder, by_path: dict[str, Folder]) -> tuple[str, ...] | None:
    """A folder's viewers, inherited from the nearest ancestor that says; None means everyone."""
    current: Folder | None = folder
    while current is not None:
        if current.viewers is not None:
            return None if current.viewers == (EVERYONE,) else current.viewers
        current = by_path.get(current.path.rpartition("/")[0])
    return None
