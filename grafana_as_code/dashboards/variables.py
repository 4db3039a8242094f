"""Template variables: datasource, query, custom, interval, constant and textbox.

A spec lists them under ``variables``; each renders to one entry of ``templating.list``. Data source variables are
also what other parts of the spec may name as ``datasource: $ds``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..datasources import DataSource
from ..yaml_io import Fields, type_name
from .datasource_refs import DataSourceResolver

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
COMMON = ("name", "type", "label", "description", "hide")
TYPE_KEYS = {
    "datasource": ("plugin", "regex", "default", "multi", "include_all"),
    "query": ("datasource", "query", "multi", "include_all", "all_value", "refresh", "regex", "sort", "default"),
    "custom": ("values", "multi", "include_all", "all_value", "default"),
    "interval": ("values", "default", "auto", "auto_count", "auto_min"),
    "constant": ("value",),
    "textbox": ("default",),
}
HIDE = {"none": 0, "label": 1, "variable": 2}
REFRESH = {"load": 1, "time": 2}
SORT = {"none": 0, "alpha": 1, "alpha-desc": 2, "numeric": 3, "numeric-desc": 4, "alpha-ci": 5, "alpha-ci-desc": 6,
        "natural": 7, "natural-desc": 8}


def datasource_variable_types(specs: list[Fields]) -> dict[str, str]:
    """name -> plugin type of the data source variables, needed before anything else can resolve ``$ds``."""
    return {item.str("name"): item.str("plugin") for item in specs if item.data.get("type") == "datasource"}


def _choice(fields: Fields, key: str, table: Mapping[str, int], default: str) -> int:
    value = fields.str(key, default)
    if value not in table:
        raise fields.error(key, f"expected one of {', '.join(table)}, got {value!r}")
    return table[value]


def _option(text: str, value: str, selected: bool) -> dict[str, Any]:
    return {"selected": selected, "text": text, "value": value}


def _values(fields: Fields) -> list[tuple[str, str]]:
    """(text, value) pairs from a list of strings or a mapping text -> value."""
    raw = fields.data.get("values")
    if isinstance(raw, dict):
        return [(str(k), str(v)) for k, v in raw.items()]
    if isinstance(raw, list) and raw:
        for index, item in enumerate(raw):
            if isinstance(item, (dict, list)) or item is None:
                raise fields.error("values", f"[{index}] expected a string, got {type_name(item)}")
        return [(str(v), str(v)) for v in raw]
    raise fields.error("values", "is required: a non-empty list, or a mapping of display text to value")


def _with_options(out: dict[str, Any], fields: Fields, pairs: list[tuple[str, str]]) -> None:
    default = fields.str("default", None)
    values = [v for _, v in pairs]
    if default is not None and default not in values and default != "$__all":
        raise fields.error("default", f"{default!r} is not one of the values ({', '.join(values)})")
    chosen = default if default is not None else values[0]
    options = [_option(t, v, v == chosen) for t, v in pairs]
    if out.get("includeAll"):
        options.insert(0, _option("All", "$__all", chosen == "$__all"))
    text = next((o["text"] for o in options if o["value"] == chosen), chosen)
    out["current"] = {"text": text, "value": chosen}
    out["options"] = options


def render_variable(fields: Fields, resolver: DataSourceResolver, datasources: Mapping[str, DataSource],
                    default_datasource: str | None) -> dict[str, Any]:
    kind = fields.str("type")
    if kind not in TYPE_KEYS:
        raise fields.error("type", f"unknown variable type {kind!r}; one of: {', '.join(TYPE_KEYS)}")
    fields.only(COMMON + TYPE_KEYS[kind])
    name = fields.str("name")
    if not NAME.match(name) or name.startswith("__"):
        raise fields.error("name", f"{name!r}: letters, digits and '_', not starting with a digit or '__' "
                                   "(reserved for Grafana's built-in variables)")
    out: dict[str, Any] = {"hide": _choice(fields, "hide", HIDE, "none"), "name": name, "skipUrlSync": False,
                           "type": kind}
    for key, json_key in (("label", "label"), ("description", "description")):
        if fields.data.get(key) is not None:
            out[json_key] = fields.str(key)
    if kind in ("datasource", "query", "custom"):
        out["multi"] = fields.bool("multi", False)
        out["includeAll"] = fields.bool("include_all", False)
    if fields.data.get("all_value") is not None:
        out["allValue"] = fields.str("all_value")
    if kind == "datasource":
        plugin = fields.str("plugin")
        candidates = sorted(uid for uid, source in datasources.items() if source.type == plugin)
        # Like imports: the data source named after the plugin type is the natural default (prometheus, not mimir).
        preferred = plugin if plugin in candidates else (candidates[0] if candidates else "")
        default = fields.str("default", preferred)
        if default and default not in candidates:
            raise fields.error("default", f"{default!r} is not a {plugin} data source of this environment "
                                          f"({', '.join(candidates) or 'none'})")
        out.update(current={"text": default, "value": default}, options=[], query=plugin,
                   refresh=1, regex=fields.str("regex", ""))
    elif kind == "query":
        name_ds = fields.str("datasource", default_datasource)
        if name_ds is None:
            raise fields.error("datasource", "is required (or set datasource on the dashboard)")
        field = fields.path("datasource") if "datasource" in fields.data else "datasource"
        query = fields.str("query")
        default = fields.str("default", None)
        current: dict[str, Any] = {}
        if default is not None:
            current = {"text": "All" if default == "$__all" else default, "value": default}
        elif out["includeAll"]:
            current = {"text": "All", "value": "$__all"}
        out.update(current=current, datasource=resolver.ref(name_ds, fields.where, field), definition=query,
                   options=[], query={"query": query, "refId": f"{name}-variable-query"},
                   refresh=_choice(fields, "refresh", REFRESH, "load"), regex=fields.str("regex", ""),
                   sort=_choice(fields, "sort", SORT, "alpha"))
    elif kind == "custom":
        pairs = _values(fields)
        _with_options(out, fields, pairs)
        out["query"] = ",".join(v if t == v else f"{t} : {v}" for t, v in pairs)
    elif kind == "interval":
        pairs = _values(fields)
        _with_options(out, fields, pairs)
        out["query"] = ",".join(v for _, v in pairs)
        out["auto"] = fields.bool("auto", False)
        out["auto_count"] = fields.int("auto_count", 30)
        out["auto_min"] = fields.str("auto_min", "10s")
        out["refresh"] = 2
    elif kind == "constant":
        value = fields.str("value")
        out.update(current={"text": value, "value": value}, hide=2, options=[_option(value, value, True)],
                   query=value)
    else:  # textbox
        value = fields.str("default", "")
        out.update(current={"text": value, "value": value}, options=[_option(value, value, True)], query=value)
    return out
