"""``import-dashboard``: an exported Grafana JSON file written into the repository, normalized.

The result is what ``load_dashboards`` reads: stable uid, this repository's data source uids, no instance or
export-only keys, sorted keys and 2-space indentation so that re-importing the same dashboard gives no diff.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ..datasources import DataSource, load_datasources
from ..environment import load_environments
from ..errors import UserError
from ..folders import FOLDER_FILE
from ..yaml_io import display_path
from .loader import read_json
from .normalize import normalize_export


def _repository_root(dest_dir: Path) -> Path:
    for candidate in (dest_dir.resolve(), *dest_dir.resolve().parents):
        if candidate.name == "dashboards":
            return candidate.parent
    raise UserError(display_path(dest_dir), "", "is not inside the repository's dashboards/ directory")


def folder_directory(folder: str) -> Path:
    """The directory of ``--folder``, given as under dashboards/ (``payments``) or from the repository root
    (``dashboards/payments``, as a path completed by the shell would be); relative to the current directory."""
    parts = [part for part in folder.replace("\\", "/").split("/") if part not in ("", ".")]
    if parts and parts[0] == "dashboards":
        parts = parts[1:]
    return Path("dashboards", *parts)


def repository_datasources(root: Path) -> dict[str, DataSource]:
    """Data sources of every environment by uid (uids are the same in all environments)."""
    found: dict[str, DataSource] = {}
    for env in load_environments(root / "environments"):
        for source in load_datasources(root / "datasources", env):
            found.setdefault(source.uid, source)
    return found


def import_dashboard(exported_json_path: Path, dest_dir: Path,
                     datasources: Mapping[str, DataSource] | None = None) -> Path:
    """Write ``<dest_dir>/<uid>.json`` from an export; returns the path written.

    ``datasources`` defaults to the repository's own (read from ``environments/`` and ``datasources/``).
    """
    if not dest_dir.is_dir():
        raise UserError(display_path(dest_dir), "", "folder directory does not exist; create it with a "
                                                    f"{FOLDER_FILE} giving its title first")
    root = _repository_root(dest_dir)
    if dest_dir.resolve() != (root / "dashboards").resolve() and not (dest_dir / FOLDER_FILE).is_file():
        raise UserError(display_path(dest_dir), "", f"is not a folder: it has no {FOLDER_FILE}")
    if datasources is None:
        datasources = repository_datasources(root)
    where = display_path(exported_json_path)
    config = normalize_export(read_json(exported_json_path), where, datasources, remap_foreign=True)
    if any("libraryPanel" in panel for panel in config.get("panels", []) if isinstance(panel, dict)):
        raise UserError(where, "panels", "library panels are not managed here; unlink them in Grafana "
                                         "(panel menu > More > Unlink library panel) and export again")
    target = dest_dir / f"{config['uid']}.json"
    target.write_text(json.dumps(config, sort_keys=True, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
