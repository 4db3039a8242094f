"""Exported Grafana dashboard JSON made fit for this repository.

Grafana's "Export for sharing externally" replaces every data source by an input (``${DS_PROMETHEUS}``) declared
in ``__inputs``, and adds ``__requires``/``__elements``; a plain export carries the instance's numeric ``id`` and
``version``. We map each input to this repository's data source of the same plugin type, substitute constant
inputs, turn legacy string data source references into ``{type, uid}`` objects and drop what Grafana assigns
itself, so the JSON neither depends on the instance it came from nor drifts in plans.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..datasources import DataSource
from ..errors import UserError, warn
from ..uids import check_uid
from .datasource_refs import GRAFANA, MIXED, SPECIAL_UIDS, variable_in

INSTANCE_KEYS = ("id", "version", "iteration")  # assigned by the Grafana instance
EXPORT_KEYS = ("__inputs", "__requires", "__elements")  # only meaningful to Grafana's import dialog
LEGACY_KEYS = ("style",)  # the dark/light dashboard style, ignored since Grafana 9
INPUT = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
LEGACY_NAMES = {"-- Mixed --": MIXED, "-- Grafana --": GRAFANA,
                "-- Dashboard --": {"type": "datasource", "uid": "-- Dashboard --"}}


def pick_datasource(plugin: str, datasources: Mapping[str, DataSource], where: str, field: str) -> str:
    """The repository's data source for a plugin type: the one whose uid is the type, else the only one."""
    candidates = sorted(uid for uid, source in datasources.items() if source.type == plugin)
    if plugin in candidates:
        return plugin
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UserError(where, field, f"needs a {plugin!r} data source, and this repository has none "
                                      f"(known: {', '.join(sorted(datasources)) or 'none'})")
    raise UserError(where, field, f"several {plugin!r} data sources ({', '.join(candidates)}); "
                                  "set the uid in the JSON to the one meant")


