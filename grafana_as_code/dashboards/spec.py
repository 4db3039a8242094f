"""A dashboard spec (``*.yaml``) rendered to the full Grafana dashboard JSON for one environment.

The file is a Jinja2 template first (it sees ``env``), then YAML. See dashboards/README.md for the reference.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import UserError
from ..templating import render
from ..uids import check_uid
from ..yaml_io import Fields
from . import durations
from .annotations import BUILT_IN, render_annotation
from .datasource_refs import DataSourceResolver
from .layout import GridCursor
from .library_panels import LibraryPanel, reference_panel
from .links import render_link
from .model import RenderContext
from .panels import panel_type, render_panel, size
from .schema_file import schema_version
from .spec_yaml import load_spec_yaml
from .variables import datasource_variable_types, render_variable

TOP_KEYS = ("uid", "title", "description", "tags", "refresh", "time", "timezone", "timepicker", "graph_tooltip",
            "editable", "datasource", "variables", "links", "annotations", "panels")
GRAPH_TOOLTIP = {"off": 0, "crosshair": 1, "tooltip": 2}
ROW_KEYS = ("row", "collapsed", "repeat", "id")
LIBRARY_PANEL_KEYS = ("library_panel", "id", "width", "height", "gridPos")

# Grafana writes legends and LogQL line formats as {{label}}, which is Jinja's syntax too. Only expressions that
# start from `env` (or from a name a {% for %}/{% set %} binds) are Jinja's; every other {{...}} is kept for Grafana.
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
_BOUND = re.compile(r"\{%-?\s*(?:for\s+([\w\s,]+?)\s+in|set\s+(\w+))")
_FIRST_NAME = re.compile(r"^\s*-?\s*([A-Za-z_]\w*)(\s*[.\[|(~+*/-]|\s*$)")


def protect_grafana_braces(text: str) -> str | None:
    """``text`` ready for Jinja, or None when it holds nothing for Jinja at all (the common case: skip it)."""
    bound = {"env"}
    for match in _BOUND.finditer(text):
        bound.update(n.strip() for n in (match.group(1) or match.group(2)).split(","))

    def keep(match: re.Match[str]) -> str:
        first = _FIRST_NAME.match(match.group(1))
        is_jinja = first is not None and first.group(1) in bound and not (
            first.group(1) == "env" and not first.group(2).strip())  # {{env}} alone is a Prometheus label
        return match.group(0) if is_jinja else "{% raw %}" + match.group(0) + "{% endraw %}"

    protected = _EXPRESSION.sub(keep, text)
    if "{%" in text or "{#" in text or "{{" in protected.replace("{% raw %}{{", ""):
        return protected
    return None


def render_spec(text: str, where: str, ctx: RenderContext, default_uid: str) -> dict[str, Any]:
    protected = protect_grafana_braces(text)
    rendered = text if protected is None else render(protected, where, {"env": ctx.env.template_context()})
    data = load_spec_yaml(rendered, where)
    if data is None:
        raise UserError(where, "", "the file is empty; a dashboard needs at least a title and panels")
    fields = Fields(data, where)
    fields.only(TOP_KEYS)
    variable_specs = fields.items("variables")
    resolver = DataSourceResolver(ctx.env.name, ctx.datasources, datasource_variable_types(variable_specs))
    default_ds = fields.str("datasource", None)
    if default_ds is not None:
        resolver.ref(default_ds, where, "datasource")  # an unknown default is reported where it is written
    names: dict[str, str] = {}
    variables = []
    for item in variable_specs:
        variable = render_variable(item, resolver, ctx.datasources, default_ds)
        if variable["name"] in names:
            raise item.error("name", f"variable {variable['name']!r} is already defined at {names[variable['name']]}")
        names[variable["name"]] = item.prefix
        variables.append(variable)
    return {
        "annotations": {"list": [dict(BUILT_IN)] + [render_annotation(a, resolver)
                                                    for a in fields.items("annotations")]},
        **({"description": fields.str("description")} if fields.data.get("description") is not None else {}),
        "editable": fields.bool("editable", True),
        "fiscalYearStartMonth": 0,
        "graphTooltip": _graph_tooltip(fields),
        "links": [render_link(link, resolver) for link in fields.items("links")],
        "panels": _panels(fields, resolver, default_ds, ctx.library_panels),
        "refresh": _refresh(fields, ctx.env.overrides.min_refresh),
        "schemaVersion": schema_version(),
        "tags": fields.str_list("tags", []),
        "templating": {"list": variables},
        "time": _time(fields),
        "timepicker": _timepicker(fields, ctx.env.overrides.min_refresh),
        "timezone": fields.str("timezone", "browser"),
        "title": fields.str("title"),
        "uid": check_uid(fields.str("uid", default_uid), where, "uid"),
        "weekStart": "",
    }


def _graph_tooltip(fields: Fields) -> int:
    value = fields.str("graph_tooltip", "crosshair")
    if value not in GRAPH_TOOLTIP:
        raise fields.error("graph_tooltip", f"expected one of {', '.join(GRAPH_TOOLTIP)}, got {value!r}")
    return GRAPH_TOOLTIP[value]


def _refresh(fields: Fields, min_refresh: str | None) -> str:
    raw = fields.data.get("refresh", "")
    if raw is False or raw == "off":
        return ""
    refresh = fields.str("refresh", "")
    if refresh and durations.seconds(refresh) is None:
        raise fields.error("refresh", f"expected a duration such as 30s, 1m or 1d, or off; got {refresh!r}")
    return durations.at_least(refresh, min_refresh)


def _time(fields: Fields) -> dict[str, str]:
    time = fields.sub("time", {})
    time.only(("from", "to"))
    return {"from": time.str("from", "now-6h"), "to": time.str("to", "now")}


def _timepicker(fields: Fields, min_refresh: str | None) -> dict[str, Any]:
    picker = fields.sub("timepicker", {})
    picker.only(("refresh_intervals", "hidden", "now_delay"))
    out: dict[str, Any] = {}
    if picker.data.get("hidden") is not None:
        out["hidden"] = picker.bool("hidden")
    if picker.data.get("now_delay") is not None:
        out["nowDelay"] = picker.str("now_delay")
    intervals = picker.str_list("refresh_intervals", None)
    if intervals is not None:
        for index, interval in enumerate(intervals):
            if durations.seconds(interval) is None:
                raise picker.error("refresh_intervals", f"[{index}] expected a duration such as 30s, got {interval!r}")
        # Offering intervals below the environment's floor would let users pick what the floor forbids.
        out["refresh_intervals"] = [i for i in intervals if durations.at_least(i, min_refresh) == i]
    return out


def _panel_ids(items: list[Fields]) -> list[int]:
    """Explicit ids are kept (alerts may point at them); the others are numbered in order, skipping those."""
    explicit = {item.int("id") for item in items if item.data.get("id") is not None}
    ids, candidate = [], 1
    for item in items:
        if item.data.get("id") is not None:
            ids.append(item.int("id"))
            continue
        while candidate in explicit:
            candidate += 1
        ids.append(candidate)
        candidate += 1
    return ids


def _panels(fields: Fields, resolver: DataSourceResolver, default_ds: str | None,
            library_panels: Mapping[str, LibraryPanel]) -> list[dict[str, Any]]:
    items = fields.items("panels")
    if not items:
        raise fields.error("panels", "is required: a list of panels (and rows)")
    top: list[dict[str, Any]] = []
    cursor = GridCursor()
    collapsed_row: dict[str, Any] | None = None
    row_cursor = GridCursor()
    for item, panel_id in zip(items, _panel_ids(items)):
        if "row" in item.data:
            item.only(ROW_KEYS)
            position = cursor.row()
            row: dict[str, Any] = {"collapsed": item.bool("collapsed", False), "gridPos": position, "id": panel_id,
                                   "panels": [], "title": item.str("row"), "type": "row"}
            if item.data.get("repeat") is not None:
                row["repeat"] = item.str("repeat")
            top.append(row)
            collapsed_row = row if row["collapsed"] else None
            # Panels of a collapsed row are stored inside it, laid out as if the row were open.
            row_cursor = GridCursor.below(position["y"] + position["h"])
            continue
        library = None
        if "library_panel" in item.data:
            item.only(LIBRARY_PANEL_KEYS)
            library = library_panel(item, library_panels)
            panel = {"id": panel_id, **reference_panel(library)}
        elif "type" not in item.data:
            raise item.error("type", "is required (or write `row: <title>` for a row, `library_panel: <uid or "
                                     "name>` for a library panel)")
        else:
            panel = render_panel(item, panel_id, resolver, default_ds)
        target_cursor = row_cursor if collapsed_row is not None else cursor
        if item.data.get("gridPos") is not None:
            grid = item.sub("gridPos")
            grid.only(("x", "y", "w", "h"))
            panel["gridPos"] = target_cursor.place_at(grid.int("x"), grid.int("y"), grid.int("w"), grid.int("h"))
        else:
            width, height = (item.int("width", library.default_size()[0]), item.int("height", library.default_size()[1])
                             ) if library is not None else size(item, panel_type(item))
            if not 1 <= width <= 24:
                raise item.error("width", f"must be between 1 and 24 (grid columns), got {width}")
            if height < 1:
                raise item.error("height", f"must be at least 1, got {height}")
            panel["gridPos"] = target_cursor.place(width, height)
        (collapsed_row["panels"] if collapsed_row is not None else top).append(panel)
    return top


def library_panel(item: Fields, library_panels: Mapping[str, LibraryPanel]) -> LibraryPanel:
    """The library panel ``library_panel: <uid or name>`` names (a name must be unique across folders)."""
    wanted = item.str("library_panel")
    if wanted in library_panels:
        return library_panels[wanted]
    named = [panel for panel in library_panels.values() if panel.name == wanted]
    if len(named) == 1:
        return named[0]
    if named:
        raise item.error("library_panel", f"several library panels are named {wanted!r} "
                                          f"({', '.join(sorted(p.file for p in named))}); give the uid")
    known = ", ".join(sorted(f"{p.uid} ({p.name})" for p in library_panels.values())) or "none"
    raise item.error("library_panel", f"unknown library panel {wanted!r}; library panels are files in "
                                      f"dashboards/<folder>/_library-panels/ (known: {known})")
