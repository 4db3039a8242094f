"""Folders: the directory tree under ``dashboards/`` is the folder tree in Grafana.

Each directory holds a ``_folder.yaml`` with the folder's title (and optionally its uid); sub-directories become
nested folders (``parent_folder_uid``). Alert rule groups refer to these folders by uid.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .conventions import Conventions, load_conventions
from .errors import UserError
from .uids import check_uid, slug
from .yaml_io import Fields, display_path, load_yaml

FOLDER_FILE = "_folder.yaml"
EVERYONE = "everyone"  # ``viewers: everyone``: the organisation's Viewer and Editor roles can view the folder


@dataclass(frozen=True)
class Folder:
    uid: str
    title: str
    path: str  # relative to dashboards/, '/'-separated, e.g. "intelliflow/application"
    parent_uid: str | None
    file: str
    prevent_destroy_if_not_empty: bool = True
    # Who may view it when a team owns it (teams/): team keys, (EVERYONE,), or None to inherit from the parent
    viewers: tuple[str, ...] | None = None
    conventions: Conventions | None = None  # the dashboard naming lint in effect here (own or inherited)
    conventions_file: str = ""  # the _folder.yaml that switched it on

    @property
    def depth(self) -> int:
        return self.path.count("/")


def _derived_uid(relative: str) -> str:
    return "-".join(slug(part) for part in relative.split("/"))


def _viewers(fields: Fields) -> tuple[str, ...] | None:
    """``viewers: everyone`` or a list of team keys (teams/<key>.yaml); absent: as the parent folder."""
    value = fields.data.get("viewers")
    if value is None:
        return None
    if value == EVERYONE:
        return (EVERYONE,)
    teams = fields.str_list("viewers")
    if not teams or EVERYONE in teams:
        raise fields.error("viewers", f"expected {EVERYONE!r} or a non-empty list of team keys (files in teams/)")
    return tuple(teams)


def load_folders(root: Path) -> list[Folder]:
    """Every folder under ``root``, parents before children, sorted by path for stable output."""
    if not root.is_dir():
        return []
    folders: dict[str, Folder] = {}
    directories = sorted(p for p in root.rglob("*") if p.is_dir() and not p.name.startswith((".", "_")))
    for directory in directories:
        relative = directory.relative_to(root).as_posix()
        definition = directory / FOLDER_FILE
        if not definition.is_file():
            raise UserError(display_path(directory), "", f"every folder directory needs a {FOLDER_FILE} "
                                                         "giving at least its title")
        where = display_path(definition)
        fields = Fields(load_yaml(definition) or {}, where)
        fields.only(("title", "uid", "prevent_destroy_if_not_empty", "viewers", "conventions"))
        uid = check_uid(fields.str("uid", _derived_uid(relative)), where, "uid")
        parent = relative.rpartition("/")[0]
        if "conventions" in fields.data:  # own setting (an empty one switches an inherited lint off)
            conventions, conventions_file = load_conventions(fields.sub("conventions")), where
        elif parent:
            conventions, conventions_file = folders[parent].conventions, folders[parent].conventions_file
        else:
            conventions, conventions_file = None, ""
        folders[relative] = Folder(
            uid=uid,
            title=fields.str("title"),
            path=relative,
            parent_uid=folders[parent].uid if parent else None,
            file=where,
            prevent_destroy_if_not_empty=fields.bool("prevent_destroy_if_not_empty", True),
            viewers=_viewers(fields),
            conventions=conventions,
            conventions_file=conventions_file,
        )
    seen: dict[str, Folder] = {}
    for folder in folders.values():
        if folder.uid in seen:
            raise UserError(folder.file, "uid", f"folder uid {folder.uid!r} is already used by {seen[folder.uid].file}")
        seen[folder.uid] = folder
    return list(folders.values())
