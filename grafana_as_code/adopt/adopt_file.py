"""``adopt/<env>.yaml``: objects that already exist in an environment's Grafana and are adopted, not created.

Terraform would try to create everything the code declares, and Grafana answers "already exists" for every uid or
name it has. An object listed here gets a Terraform ``import`` block instead (Terraform >= 1.5): the next plan reads
it from Grafana into state and shows only what the code changes about it. Once applied, the entries are history:
remove them (or keep them; an import of an object already in state is a no-op).

::

    folders: [intelliflow, intelliflow-application]       # folder uids
    datasources: [prometheus, loki]                        # data source uids
    dashboards: [error-overview]                           # dashboard uids
    rule_groups:                                           # a rule group is its folder and its name
      - {folder: intelliflow, group: intelliflow-availability}
    contact_points: [oncall]                               # names
    message_templates: [alert]
    mute_timings: [maintenance-window]
    notification_policy: true                              # the one policy tree (it always exists in Grafana)

``python -m grafana_as_code adopt --env prod --from <dir>`` writes it from Grafana's API responses saved to disk;
it can also be written by hand. Every entry must be something this repository declares for that environment (an
import needs the resource it fills), and its uid or name must fit the provider's import id (no ``:``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Collector, UserError, warn
from ..yaml_io import Fields, display_path, load_yaml
from .import_ids import POLICY_ID, id_problem, import_id

# key in the file → resource type
KINDS: dict[str, str] = {
    "folders": "grafana_folder",
    "datasources": "grafana_data_source",
    "dashboards": "grafana_dashboard",
    "library_panels": "grafana_library_panel",
    "rule_groups": "grafana_rule_group",
    "contact_points": "grafana_contact_point",
    "message_templates": "grafana_message_template",
    "mute_timings": "grafana_mute_timing",
    "notification_policy": "grafana_notification_policy",
}
WHAT = {"grafana_folder": "folder uid", "grafana_data_source": "data source uid", "grafana_dashboard": "dashboard uid",
        "grafana_library_panel": "library panel uid", "grafana_rule_group": "rule group",
        "grafana_contact_point": "contact point", "grafana_message_template": "message template",
        "grafana_mute_timing": "mute timing", "grafana_notification_policy": "notification policy"}

Key = tuple[str, ...]  # the parts of the import id without the org: (uid,), (folder uid, group name), ("policy",)


@dataclass(frozen=True)
class Adopted:
    resource_type: str
    key: Key
    import_id: str
    file: str
    field: str


@dataclass(frozen=True)
class Adoption:
    file: str | None = None
    entries: tuple[Adopted, ...] = ()

    def keys(self, resource_type: str) -> set[Key]:
        return {entry.key for entry in self.entries if entry.resource_type == resource_type}


def adopt_path(directory: Path, env_name: str) -> Path:
    return directory / f"{env_name}.yaml"


def _keys(fields: Fields, kind: str) -> list[tuple[str, Key]]:
    """(field, key) for each entry of one kind, in file order."""
    if kind == "notification_policy":
        return [("notification_policy", (POLICY_ID,))] if fields.bool(kind, False) else []
    if kind == "rule_groups":
        found = []
        for index, item in enumerate(fields.items(kind)):
            item.only(("folder", "group"))
            found.append((f"{kind}[{index}]", (item.str("folder"), item.str("group"))))
        return found
    return [(f"{kind}[{index}]", (value,)) for index, value in enumerate(fields.str_list(kind, []))]


# Rules with a uid added to a group that already exists need Grafana 11.5.2 (grafana/grafana#100450, provider #1928);
# an adopted group gets our rules, with their uids, on the first apply. Versions here are major.minor: below 11.6 the
# patch level is unknown, so it is a warning.
RULE_UIDS_IN_EXISTING_GROUPS = (11, 6)


def parse_adoption(data: Any, where: str, declared: dict[str, set[Key]], env_name: str,
                   org_id: int | None, grafana_version: tuple[int, int] = RULE_UIDS_IN_EXISTING_GROUPS) -> Adoption:
    """The adoption list, checked against what the environment's stack declares (``declared``: type → keys)."""
    fields = Fields(data if data is not None else {}, where)
    fields.only(KINDS)
    problems = Collector()
    entries: list[Adopted] = []
    seen: set[tuple[str, Key]] = set()
    for kind, resource_type in KINDS.items():
        keys: list[tuple[str, Key]] = []
        with problems.guard():
            keys = _keys(fields, kind)
        for field, key in keys:
            with problems.guard():
                shown = "/".join(key)
                problem = id_problem(resource_type, key)
                if problem:
                    raise UserError(where, field, problem)
                if (resource_type, key) in seen:
                    raise UserError(where, field, f"{WHAT[resource_type]} {shown!r} is listed twice")
                seen.add((resource_type, key))
                if key not in declared.get(resource_type, set()):
                    known = sorted("/".join(k) for k in declared.get(resource_type, set()))
                    raise UserError(where, field, f"{WHAT[resource_type]} {shown!r} is not declared for environment "
                                    f"{env_name!r}, so there is nothing to adopt it into; add its definition or "
                                    f"remove the entry (declared: {', '.join(known) or 'none'})")
                entries.append(Adopted(resource_type, key, import_id(resource_type, key, org_id), where, field))
                if resource_type == "grafana_rule_group" and grafana_version < RULE_UIDS_IN_EXISTING_GROUPS:
                    version = ".".join(map(str, grafana_version))
                    warn(where, field, f"environment {env_name!r} runs Grafana {version}: adding rules with a uid to "
                                       "an existing group needs 11.5.2 or later (grafana/grafana#100450); make sure "
                                       "it runs 11.5.2 or later before applying")
    problems.raise_if_any()
    return Adoption(file=where, entries=tuple(entries))


def load_adoption(directory: Path, env_name: str, declared: dict[str, set[Key]], org_id: int | None,
                  grafana_version: tuple[int, int] = RULE_UIDS_IN_EXISTING_GROUPS) -> Adoption:
    path = adopt_path(directory, env_name)
    if not path.is_file():
        return Adoption()
    return parse_adoption(load_yaml(path), display_path(path), declared, env_name, org_id, grafana_version)
