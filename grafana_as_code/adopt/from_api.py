"""``python -m grafana_as_code adopt --env prod --from <dir>``: write ``adopt/<env>.yaml`` from Grafana's API answers.

No Grafana is reachable from here (and none needs to be): the team saves the answers of these read-only calls, with
a token that may read, into one directory, then runs the command. Each file is optional; a missing one is reported
and that kind of object is not looked at.

=====================  ===================================================================
file                   call (GET, saved as JSON)
=====================  ===================================================================
search.json            /api/search?limit=5000 (folders and dashboards, every level)
datasources.json       /api/datasources
alert-rules.json       /api/v1/provisioning/alert-rules
contact-points.json    /api/v1/provisioning/contact-points
templates.json         /api/v1/provisioning/templates
mute-timings.json      /api/v1/provisioning/mute-timings
policies.json          /api/v1/provisioning/policies
library-elements.json  /api/library-elements?perPage=1000
=====================  ===================================================================

An object is adopted when the environment's definitions declare it under the same identity (uid; name; folder and
group name for rule groups). Everything else in Grafana is left alone and listed. Objects that would still collide
on create are reported as problems: a folder or dashboard with our title in the same place under another uid, a
data source with our name under another uid (Grafana keeps titles and names unique there).
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, UserError
from ..yaml_io import display_path, load_json, type_name
from .adopt_file import KINDS, WHAT, Key, adopt_path
from .declared import declared_keys
from .import_ids import POLICY_ID

FILES = ("search.json", "datasources.json", "alert-rules.json", "contact-points.json", "templates.json",
         "mute-timings.json", "policies.json", "library-elements.json")


@dataclass
class Found:
    """What the saved answers say exists, by resource type; plus titles/names for collision checks."""

    keys: dict[str, set[Key]] = field(default_factory=dict)
    folder_titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (parent uid, title) → uid
    dashboard_titles: dict[tuple[str, str], str] = field(default_factory=dict)  # (folder uid, title) → uid
    datasource_names: dict[str, str] = field(default_factory=dict)  # name → uid
    missing: list[str] = field(default_factory=list)

    def add(self, resource_type: str, key: Key) -> None:
        self.keys.setdefault(resource_type, set()).add(key)


def _list(data: Any, where: str, what: str) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UserError(where, "", f"expected a JSON list of objects ({what}), got {type_name(data)}")
    return data


def _str(item: dict[str, Any], key: str, where: str, index: int) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise UserError(where, f"[{index}].{key}", f"expected a non-empty string, got {value!r}")
    return value


def read_saved(directory: Path) -> Found:
    found = Found()
    if not directory.is_dir():
        raise UserError(display_path(directory), "", "no such directory of saved Grafana API responses")

    def load(name: str) -> tuple[Any, str] | None:
        path = directory / name
        if not path.is_file():
            found.missing.append(name)
            return None
        where = display_path(path)
        return load_json(path, where, "saved API response"), where

    if (saved := load("search.json")) is not None:
        for index, item in enumerate(_list(*saved, "/api/search")):
            kind = item.get("type")
            uid = _str(item, "uid", saved[1], index)
            title = str(item.get("title", ""))
            if kind == "dash-folder":
                found.add("grafana_folder", (uid,))
                found.folder_titles[(str(item.get("folderUid") or ""), title)] = uid
            elif kind == "dash-db":
                found.add("grafana_dashboard", (uid,))
                found.dashboard_titles[(str(item.get("folderUid") or ""), title)] = uid
    if (saved := load("datasources.json")) is not None:
        for index, item in enumerate(_list(*saved, "/api/datasources")):
            uid = _str(item, "uid", saved[1], index)
            found.add("grafana_data_source", (uid,))
            found.datasource_names[str(item.get("name", ""))] = uid
    if (saved := load("alert-rules.json")) is not None:
        for index, item in enumerate(_list(*saved, "/api/v1/provisioning/alert-rules")):
            found.add("grafana_rule_group", (_str(item, "folderUID", saved[1], index),
                                             _str(item, "ruleGroup", saved[1], index)))
    for name, resource_type, call in (
            ("contact-points.json", "grafana_contact_point", "/api/v1/provisioning/contact-points"),
            ("templates.json", "grafana_message_template", "/api/v1/provisioning/templates"),
            ("mute-timings.json", "grafana_mute_timing", "/api/v1/provisioning/mute-timings")):
        if (saved := load(name)) is not None:
            for index, item in enumerate(_list(*saved, call)):
                found.add(resource_type, (_str(item, "name", saved[1], index),))
    if (saved := load("policies.json")) is not None:
        if not isinstance(saved[0], dict):
            raise UserError(saved[1], "", f"expected the policy tree as a JSON object, got {type_name(saved[0])}")
        found.add("grafana_notification_policy", (POLICY_ID,))  # the tree always exists: adopt it to see its diff
    if (saved := load("library-elements.json")) is not None:
        data, where = saved
        elements = data.get("result", {}).get("elements") if isinstance(data, dict) else None
        for index, item in enumerate(_list(elements, where, "/api/library-elements: result.elements")):
            found.add("grafana_library_panel", (_str(item, "uid", where, index),))
    return found


@dataclass(frozen=True)
class AdoptPlan:
    adopted: dict[str, list[Key]]  # by resource type, sorted
    left_alone: dict[str, list[Key]]  # in Grafana, not in the code
    collisions: list[str]


def plan_adoption(found: Found, declared: dict[str, set[Key]], ours: dict[str, Any]) -> AdoptPlan:
    adopted = {t: sorted(found.keys.get(t, set()) & declared.get(t, set())) for t in KINDS.values()}
    left_alone = {t: sorted(found.keys.get(t, set()) - declared.get(t, set())) for t in KINDS.values()}
    collisions = []
    for (parent, title), uid in sorted(ours["folder_titles"].items()):
        theirs = found.folder_titles.get((parent, title))
        if theirs and theirs != uid:
            collisions.append(f"folder {title!r} exists in Grafana as uid {theirs!r}, ours is {uid!r}: creating "
                              "ours fails (titles are unique per parent); give ours that uid, or rename one")
    for (folder, title), uid in sorted(ours["dashboard_titles"].items()):
        theirs = found.dashboard_titles.get((folder, title))
        if theirs and theirs != uid:
            collisions.append(f"dashboard {title!r} in folder {folder!r} exists in Grafana as uid {theirs!r}, ours "
                              f"is {uid!r}: creating ours fails (titles are unique per folder); give ours that uid, "
                              "or rename one")
    for name, uid in sorted(ours["datasource_names"].items()):
        theirs = found.datasource_names.get(name)
        if theirs and theirs != uid:
            collisions.append(f"data source {name!r} exists in Grafana as uid {theirs!r}, ours is {uid!r}: creating "
                              "ours fails (names are unique); give ours that uid, or rename one")
    return AdoptPlan(adopted, left_alone, collisions)


def render_adopt_file(env_name: str, plan: AdoptPlan) -> str:
    kinds = {t: k for k, t in KINDS.items()}
    data: dict[str, Any] = {}
    for resource_type, keys in plan.adopted.items():
        kind = kinds[resource_type]
        if not keys:
            continue
        if kind == "notification_policy":
            data[kind] = True
        elif kind == "rule_groups":
            data[kind] = [{"folder": folder, "group": group} for folder, group in keys]
        else:
            data[kind] = [key[0] for key in keys]
    header = (f"# Objects that already exist in the {env_name} Grafana: the next plan imports them into state instead\n"
              f"# of creating them (Terraform import blocks). Written by `python -m grafana_as_code adopt --env "
              f"{env_name}`;\n# edit by hand freely. After the first apply the entries are no-ops: remove them.\n")
    return header + (yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True) if data
                     else "{}\n")


def _ours(catalog: Any) -> dict[str, Any]:
    return {
        "folder_titles": {(f.parent_uid or "", f.title): f.uid for f in catalog.folders},
        "dashboard_titles": {(d.folder_uid or "", d.title): d.uid for d in catalog.dashboards},
        "datasource_names": {d.name: d.uid for d in catalog.datasources},
    }


def adopt(root: Path, env_name: str, saved: Path, output: Path | None = None) -> tuple[Path, AdoptPlan, list[str]]:
    from ..project import load_project

    (catalog,) = load_project(root, [env_name]).catalogs
    found = read_saved(saved)
    plan = plan_adoption(found, declared_keys(catalog), _ours(catalog))
    if plan.collisions:
        raise UserError([Problem(display_path(saved), "", message) for message in plan.collisions])
    target = output or adopt_path(root / "adopt", env_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False, suffix=".tmp") as handle:
        handle.write(render_adopt_file(env_name, plan))
    os.replace(handle.name, target)
    return target, plan, found.missing


def summary(plan: AdoptPlan, missing: list[str]) -> list[str]:
    lines = []
    for resource_type, keys in plan.adopted.items():
        if keys:
            lines.append(f"adopt {len(keys)} {WHAT[resource_type]}(s): {', '.join('/'.join(k) for k in keys)}")
    for resource_type, keys in plan.left_alone.items():
        if keys:
            lines.append(f"left alone (in Grafana, not in the code) {len(keys)} {WHAT[resource_type]}(s): "
                         f"{', '.join('/'.join(k) for k in keys)}")
    if missing:
        lines.append(f"not looked at (no saved answer): {', '.join(missing)}")
    return lines