class _Normalizer:
    def __init__(self, config: dict[str, Any], where: str, datasources: Mapping[str, DataSource],
                 remap_foreign: bool):
        self.where = where
        self.datasources = datasources
        self.remap_foreign = remap_foreign
        self.inputs: dict[str, dict[str, str]] = {}  # DS_* input -> reference
        self.constants: dict[str, str] = {}
        self.named: set[str] = set()  # unknown data source names already reported
        self.ds_variables = {v.get("name"): v.get("query") for v in config.get("templating", {}).get("list", [])
                             if isinstance(v, dict) and v.get("type") == "datasource"}
        inputs = config.get("__inputs", [])
        if not isinstance(inputs, list):
            raise UserError(where, "__inputs", "expected a list")
        for index, item in enumerate(inputs):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise UserError(where, f"__inputs[{index}]", "expected an object with a name")
            if item.get("type") == "datasource":
                plugin = item.get("pluginId")
                if not isinstance(plugin, str):
                    raise UserError(where, f"__inputs[{index}].pluginId", "is required (a string)")
                uid = pick_datasource(plugin, datasources, where, f"__inputs[{index}] ({item['name']})")
                self.inputs[item["name"]] = {"type": datasources[uid].type, "uid": uid}
            elif item.get("type") == "constant":
                self.constants[item["name"]] = str(item.get("value", ""))

    def text(self, value: str) -> str:
        return INPUT.sub(lambda m: self.constants.get(m.group(1), m.group(0)), value) if self.constants else value

    def reference(self, value: Any, path: str) -> Any:
        """A data source reference in object form, mapped to this repository."""
        if value is None:
            return None
        if isinstance(value, str):
            if value == "default":  # Grafana reads a reference named "default" as the default data source
                return None
            match = INPUT.fullmatch(value)
            if match and match.group(1) in self.inputs:
                return dict(self.inputs[match.group(1)])
            if value in LEGACY_NAMES:
                return dict(LEGACY_NAMES[value])
            variable = variable_in(value)
            if variable is not None:
                plugin = self.ds_variables.get(variable)
                return {"type": plugin, "uid": f"${{{variable}}}"} if isinstance(plugin, str) else {"uid": value}
            by_name = [s for s in self.datasources.values() if s.name == value]
            if by_name:  # legacy exports name the data source
                return {"type": by_name[0].type, "uid": by_name[0].uid}
            if self.remap_foreign and value not in self.datasources and value not in SPECIAL_UIDS:
                return self.default_for_name(value, path)
            return {"uid": value}
        if isinstance(value, dict):
            uid = value.get("uid")
            match = INPUT.fullmatch(uid) if isinstance(uid, str) else None
            if match and match.group(1) in self.inputs:
                return {**value, **self.inputs[match.group(1)]}
            if (self.remap_foreign and isinstance(uid, str) and uid not in self.datasources
                    and uid not in SPECIAL_UIDS and variable_in(uid) is None and isinstance(value.get("type"), str)):
                # An export from another Grafana carries that instance's uids: map by plugin type.
                mapped = pick_datasource(value["type"], self.datasources, self.where, path)
                return {**value, "type": self.datasources[mapped].type, "uid": mapped}
            return {k: self.walk(v, f"{path}.{k}") for k, v in value.items()}
        return value

    def default_for_name(self, name: str, path: str) -> dict[str, str] | None:
        """An old export names a data source of the other Grafana (``"Metrics"``) without saying its type: it
        becomes this repository's default data source, and the user is told to check."""
        defaults = sorted(uid for uid, source in self.datasources.items() if source.is_default)
        if not defaults:
            return {"uid": name}
        if name not in self.named:  # once per name, at its first use
            self.named.add(name)
            warn(self.where, path, f"data source named {name!r} is unknown here and the export does not say its "
                                   f"type; mapped to the default data source {defaults[0]!r} (and so everywhere "
                                   "else in this file): check the queries")
        return {"type": self.datasources[defaults[0]].type, "uid": defaults[0]}

    def walk(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return {k: (self.reference(v, f"{path}.{k}") if k == "datasource" else self.walk(v, f"{path}.{k}"))
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, str):
            return self.text(value)
        return value


def normalize_export(config: Any, where: str, datasources: Mapping[str, DataSource], *,
                     remap_foreign: bool = False, default_uid: str | None = None) -> dict[str, Any]:
    """``remap_foreign``: also map concrete uids unknown here by plugin type (when importing from elsewhere).
    ``default_uid``: the uid to use when the export has none (Grafana would generate a random one)."""
    if not isinstance(config, dict):
        raise UserError(where, "", "expected a dashboard JSON object")
    if "dashboard" in config and isinstance(config["dashboard"], dict) and "panels" not in config:
        raise UserError(where, "", "this is an API response ({\"dashboard\": ..., \"meta\": ...}); "
                                   "save the inner \"dashboard\" object, or use Export > Save to file")
    if "spec" in config and "apiVersion" in config:
        raise UserError(where, "", "Kubernetes-style dashboards (apiVersion/kind/spec) are not supported; "
                                   "export with the classic JSON model")
    if default_uid is not None and not config.get("uid"):
        config = {**config, "uid": default_uid}
        warn(where, "uid", f"missing; using {default_uid!r} (Grafana would make up a new one on every import, "
                           "breaking links and the Terraform state): write it into the file")
    for key in ("uid", "title"):
        if not isinstance(config.get(key), str) or not config[key]:
            raise UserError(where, key, "is required (a string) in an exported dashboard")
    check_uid(config["uid"], where, "uid")
    normalizer = _Normalizer(config, where, datasources, remap_foreign)
    dropped = set(INSTANCE_KEYS + EXPORT_KEYS + LEGACY_KEYS)
    out = {k: normalizer.walk(v, k) for k, v in config.items() if k not in dropped}
    if out.get("refresh") is False:  # old exports write false for "off"
        out["refresh"] = ""
    return out
